"""Valid geometry at every door: the one check used by the admin, the APIs and imports.

`geometry_check` takes GeoJSON (a dict or text), WKT/EWKT or a GEOS geometry and returns
a 2D EPSG:4326 geometry of an allowed type with every coordinate a finite lon/lat, at
most GEOMETRY_MAX_VERTICES vertices, and valid in the OGC sense; otherwise it raises
`InvalidInput` (a 400 on the API, a form error in the admin, a refused row in an import)
naming the problem. With `repair=True` an invalid polygon is repaired (GEOS MakeValid,
the polygonal part kept) and `GeometryChecked.notes` says what was repaired.
"""

import functools
import json
import math
from dataclasses import dataclass, field

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import (
    GEOSException,
    GEOSGeometry,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import InvalidInput

# GEOS's reasons for an invalid geometry, in words a person drawing it understands (the
# reason itself, English and with a coordinate, stays in the error's details).
GEOS_REASONS = {
    "Too few points in geometry component": gettext_lazy(
        "a part has fewer than three corners (close the shape with one click on its first corner)"
    ),
    "Self-intersection": gettext_lazy("the outline crosses itself"),
    "Ring Self-intersection": gettext_lazy("the outline touches itself at a corner"),
    "Hole lies outside shell": gettext_lazy("a hole lies outside its outline"),
    "Nested shells": gettext_lazy("one outline lies inside another"),
    "Interior is disconnected": gettext_lazy("the holes cut the area in two"),
    "Invalid Coordinate": gettext_lazy("a corner has no valid coordinate"),
    "Ring is not closed": gettext_lazy("an outline is not closed"),
}
GEOMETRY_MAX_VERTICES = 200_000  # a detailed village boundary has a few thousand
POLYGONAL = ("Polygon", "MultiPolygon")
MULTI = {"Polygon": MultiPolygon, "Point": MultiPoint, "LineString": MultiLineString}


@dataclass
class GeometryChecked:
    """A checked geometry and what was done to it (repairs), for the caller's report."""

    geom: GEOSGeometry
    notes: list[str] = field(default_factory=list)


def geometry_parse(value) -> GEOSGeometry:
    """Read GeoJSON (dict or text), WKT/EWKT/HEX or a GEOS geometry; EPSG:4326 if unset."""
    try:
        if isinstance(value, GEOSGeometry):
            geom = value.clone()
        elif isinstance(value, dict):
            geom = GEOSGeometry(json.dumps(value, allow_nan=True))
        elif isinstance(value, str):
            geom = GEOSGeometry(value)
        else:
            raise TypeError(type(value).__name__)
    except (GEOSException, GDALException, ValueError, TypeError) as exc:
        raise InvalidInput(
            _("Unreadable geometry: %s") % str(exc)[:200], code="invalid_geometry"
        ) from None
    if geom.srid is None:
        geom.srid = 4326
    return geom


def _coordinates(geom: GEOSGeometry):
    """Every coordinate tuple of a geometry (collections and rings included)."""
    coords = geom.coords
    stack = [coords]
    while stack:
        item = stack.pop()
        if item and isinstance(item[0], int | float):
            yield item
        else:
            stack.extend(item)


def geometry_check(
    value,
    *,
    kinds: tuple[str, ...] = POLYGONAL,
    multi: bool = False,
    repair: bool = False,
    max_vertices: int = GEOMETRY_MAX_VERTICES,
) -> GeometryChecked:
    """Check (and, when asked, repair) a geometry from outside; see the module docstring.

    `kinds` are the allowed GEOS types; with `multi` a single part is promoted to its
    Multi type. Raise InvalidInput with code "wrong_geometry_type", "invalid_geometry"
    (empty, 3D, out of range, too large, invalid) otherwise.
    """
    geom = geometry_parse(value)
    if geom.geom_type not in kinds:
        raise InvalidInput(
            _("Expected %(kinds)s, not %(type)s.")
            % {"kinds": " or ".join(kinds), "type": geom.geom_type},
            code="wrong_geometry_type",
        )
    if geom.empty:
        raise InvalidInput(_("The geometry is empty."), code="invalid_geometry")
    if geom.hasz:
        raise InvalidInput(
            _("Coordinates must be 2D (longitude, latitude) without a height."),
            code="invalid_geometry",
        )
    if geom.num_coords > max_vertices:
        raise InvalidInput(
            _("The geometry has %(n)d vertices; at most %(max)d are accepted.")
            % {"n": geom.num_coords, "max": max_vertices},
            code="geometry_too_large",
        )
    if geom.srid != 4326:
        try:
            geom.transform(4326)
        except (GEOSException, GDALException) as exc:
            raise InvalidInput(
                _("Unreadable geometry: %s") % exc, code="invalid_geometry"
            ) from None
    for x, y in (xy[:2] for xy in _coordinates(geom)):
        if not (math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90):
            raise InvalidInput(
                _("Coordinates must be longitude −180…180 and latitude −90…90 (EPSG:4326)."),
                code="invalid_geometry",
            )
    notes = []
    if not geom.valid:
        reason = geom.valid_reason
        if not repair:
            raise InvalidInput(
                _("Invalid geometry: %s.") % readable_reason(reason),
                code="invalid_geometry",
                details=[reason],
            )
        geom = _repaired(geom, kinds)
        notes.append(_("Geometry repaired (%s).") % readable_reason(reason))
    if multi and geom.geom_type in MULTI:
        geom = MULTI[geom.geom_type](geom, srid=4326)
    return GeometryChecked(geom, notes)


def readable_reason(reason: str) -> str:
    """GEOS's `valid_reason` ("Self-intersection[32.7 48.8]") in the active language,
    with the place as "longitude latitude"; an unknown reason as GEOS wrote it."""
    name, _bracket, place = reason.partition("[")
    words = GEOS_REASONS.get(name.strip())
    if words is None:
        return reason
    place = place.rstrip("]").strip()
    return f"{words} ({place})" if place else str(words)


def _repaired(geom: GEOSGeometry, kinds: tuple[str, ...]) -> GEOSGeometry:
    """MakeValid, keeping only the parts of the wanted dimension (areas stay areas)."""
    fixed = geom.make_valid()
    if fixed.geom_type in kinds and fixed.valid and not fixed.empty:
        return fixed
    dimension = geom.dims
    parts = [
        part
        for member in (fixed if fixed.geom_type == "GeometryCollection" else [fixed])
        for part in (member if member.geom_type.startswith("Multi") else [member])
        if part.dims == dimension and not part.empty
    ]
    if parts and dimension == 2 and "MultiPolygon" in kinds:
        result = MultiPolygon(parts, srid=geom.srid)
        if result.valid:
            return result
        result = result.unary_union
        if result.geom_type == "Polygon":
            result = MultiPolygon(result, srid=geom.srid)
        if result.geom_type in kinds and result.valid:
            return result
    raise InvalidInput(
        _("Invalid geometry that cannot be repaired: %s.") % geom.valid_reason,
        code="invalid_geometry",
    )


# Degrees around a metric CRS's area of use within which its projection is still sound:
# a national TM zone is used across the whole country (Ukraine spans 18° of longitude).
METRIC_DOMAIN_MARGIN_DEG = 12.0


@functools.lru_cache(maxsize=8)
def _area_of_use(srid: int) -> tuple[float, float, float, float]:
    from pyproj import CRS

    area = CRS.from_epsg(srid).area_of_use
    return (area.west, area.south, area.east, area.north)


def near_metric_zone(lon: float, lat: float, srid: int) -> bool:
    """Tell whether (lon, lat), EPSG:4326 degrees, lies within METRIC_DOMAIN_MARGIN_DEG
    of the area of use of the projected CRS `srid`. Far outside it (lon 118°, lat 0° for
    a Ukrainian zone) PostGIS refuses to project the point ("outside of projection
    domain"); no register row of ours lies there."""
    west, south, east, north = _area_of_use(srid)
    margin = METRIC_DOMAIN_MARGIN_DEG
    return west - margin <= lon <= east + margin and south - margin <= lat <= north + margin
