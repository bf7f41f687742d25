"""Pure checks for importing the base layers: values, geometries, containment.

No ORM and no settings here: the layer kinds (layers.imports) run on the import engine
(core.imports), which reads the file; the row pieces it shares (RowIssue, ImportReport,
Field, clean_fields, is_blank) are the engine's, named here as the layer import knew them.
Geometries are shapely objects; unless a name says
`_metric`, they are in EPSG:4326 (lon, lat degrees).
"""

import math
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import date, datetime

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from core.imports.report import Issue as RowIssue
from core.imports.report import Report as ImportReport
from core.imports.validate import Field as Field
from core.imports.validate import clean_fields as clean_fields
from core.imports.validate import is_blank

__all__ = ["Field", "ImportReport", "RowIssue", "clean_fields", "is_blank"]

KATOTTG_PATTERN = re.compile(r"^UA\d{17}$")
MAX_COUNT = 2_147_483_647  # PostgreSQL integer, the column type of PositiveIntegerField
TRUE_WORDS = {"true", "t", "yes", "y", "1", "так", "1.0"}
FALSE_WORDS = {"false", "f", "no", "n", "0", "ні", "0.0"}


# --- cell values --------------------------------------------------------------------------


def parse_katottg(value) -> str:
    """Return a KATOTTG code ('UA' + 17 digits); ValueError otherwise."""
    code = str(value).strip()
    if not KATOTTG_PATTERN.match(code):
        raise ValueError(f"'{code}' is not a KATOTTG code ('UA' followed by 17 digits)")
    return code


def text_parser(max_length: int) -> Callable[[object], str]:
    """Return a parser of stripped text no longer than `max_length` characters."""

    def parse(value) -> str:
        text = str(value).strip()
        if len(text) > max_length:
            raise ValueError(f"is {len(text)} characters long; at most {max_length} allowed")
        return text

    return parse


def choice_parser(allowed: Iterable[str]) -> Callable[[object], str]:
    """Return a parser accepting one of `allowed` (case-insensitive)."""
    allowed = tuple(allowed)

    def parse(value) -> str:
        text = str(value).strip().lower()
        if text not in allowed:
            raise ValueError(f"'{value}' is not one of: {', '.join(allowed)}")
        return text

    return parse


def parse_count(value) -> int:
    """Return a non-negative whole number (people, households, Mbit/s); ValueError otherwise."""
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"'{value}' is not a whole number")
    try:
        number = float(str(value).replace(" ", "").replace("\u00a0", ""))
    except ValueError:
        raise ValueError(f"'{value}' is not a whole number") from None
    if not number.is_integer():
        raise ValueError(f"'{value}' is not a whole number")
    if number < 0:
        raise ValueError(f"{int(number)} is negative; must be 0 or more")
    if number > MAX_COUNT:
        raise ValueError(f"{int(number)} is too large")
    return int(number)


def parse_float(value) -> float:
    """Return a finite float; ValueError otherwise."""
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"'{value}' is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"'{value}' is not a finite number")
    return number


def parse_bool(value) -> bool:
    """Return a boolean from true/false, yes/no, так/ні, 1/0; ValueError otherwise."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"'{value}' is not true/false")


def parse_date(value) -> date:
    """Return a date from a date/datetime or an ISO 8601 string; ValueError otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"'{value}' is not an ISO date (YYYY-MM-DD)") from None


# --- geometry -----------------------------------------------------------------------------


def in_lonlat_range(geom: BaseGeometry) -> bool:
    """Tell whether every coordinate is a plausible EPSG:4326 lon/lat."""
    min_x, min_y, max_x, max_y = geom.bounds
    return -180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90


def as_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    """Return a Polygon promoted to MultiPolygon (2D); ValueError for other types."""
    geom = shapely.force_2d(geom)
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    if isinstance(geom, MultiPolygon):
        return geom
    raise ValueError(f"expected Polygon or MultiPolygon, got {geom.geom_type}")


def as_point(geom: BaseGeometry) -> Point:
    """Return a 2D Point (a one-point MultiPoint is accepted); ValueError for other types."""
    geom = shapely.force_2d(geom)
    if isinstance(geom, MultiPoint) and len(geom.geoms) == 1:
        geom = geom.geoms[0]
    if isinstance(geom, Point):
        return geom
    raise ValueError(f"expected Point, got {geom.geom_type}")


def validity_problem(geom: BaseGeometry) -> str | None:
    """Return GEOS's reason a geometry is invalid ("Self-intersection[x y]"), or None."""
    if geom.is_valid:
        return None
    return explain_validity(geom)


def repaired_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    """Return the polygonal part of shapely.make_valid(geom) as a MultiPolygon.

    make_valid may add lines or points where rings touched; a boundary keeps only areas.
    ValueError when nothing polygonal remains.
    """
    fixed = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(fixed) if isinstance(p, Polygon | MultiPolygon)]
    polygons = [g for p in parts for g in shapely.get_parts(p)]
    if not polygons:
        raise ValueError("repair left no polygon")
    return MultiPolygon(polygons)


