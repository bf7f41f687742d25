"""What an import found and did: row issues, notes, counts and the per-row plan."""

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Issue:
    """One problem in an import file; row 1 is the first feature, row 0 the file itself.

    CSV rows are numbered as their kind says (by line, or by data row).
    """

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        return f"{where}, field {self.field}: {self.message}"


class Outcome(StrEnum):
    """What the plan does with a row."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass
class Report:
    """What an import found and did; nothing is written unless `committed` is true.

    `warnings` are notes about the file (CRS, encoding, ignored columns); they never stop
    an import. `outcomes` is the plan of each valid row, by row number.
    """

    kind: str = ""
    path: str = ""
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    committed: bool = False

    @property
    def ok(self) -> bool:
        """True when no row has an error (warnings do not count)."""
        return not self.errors

    @property
    def rows(self) -> int:
        """Data rows in the file (malformed CSV lines included, blank lines not)."""
        return self.rows_read

    @property
    def notes(self) -> list[str]:
        return self.warnings

    def error_lines(self) -> list[str]:
        """Return one tab-separated line per issue: row, field, message."""
        return [
            _("row %(row)s\t%(field)s\t%(message)s")
            % {"row": issue.row, "field": issue.field, "message": issue.message}
            for issue in self.errors
        ]

    def summary(self) -> str:
        """Return the counts in one sentence, saying whether anything was written."""
        verb = _("written") if self.committed else _("dry run, nothing written")
        return _(
            "%(rows)d rows: %(created)d new, %(updated)d changed, %(unchanged)d unchanged, "
            "%(errors)d errors (%(verb)s)."
        ) % {
            "rows": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": len(self.errors),
            "verb": verb,
        }
