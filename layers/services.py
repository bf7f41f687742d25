"""Writes of the base layers: the import of territory, settlements and facilities.

`layer_import` runs the one import engine (core.imports) with the kinds declared in
layers.imports: it reads a GeoJSON, GeoPackage, Shapefile (.zip or folder) or CSV file,
checks every row against the models and the territories already stored, and writes all
rows in one transaction only when asked to and when no row has an error.
"""

from collections.abc import Callable
from pathlib import Path

from core.errors import InvalidInput
from core.imports import Issue, Report, run_import
from layers.imports import INSIDE_TOLERANCE_M, KINDS, layer_kind

__all__ = ["KINDS", "INSIDE_TOLERANCE_M", "ImportReport", "RowIssue", "layer_import"]

ImportReport, RowIssue = Report, Issue
ProgressCallback = Callable[[int, int], None]


def layer_import(
    *,
    kind: str,
    path: str | Path,
    commit: bool = False,
    repair: bool = False,
    progress: ProgressCallback | None = None,
    encoding: str | None = None,
) -> Report:
    """Check a file of `kind` rows and, with `commit`, write them all or none.

    kind: "territory", "settlements" or "facilities" (see layers.imports for how rows
    are matched and placed). The file's CRS is reprojected to EPSG:4326 (no CRS:
    EPSG:4326 assumed, with a warning). `repair` fixes invalid polygons with make_valid
    and warns. `progress(n_done, n_total)` is called after each row of each pass (check,
    then write), n_total being the row count. `encoding`: of a CSV or a Shapefile without
    .cpg (default: detected; see core.imports.encoding).

    Raises InvalidInput (code "unreadable_file", "no_geometry" or "unknown_kind") when
    the file cannot be read; row problems go into the report instead, and then nothing
    is written. Conflict ("import_conflict") when the database refuses the write.
    """
    if kind not in KINDS:
        allowed = ", ".join(KINDS)
        raise InvalidInput(f"Unknown layer '{kind}'. Allowed: {allowed}.", code="unknown_kind")
    return run_import(
        layer_kind(kind),
        path,
        commit=commit,
        options={"repair": repair},
        progress=progress,
        encoding=encoding,
    )
