"""What an import found and did: row issues, notes, counts and the per-row plan."""

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy


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


OUTCOME_WORDS = {
    Outcome.NEW: pgettext_lazy("import plan", "new"),
    Outcome.CHANGED: pgettext_lazy("import plan", "changed"),
    Outcome.UNCHANGED: pgettext_lazy("import plan", "unchanged"),
    Outcome.REFUSED: pgettext_lazy("import plan", "refused"),
}


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
    planned: list = field(default_factory=list)  # core.imports.plan.Planned, file order

    def plan_table(self) -> list[tuple[int, str, str, str, str, str]]:
        """Return the whole plan as rows (row, outcome, record, field, old, new): one per
        changed field, one per new or unchanged row, one per refusal (its reason as new)."""
        table = []
        for planned in self.planned:
            outcome = str(Outcome(planned.outcome))
            if not planned.changes:
                table.append((planned.row, outcome, planned.label, "", "", ""))
            for name, change in planned.changes.items():
                old, new = change if isinstance(change, tuple) else ("", change)
                table.append((planned.row, outcome, planned.label, name, str(old), str(new)))
        for issue in self.errors:
            table.append((issue.row, str(Outcome.REFUSED), "", issue.field, "", issue.message))
        return sorted(table, key=lambda line: line[0])

    def plan_lines(self, *, limit: int = 200) -> list[str]:
        """Return the plan's new and changed rows as tab-separated lines (at most `limit`;
        unchanged rows are counted in the summary, refusals listed as errors)."""
        lines = []
        for row, outcome, label, name, old, new in self.plan_table():
            if outcome in (Outcome.UNCHANGED, Outcome.REFUSED):
                continue
            change = f"{name}: {old} → {new}" if old else (f"{name}: {new}" if name else "")
            words = [_("row %(row)s") % {"row": row}, str(OUTCOME_WORDS[outcome]), label, change]
            lines.append("\t".join(filter(None, words)))
        if len(lines) > limit:
            more_line = _("… and %(count)d more (--plan-out writes them all)") % {
                "count": len(lines) - limit
            }
            lines = [*lines[:limit], more_line]
        return lines

    def write_plan_csv(self, path) -> int:
        """Write the whole plan (plan_table) to a CSV file in UTF-8 with a BOM; return
        its data rows."""
        import csv

        table = self.plan_table()
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["row", "outcome", "record", "field", "old", "new"])
            writer.writerows(table)
        return len(table)

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
