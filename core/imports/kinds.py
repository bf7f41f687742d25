"""The declaration of an import kind: what an app tells the engine about its rows."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.errors import InvalidInput
from core.imports.phrases import PHRASES
from core.imports.report import Issue, Report


@dataclass(frozen=True)
class RawRow:
    """One row as read: its number, cells by role, EPSG:4326 geometry (shapely or None).

    `xy` is (lon, lat) when the geometry is a point; `read_failed` when reading the row
    already produced an issue (its geometry is then None).
    """

    row: int
    cells: Mapping[str, Any]
    geometry: Any = None
    xy: tuple[float, float] | None = None
    read_failed: bool = False


@dataclass
class Checked:
    """A valid row, ready to be matched: the kind's own values for it."""

    row: int
    values: Any


def _no_file_issues(columns: Mapping[str, str], table) -> list[Issue]:
    return []


def _by_row(issue: Issue):
    return issue.row


@dataclass(frozen=True)
class Kind:
    """One kind of import, declared by its app.

    columns: role → the column names a file may use for it (first found wins; a
        Shapefile's 10-character truncation of a role's name is also accepted).
    prepare(options) → context: load what the checks need (lookups), once per import;
        options["notes"] is the report's list of notes, for the kind to add to.
    validate(context, RawRow) → (values or None, issues): check one row.
    match(context, [Checked]) → Planned or Issue per row: compare with stored rows.
    write(context, Plan, progress): write the plan inside the engine's transaction.
    check_columns(columns, table) → file-level issues (row 0); any stops row checks.
    """

    name: str
    columns: Mapping[str, tuple[str, ...]]
    prepare: Callable[[dict], Any]
    validate: Callable[[Any, RawRow], tuple[Any, list[Issue]]]
    match: Callable[[Any, list[Checked]], Iterable]
    write: Callable[..., None]
    check_columns: Callable = _no_file_issues
    report: type[Report] = Report
    phrases: Mapping[str, Any] = field(default_factory=dict)
    codes: Mapping[str, str] = field(default_factory=dict)
    default_code: str = "file"
    csv_rows_by_line: bool = True  # CSV row numbers: the line (header = 1), or data rows
    shapes: bool = True  # False: a lon/lat CSV's (lon, lat) suffice, no shapely points
    text_cells: bool = False  # cells of geo files as text, like CSV cells
    coordinates_required: bool = False
    geo_suffixes: frozenset[str] | None = None  # None: whatever GDAL reads
    issue_order: Callable[[Issue], Any] = _by_row
    max_errors: int | None = None
    count_dry_run: bool = True  # False: counts say only what was written
    tally: Callable[[Any, Report], None] | None = None  # the kind's own counts, after plan
    after_commit: Callable[[], None] | None = None

    def say(self, key: str, **params) -> str | None:
        """Return the phrase `key` with `params`, or None when this kind keeps quiet."""
        template = self.phrases.get(key, PHRASES[key])
        return None if template is None else str(template) % params

    def refuse(self, key: str, **params) -> InvalidInput:
        """Return the InvalidInput that refuses the whole file."""
        return InvalidInput(self.say(key, **params), code=self.codes.get(key, self.default_code))
