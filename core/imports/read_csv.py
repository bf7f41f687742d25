"""Read step for CSV: encoding and delimiter detected, points from lon/lat or WKT columns."""

import csv
import io
from pathlib import Path

from core.imports.encoding import EncodingError, decode
from core.imports.kinds import Kind
from core.imports.read import Table
from core.imports.report import Issue

# Column names a CSV may use for its coordinates, most usual first.
COORDINATES = {
    "lon": ("lon", "lng", "longitude", "x"),
    "lat": ("lat", "latitude", "y"),
    "wkt": ("wkt", "geometry", "geom"),
}


def read_csv(path: Path, kind: Kind, *, srid: int | None, encoding: str | None = None) -> Table:
    """Read a CSV (comma or semicolon) into a Table, in `encoding` or the one detected
    (core.imports.encoding: UTF-8 with or without BOM, Windows-1251, KOI8-U, DOS).

    Coordinates in `srid` (default EPSG:4326) are reprojected to EPSG:4326. A line with
    the wrong number of fields is an issue (field "-"); blank lines are skipped.
    """
    notes: list[str] = []
    text = decode_text(path.read_bytes(), kind, notes, name=path.name, encoding=encoding)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    notes.append(kind.say("delimiter", delimiter=delimiter))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        lines = list(reader)
    except csv.Error as exc:
        raise kind.refuse("malformed_csv", name=path.name, error=exc) from exc
    table = _records(header, lines, kind)
    coordinates = {role: _column(header, names) for role, names in COORDINATES.items()}
    _read_points(table, coordinates, kind, srid=srid, name=path.name)
    table.notes = [note for note in notes + table.notes if note is not None]
    return table


def decode_text(data: bytes, kind: Kind, notes: list, *, name: str, encoding=None) -> str:
    """Return a text file's content decoded; note a detected encoding other than UTF-8;
    refuse (InvalidInput) binary data and text that decodes to nothing plausible."""
    if b"\x00" in data[:4096]:
        raise kind.refuse("binary")
    return decoded_text(data, kind, notes, name=name, encoding=encoding).text


def decoded_text(data: bytes, kind: Kind, notes: list, *, name: str, encoding=None):
    """Return core.imports.encoding.Decoded of `data`, noting the encoding unless it is
    UTF-8 detected; refuse (InvalidInput, the kind's words) what cannot be decoded."""
    decoded = _decoded(data, kind, name=name, encoding=encoding)
    if not decoded.detected:
        notes.append(kind.say("encoding_given", encoding=decoded.encoding))
    elif not decoded.encoding.startswith("utf-8"):
        notes.append(kind.say("encoding", encoding=decoded.encoding))
    return decoded


def _decoded(data: bytes, kind: Kind, *, name: str, encoding=None):
    try:
        return decode(data, encoding)
    except EncodingError as exc:
        if encoding:
            raise kind.refuse("encoding_wrong", name=name, encoding=encoding, error=exc) from exc
        raise kind.refuse("encoding_unknown", name=name) from exc


def _records(header: list[str], lines: list[list[str]], kind: Kind) -> Table:
    records, rows, issues, number = [], [], [], 0
    for line, values in enumerate(lines, start=2):
        if not any(value.strip() for value in values):
            continue
        number += 1
        row = line if kind.csv_rows_by_line else number
        if len(values) != len(header):
            message = kind.say("field_count", expected=len(header), found=len(values))
            issues.append(Issue(row, "-", message))
            continue
        records.append(dict(zip(header, values, strict=True)))
        rows.append(row)
    return Table(header, records, rows, [], issues=issues, total=number)


def _column(header: list[str], names: tuple[str, ...]) -> str | None:
    return next((name for name in names if name in header), None)


def _read_points(table: Table, columns: dict, kind: Kind, *, srid, name: str) -> None:
    """Fill table.geometries from the coordinate columns; note or refuse when none."""
    lon, lat, wkt = columns["lon"], columns["lat"], columns["wkt"]
    if not (lon and lat) and not wkt:
        if kind.coordinates_required:
            raise kind.refuse("no_coordinates", name=name)
        table.notes.append(kind.say("no_coordinates", name=name))
        table.geometries = [None] * len(table.records)
        table.has_coordinates = False
        return
    used = {lon, lat} if lon and lat else {wkt}
    table.header = [column for column in table.header if column not in used]
    if lon and lat:
        table.xy, table.geometries = _xy_points(table, lon, lat, kind, srid=srid), None
    else:
        table.geometries = _wkt_geometries(table, wkt, kind)


def _xy_points(table: Table, lon: str, lat: str, kind: Kind, *, srid) -> list:
    records = zip(table.records, table.rows, strict=True)
    xy = [_xy(r[lon], r[lat], row, kind, table.issues) for r, row in records]
    if srid and srid != 4326:
        table.notes.append(kind.say("csv_reprojected", srid=srid))
        return _transform(xy, srid)
    table.notes.append(kind.say("csv_crs"))
    return xy


def _xy(raw_x: str, raw_y: str, row: int, kind: Kind, issues: list):
    if not raw_x.strip() and not raw_y.strip():
        return None
    try:
        x, y = float(raw_x.replace(",", ".")), float(raw_y.replace(",", "."))
    except ValueError:
        issues.append(Issue(row, "lon/lat", kind.say("not_numbers", x=raw_x, y=raw_y)))
        return None
    if x != x or y != y or abs(x) == float("inf") or abs(y) == float("inf"):
        issues.append(Issue(row, "lon/lat", kind.say("not_finite")))
        return None
    return (x, y)


def _wkt_geometries(table: Table, column: str, kind: Kind) -> list:
    import shapely

    geometries = []
    for record, row in zip(table.records, table.rows, strict=True):
        raw = record[column]
        try:
            geometries.append(shapely.from_wkt(raw) if raw.strip() else None)
        except shapely.errors.GEOSException as exc:
            table.issues.append(Issue(row, column, kind.say("bad_wkt", error=exc)))
            geometries.append(None)
    return geometries


def _transform(points: list, srid: int) -> list:
    from pyproj import Transformer

    transformer = Transformer.from_crs(srid, 4326, always_xy=True)
    return [None if p is None else transformer.transform(*p) for p in points]