def clean_boundary(
    geom: BaseGeometry | None, *, row: int, repair: bool = False
) -> tuple[MultiPolygon | None, list[RowIssue], list[str]]:
    """Check a boundary: present, polygonal, in lon/lat range, valid (or repaired).

    Return (boundary or None, errors, warnings); with `repair` an invalid polygon is fixed
    by make_valid and a warning names the row and the original problem.
    """
    problem = _shape_problem(geom)
    if problem:
        return None, [RowIssue(row, "geometry", problem)], []
    try:
        boundary = as_multipolygon(geom)
    except ValueError as exc:
        return None, [RowIssue(row, "geometry", str(exc))], []
    reason = validity_problem(boundary)
    if reason is None:
        return boundary, [], []
    if not repair:
        return None, [RowIssue(row, "geometry", f"invalid polygon: {reason}")], []
    try:
        fixed = repaired_multipolygon(boundary)
    except ValueError as exc:
        return None, [RowIssue(row, "geometry", f"invalid polygon: {reason}; {exc}")], []
    return fixed, [], [f"row {row}: geometry repaired ({reason})"]


def clean_point(geom: BaseGeometry | None, *, row: int) -> tuple[Point | None, list[RowIssue]]:
    """Check a point: present, a Point, in lon/lat range. Return (point or None, errors)."""
    problem = _shape_problem(geom)
    if problem:
        return None, [RowIssue(row, "geometry", problem)]
    try:
        return as_point(geom), []
    except ValueError as exc:
        return None, [RowIssue(row, "geometry", str(exc))]


def _shape_problem(geom: BaseGeometry | None) -> str | None:
    if geom is None or geom.is_empty:
        return "missing geometry"
    if not in_lonlat_range(geom):
        return "coordinates are outside lon/lat range; is the file's CRS right?"
    return None


def settlement_shape(
    geom: BaseGeometry | None, props: Mapping, *, row: int, repair: bool = False
) -> tuple[dict, list[RowIssue], list[str]]:
    """Return {"boundary", "centre"} for a settlement row, with errors and warnings.

    A Point is the centre (no boundary). A (Multi)Polygon is the boundary; the centre is
    centre_lon/centre_lat when the row has them (it must lie on the boundary), else a
    point on the surface.
    """
    if geom is not None and geom.geom_type in ("Point", "MultiPoint"):
        centre, issues = clean_point(geom, row=row)
        return {"boundary": None, "centre": centre}, issues, []
    boundary, issues, warnings = clean_boundary(geom, row=row, repair=repair)
    if boundary is None:
        return {}, issues, warnings
    if is_blank(props.get("centre_lon")) and is_blank(props.get("centre_lat")):
        return {"boundary": boundary, "centre": boundary.point_on_surface()}, [], warnings
    centre, issues = _centre_from_columns(props, boundary, row=row)
    return {"boundary": boundary, "centre": centre}, issues, warnings


def _centre_from_columns(props: Mapping, boundary: MultiPolygon, *, row: int):
    coords = []
    for name in ("centre_lon", "centre_lat"):
        try:
            coords.append(parse_float(props.get(name)))
        except ValueError as exc:
            return None, [RowIssue(row, name, str(exc))]
    centre = Point(coords)
    if not boundary.covers(centre):
        return None, [RowIssue(row, "centre_lon", "the centre lies outside the boundary")]
    return centre, []


# --- the metric CRS -------------------------------------------------------------------------

# УСК-2000 (UCS-2000) / Ukraine TM zones 7–13: EPSG:6381–6387, 3° wide, central meridians
# 21°E to 39°E, scale 1 on the meridian. Zone 7 begins at 19.5°E.
UCS2000_ZONE_SRIDS = tuple(range(6381, 6388))
UCS2000_WEST_EDGE_DEG = 19.5


def ucs2000_zone_srid(lon: float) -> int:
    """Return the EPSG code (6381–6387) of the УСК-2000 TM zone holding longitude `lon`
    (degrees east, EPSG:4326), clamped to zones 7–13 outside Ukraine's span. The rule the
    database applies to a territory's centroid (layers.models.UcsZoneSrid)."""
    index = math.floor((lon - UCS2000_WEST_EDGE_DEG) / 3.0)
    return UCS2000_ZONE_SRIDS[min(max(index, 0), len(UCS2000_ZONE_SRIDS) - 1)]


def common_srid(srids: Iterable[int], default: int) -> int:
    """Return the SRID most of `srids` share (the first seen on a tie), `default` when
    there are none: several territories measured together use one zone."""
    counts: dict[int, int] = {}
    for srid in srids:
        counts[srid] = counts.get(srid, 0) + 1
    return max(counts, key=counts.get) if counts else default


# --- containment and keys -----------------------------------------------------------------


def metric_projector(srid: int) -> Callable[[BaseGeometry], BaseGeometry]:
    """Return a function projecting EPSG:4326 geometries to `srid` (metres)."""
    transformer = Transformer.from_crs(4326, srid, always_xy=True)

    def project(geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(*xy.T)))

    return project


def grown_areas(areas_metric: Mapping[Hashable, BaseGeometry], tolerance_m: float) -> dict:
    """Return each area buffered by `tolerance_m` metres and prepared for fast tests."""
    grown = {}
    for key, area in areas_metric.items():
        grown[key] = area.buffer(tolerance_m)
        shapely.prepare(grown[key])
    return grown


def covering_key(geom_metric: BaseGeometry, areas: Mapping[Hashable, BaseGeometry]):
    """Return the key of the first area covering the geometry, or None."""
    return next((key for key, area in areas.items() if area.covers(geom_metric)), None)
