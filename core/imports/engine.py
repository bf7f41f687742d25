"""The engine: read → map columns → validate rows → plan → write → report, for any Kind."""

from collections.abc import Callable
from pathlib import Path

from core import audit
from core.imports.columns import map_columns
from core.imports.kinds import Checked, Kind, RawRow
from core.imports.plan import make_plan
from core.imports.read import Table, read_table
from core.imports.report import Report
from core.imports.write import write_plan
from core.text import text_clean

Progress = Callable[[int, int], None]


def run_import(
    kind: Kind,
    path: str | Path,
    *,
    commit: bool = False,
    options: dict | None = None,
    srid: int | None = None,
    progress: Progress | None = None,
    encoding: str | None = None,
    actor=None,
) -> Report:
    """Check a file of `kind` rows and, with `commit` and no error, write them all.

    A committed import is recorded in the audit trail (core.audit) with `actor` (the
    staff member, None from the command line) and its counts.

    options: the kind's own (passed to kind.prepare). srid: the CRS of CSV coordinates.
    encoding: of a CSV or a Shapefile without .cpg (default: detected, see
    core.imports.encoding).
    progress(done, total) is called after each row of each pass (check, then write).
    Raises InvalidInput when the file cannot be read; row problems go into the report,
    and then nothing is written. Conflict when the database refuses the write.
    """
    path = Path(path)
    table = read_table(path, kind, srid=srid, encoding=encoding)
    report = kind.report(kind=kind.name, path=str(path), rows_read=table.total)
    report.warnings.extend(table.notes)
    report.errors.extend(table.issues)
    columns, unknown = map_columns(table.header, kind.columns)
    if unknown and (note := kind.say("unknown_columns", names=", ".join(unknown))):
        report.warnings.append(note)
    file_issues = kind.check_columns(columns, table)
    if file_issues:
        report.errors.extend(file_issues)
        return report
    context = kind.prepare({**(options or {}), "notes": report.warnings})
    checked = validate_rows(kind, context, table, columns, report, progress=progress)
    plan = make_plan(kind, context, checked, report)
    report.planned = plan.rows
    if kind.tally is not None:
        kind.tally(context, report)
    report.errors.sort(key=kind.issue_order)
    if kind.max_errors is not None:
        del report.errors[kind.max_errors :]
    if commit and report.ok:
        write_plan(kind, context, plan, progress=progress)
        report.committed = True
    if report.committed or kind.count_dry_run:
        report.created, report.updated, report.unchanged = plan.counts()
    if report.committed:
        audit.record(
            actor,
            f"import.{kind.name}",
            None,
            {
                "file": path.name,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
    return report


def validate_rows(
    kind: Kind, context, table: Table, columns: dict, report: Report, *, progress=None
) -> list[Checked]:
    """Check every row with the kind's validator; return the rows without any issue."""
    failed = {issue.row for issue in table.issues}
    points = table.points() if table.has_coordinates and table.records else []
    shapes = table.shapes() if kind.shapes or table.xy is None else [None] * len(points)
    checked, total = [], len(table.records)
    for index, (record, row) in enumerate(zip(table.records, table.rows, strict=True)):
        # Control characters and non-characters never enter the database (core.text).
        cells = {
            role: text_clean(value) if isinstance(value, str) else value
            for role, value in ((role, record[column]) for role, column in columns.items())
        }
        raw = RawRow(
            row,
            cells,
            shapes[index],
            points[index] if points else None,
            read_failed=row in failed,
        )
        values, issues = kind.validate(context, raw)
        report.errors.extend(issues)
        if values is not None and not issues and not raw.read_failed:
            checked.append(Checked(row, values))
        if progress:
            progress(index + 1, total)
    return checked
