"""Import of addresses from CSV, GeoJSON, GeoPackage and Shapefile (the service).

`address_import` reads a file, validates every row, and reports per row (row, field,
message) with counts. It writes only with `commit=True`, and then all or nothing: one bad
row and nothing is written. A re-import matches an address by `registry_id`, else by
street and house number, and updates it instead of adding a duplicate.

CSV: UTF-8 or cp1251, comma or semicolon (both detected); coordinates as lon/lat (or x/y)
columns or a WKT column, in EPSG:4326 unless `srid` says otherwise. Geo files carry their
CRS; a file without one is read as EPSG:4326 and the report says so.
"""

import csv
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from addresses.rows import RowError, RowReader, RowWriter, check_degrees
from core.errors import Conflict, InvalidInput
from layers.tiles import cache as tilecache

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
GEO_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".zip"}
CSV_SUFFIXES = {".csv", ".txt"}
MAX_REPORTED_ERRORS = 1000


@dataclass
class ImportReport:
    """What an import found and did: counts, per-row errors and notes about the file."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    streets_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = _("written") if self.committed else _("dry run, nothing written")
        return _(
            "%(rows)d rows: %(created)d new, %(updated)d changed, %(unchanged)d unchanged, "
            "%(streets)d new streets, %(errors)d errors (%(verb)s)."
        ) % {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "streets": self.streets_created,
            "errors": len(self.errors),
            "verb": verb,
        }


# --------------------------------------------------------------------------- reading


@dataclass
class RawRows:
    """Rows of a file as dicts of text, with lon/lat in EPSG:4326 (or None) per row."""

    rows: list[dict]
    row_numbers: list[int]
    points: list[tuple[float, float] | None]
    errors: list[RowError]
    notes: list[str]
    total: int  # data rows in the file, blank lines aside


def read_file(path: Path, *, srid: int | None = None) -> RawRows:
    """Read a CSV or geo file into RawRows; raise InvalidInput when the file is unreadable."""
    path = Path(path)
    if not path.exists():
        raise InvalidInput(_("No such file: %(path)s.") % {"path": path}, code="file")
    if path.stat().st_size == 0:
        raise InvalidInput(_("The file %(name)s is empty.") % {"name": path.name}, code="file")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, srid=srid)
    if suffix in GEO_SUFFIXES:
        return _read_geo(path)
    known = ", ".join(sorted(CSV_SUFFIXES | GEO_SUFFIXES))
    raise InvalidInput(
        _("Cannot import '%(name)s': use one of %(known)s.") % {"name": path.name, "known": known},
        code="file",
    )


def _decode(data: bytes, notes: list[str]) -> str:
    if b"\x00" in data[:4096]:
        raise InvalidInput(
            _("The file is not a text CSV file (it holds binary data)."), code="file"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        notes.append(_("encoding: cp1251 (not UTF-8)"))
        return data.decode("cp1251")


def _read_csv(path: Path, *, srid: int | None) -> RawRows:
    notes: list[str] = []
    text = _decode(path.read_bytes(), notes)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    notes.append(_("CSV delimiter: '%(delimiter)s'") % {"delimiter": delimiter})
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
        records = list(reader)
    except csv.Error as exc:
        raise InvalidInput(_("Malformed CSV: %(error)s.") % {"error": exc}, code="file") from exc
    columns = RowReader.csv_columns(header)
    rows, numbers, errors = [], [], []
    for line, values in enumerate(records, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            message = _("expected %(expected)d fields, found %(found)d") % {
                "expected": len(header),
                "found": len(values),
            }
            errors.append(RowError(line, "-", message))
            continue
        rows.append(dict(zip(header, values, strict=True)))
        numbers.append(line)
    points = RowReader.csv_points(rows, numbers, columns, srid=srid, errors=errors, notes=notes)
    total = len(rows) + sum(1 for error in errors if error.field == "-")
    return RawRows(rows, numbers, points, errors, notes, total)


def _read_geo(path: Path) -> RawRows:
    import pyogrio

    notes: list[str] = []
    try:
        frame = pyogrio.read_dataframe(path)
    except Exception as exc:  # noqa: BLE001 — GDAL raises many kinds; all mean "unreadable"
        message = _("Cannot read %(name)s: %(error)s") % {"name": path.name, "error": exc}
        raise InvalidInput(message, code="file") from exc
    if frame.crs is None:
        notes.append(_("the file has no CRS: EPSG:4326 (lon/lat) assumed"))
    elif frame.crs.to_epsg() != 4326:
        notes.append(_("reprojected from %(crs)s to EPSG:4326") % {"crs": frame.crs.to_string()})
        frame = frame.to_crs(4326)
    frame.columns = [str(name).strip().lower() for name in frame.columns]
    geometry_column = frame.geometry.name
    errors: list[RowError] = []
    rows, numbers, points = [], [], []
    for number, (record, geometry) in enumerate(
        zip(frame.drop(columns=geometry_column).to_dict("records"), frame.geometry, strict=True),
        start=1,
    ):
        rows.append({key: _text(value) for key, value in record.items()})
        numbers.append(number)
        points.append(RowReader.geometry_point(geometry, number, errors))
    return RawRows(rows, numbers, points, errors, notes, len(rows))


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------- the service


def address_import(
    *,
    path: Path,
    settlement: str | None = None,
    commit: bool = False,
    allow_outside: bool = False,
    srid: int | None = None,
    user=None,
    reason: str = "",
) -> ImportReport:
    """Validate a file of addresses and, with `commit`, write it all or nothing.

    `settlement` (KATOTTG) applies to rows without a settlement column. Raise
    InvalidInput when the file cannot be read at all; row problems go to the report.
    """
    raw = read_file(path, srid=srid)
    report = ImportReport(rows=raw.total, notes=list(raw.notes))
    report.errors.extend(raw.errors)
    points = check_degrees(raw.points, raw.row_numbers, report.errors)
    reader = RowReader(default_settlement=settlement, allow_outside=allow_outside)
    candidates = reader.validate(raw.rows, raw.row_numbers, points, report.errors)
    report.notes.extend(reader.notes)
    writer = RowWriter(candidates, reader.settlements)
    plan = writer.plan(report.errors)
    report.created, report.updated, report.unchanged = plan.counts()
    report.streets_created = len(plan.new_streets)
    report.errors.sort(key=lambda error: (error.row, error.field))
    del report.errors[MAX_REPORTED_ERRORS:]
    if commit and report.ok:
        reason = reason or _("import of %(name)s") % {"name": Path(path).name}
        _write(writer, plan, user=user, reason=reason)
        report.committed = True
    return report


def _write(writer: RowWriter, plan, *, user, reason: str) -> None:
    try:
        with transaction.atomic():
            writer.write(plan, user=user, reason=reason)
            # COPY sends no model signals: tell the tile and count caches the data changed.
            transaction.on_commit(tilecache.bump)
    except IntegrityError as exc:
        raise Conflict(
            _("The register changed while importing; nothing was written (%(error)s).")
            % {"error": exc}
        ) from exc


def address_import_upload(
    *, upload, settlement=None, commit=False, allow_outside=False, user=None, reason=""
) -> ImportReport:
    """Import an uploaded file (admin); raise InvalidInput when it is over 50 MB."""
    from addresses.services import ensure_editor

    ensure_editor(user)
    limit = _upload_limit()
    if upload.size > limit:
        raise InvalidInput(
            _("The file is %(size).1f MB; the limit is %(limit).0f MB. Nothing was written.")
            % {"size": upload.size / 2**20, "limit": limit / 2**20},
            code="file_too_large",
        )
    suffix = Path(upload.name).suffix.lower()
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / f"upload{suffix}"
        with open(target, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return address_import(
            path=target,
            settlement=settlement.katottg if settlement else None,
            commit=commit,
            allow_outside=allow_outside,
            user=user,
            reason=reason or _("upload of %(name)s") % {"name": os.path.basename(upload.name)},
        )


def _upload_limit() -> int:
    from django.conf import settings

    return int(getattr(settings, "ADDRESSES_UPLOAD_MAX_BYTES", MAX_UPLOAD_BYTES))
