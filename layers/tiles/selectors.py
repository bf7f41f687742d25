"""Mapbox vector tiles of the registry's layers, built by PostGIS, and their TileJSON.

`/tiles/{layers}/{z}/{x}/{y}.pbf`: XYZ tiles in EPSG:3857 (`ST_TileEnvelope`), one MVT
layer per registry layer, named by its id. Per tile and layer PostGIS
1. picks rows whose geometry (EPSG:4326) overlaps the tile plus its buffer (`&&`, the
   GiST index), at most the layer's `tile_feature_cap`;
2. clips lines and polygons to that box, moves them to EPSG:3857 and simplifies them
   with a tolerance of half a screen pixel at this zoom (`ST_SimplifyPreserveTopology`);
3. encodes with `ST_AsMVTGeom` (extent 4096, buffer 64) and `ST_AsMVT`.
Layers outside their zoom range are left out; a tile with no feature answers 204.
Responses carry a strong ETag (hash of the bytes; If-None-Match gives 304) and
Cache-Control: public for public layers, private for the others. Rendered tiles are kept
by `layers.tiles.cache` until the data changes, and sent gzipped to clients that accept it.
"""

import math
import time

from django.db import connection
from django.urls import reverse

from layers import geojson, registry
from layers.ogc import selectors as ogc_selectors
from layers.ogc.params import TILE_MAX_ZOOM
from layers.tiles import cache as tilecache

MVT = "application/vnd.mapbox-vector-tile"
EXTENT = 4096
BUFFER = 64
SIMPLIFY_PX = 0.5
DISPLAY_TILE_PX = 256
WORLD_M = 2 * math.pi * 6378137

_LAYER_SQL = """
SELECT COALESCE(ST_AsMVT(mvt, %s, {extent}, 'geom'{fid_arg}), ''::bytea) FROM (
    SELECT {fid_col}
           ST_AsMVTGeom({shape}, ST_TileEnvelope(%s, %s, %s), {extent}, {buffer}, true) AS geom,
           {attributes} AS properties
    FROM ({rows}) AS t
    WHERE t."_geom" && ST_Transform(
        ST_TileEnvelope(%s, %s, %s, margin => {margin}), 4326)
    LIMIT {cap}
) AS mvt WHERE mvt.geom IS NOT NULL
"""
_POINT_SHAPE = 'ST_Transform(t."_geom", 3857)'
# Clip in EPSG:4326 first (cheap, and the tile box is a lon/lat rectangle there), so a
# large boundary is not reprojected whole for every tile at high zoom.
_AREA_SHAPE = """ST_SimplifyPreserveTopology(ST_Transform(ST_ClipByBox2D(t."_geom",
    ST_Transform(ST_TileEnvelope(%s, %s, %s, margin => {margin}), 4326)), 3857), {tolerance})"""


def simplify_tolerance_m(z: int) -> float:
    """Return the simplification tolerance at zoom `z`: half a screen pixel, in metres."""
    return WORLD_M / 2**z / DISPLAY_TILE_PX * SIMPLIFY_PX


def _has_integer_id(spec: registry.LayerSpec) -> bool:
    field = spec.model_field(spec.id_field)
    return field is not None and field.get_internal_type().endswith(("IntegerField", "AutoField"))


# Compiling a layer's queryset to SQL costs about 1 ms, a third of a typical tile; the SQL
# is kept per layer for ROWS_SQL_TTL_S seconds, which also bounds how stale a queryset
# built with a clock value (timezone.now()) in its filters can get.
# The layer's geometry kind and id type are read from the model once per spec as well.
ROWS_SQL_TTL_S = 60.0
_ROWS_SQL: dict[str, tuple[registry.LayerSpec, float, str, tuple, bool, bool]] = {}


def _layer_facts(spec: registry.LayerSpec) -> tuple[str, tuple, bool, bool]:
    """Return (rows sql, params, is a point layer, has an integer id) of the layer.

    The rows carry `_fid`, `_geom` and the tile properties.
    """
    cached = _ROWS_SQL.get(spec.id)
    now = time.monotonic()
    if cached and cached[0] is spec and now - cached[1] < ROWS_SQL_TTL_S:
        return cached[2:]
    properties = {name: spec.properties[name] for name in spec.tile_fields()}
    sql, params = geojson.feature_rows(
        spec.queryset().order_by(),
        geometry=spec.geometry,
        properties=properties,
        id_field=spec.id_field,
    )
    point = spec.geometry_type() in ("Point", "MultiPoint")
    facts = (sql, tuple(params), point, _has_integer_id(spec))
    _ROWS_SQL[spec.id] = (spec, now, *facts)
    return facts


def _attributes(names) -> str:
    """Return SQL building the tile attributes from the row's property columns.

    Named one by one rather than `to_jsonb(t) - '_geom'`, which would first write every
    geometry out as hex only to drop it.
    """
    if not names:
        return "'{}'::jsonb"
    quote = connection.ops.quote_name
    pairs = ", ".join(f"'{name}', t.{quote(name)}" for name in names)
    return f"jsonb_build_object({pairs})"


def layer_tile_sql(spec: registry.LayerSpec, z: int, x: int, y: int) -> tuple[str, list]:
    """Return (sql, params) of one layer's MVT bytes for tile z/x/y (empty bytes if none)."""
    names = spec.tile_fields()
    rows, row_params, point, integer_id = _layer_facts(spec)
    margin = BUFFER / EXTENT
    shape = (
        _POINT_SHAPE
        if point
        else _AREA_SHAPE.format(margin=margin, tolerance=simplify_tolerance_m(z))
    )
    sql = _LAYER_SQL.format(
        attributes=_attributes(names),
        extent=EXTENT,
        buffer=BUFFER,
        margin=margin,
        cap=int(spec.tile_feature_cap),
        rows=rows,
        shape=shape,
        fid_arg=", 'fid'" if integer_id else "",
        # Text ids (KATOTTG codes) cannot be MVT feature ids; they travel as `id`.
        fid_col='t."_fid" AS fid,' if integer_id else 't."_fid"::text AS id,',
    )
    params = [spec.id, *([] if point else [z, x, y]), z, x, y, *row_params, z, x, y]
    return sql, params


def tile_bytes(specs: list[registry.LayerSpec], z: int, x: int, y: int) -> bytes:
    """Return the MVT of the layers that show at zoom `z` (empty bytes: nothing there)."""
    parts = [layer_tile_sql(spec, z, x, y) for spec in specs if spec.min_zoom <= z <= spec.max_zoom]
    if not parts:
        return b""
    sql = "SELECT " + " || ".join(f"({part})" for part, _ in parts)
    params = [param for _, part_params in parts for param in part_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return bytes(cursor.fetchone()[0])


# [west, south, east, north] of Ukraine (CRS84): the view when no territory is loaded.
UKRAINE_BOUNDS = [22.14, 44.38, 40.23, 52.38]


def territory_bounds() -> list[float]:
    """Return the territory layer's [west, south, east, north] in CRS84 (Ukraine if empty)."""
    try:
        spec = registry.get("territory")
    except KeyError:
        return list(UKRAINE_BOUNDS)
    return ogc_selectors.spatial_extent(spec) or list(UKRAINE_BOUNDS)


def _union(boxes: list[list[float]]) -> list[float]:
    if not boxes:
        return [-180.0, -85.051129, 180.0, 85.051129]
    return [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]


def _vector_layer(spec: registry.LayerSpec) -> dict:
    fields = {name: spec.property_title(name) for name in spec.tile_fields()}
    if not _has_integer_id(spec):
        fields["id"] = spec.property_title(spec.id_field) if spec.id_field != "pk" else "id"
    return {
        "id": spec.id,
        "description": spec.title(),
        "minzoom": spec.min_zoom,
        "maxzoom": data_max_zoom(spec),
        "fields": fields,
    }


def tilejson_doc(request, layers: str, specs: list[registry.LayerSpec]) -> dict:
    """Return the TileJSON 3.0.0 description of the tiles of these layers."""
    sample = reverse("tiles:tile", kwargs={"layers": layers, "z": "0", "x": "0", "y": "0"})
    template = request.build_absolute_uri(sample).replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf")
    bounds = _union([box for spec in specs if (box := ogc_selectors.spatial_extent(spec))])
    minzoom = min(spec.min_zoom for spec in specs)
    centre_zoom = max(minzoom, min(12, TILE_MAX_ZOOM))
    return {
        "tilejson": "3.0.0",
        "name": " + ".join(spec.title() for spec in specs),
        "description": " ".join(spec.text() for spec in specs if spec.text()),
        "version": "1.0.0",
        "attribution": "; ".join(
            dict.fromkeys(spec.source_text() for spec in specs if spec.source)
        ),
        "scheme": "xyz",
        "tiles": [template],
        "minzoom": minzoom,
        # Deeper tiles add no detail to this data: clients overzoom the last ones.
        "maxzoom": max(data_max_zoom(spec) for spec in specs),
        "bounds": bounds,
        "center": [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, centre_zoom],
        "vector_layers": [_vector_layer(spec) for spec in specs],
        # Not TileJSON: what a web map needs to draw and explain the layers.
        "legends": [spec.legend() for spec in specs],
    }


# The data-derived deepest zoom: tiles deeper than this add no detail (clients overzoom).
DATA_MAX_ZOOM_CAP = 18
# Street level: overzoomed from here, a 4096-unit tile grid is still below a metre at z18.
DATA_MIN_ZOOM_FLOOR = 14
# A tile's 4096 grid resolves detail well when one 256-px pixel spans a quarter of the
# data's typical spacing (between vertices of a shape, or between points).
PIXELS_PER_DETAIL = 4
EARTH_CIRCUMFERENCE_M = 40_075_016.686
_MAX_ZOOMS: dict[tuple, int] = {}

_DETAIL_SQL = """
SELECT
  percentile_cont(0.5) WITHIN GROUP (ORDER BY
    CASE WHEN GeometryType(g) IN ('POINT', 'MULTIPOINT') THEN NULL
         ELSE ST_Perimeter(g::geography) + ST_Length(g::geography) END
         / GREATEST(ST_NPoints(g) - 1, 1)),
  count(*),
  ST_Area(ST_Envelope(ST_Collect(g))::geography),
  ST_Y(ST_Centroid(ST_Envelope(ST_Collect(g))))
FROM (SELECT t."_geom" AS g FROM ({rows}) AS t LIMIT 20000) AS s
"""


def data_max_zoom(spec: registry.LayerSpec) -> int:
    """Return the deepest zoom worth tiling for the layer's data (not the registry's cap).

    The typical detail is the median spacing of a shape's vertices, or for points the
    spacing of `count` points spread over their extent; the zoom is the one where a pixel
    is a quarter of it, between DATA_MIN_ZOOM_FLOOR and DATA_MAX_ZOOM_CAP (and within the
    layer's own zoom range). Kept per data version.
    """
    key = (spec.id, id(spec), tilecache.data_version())
    if key not in _MAX_ZOOMS:
        if len(_MAX_ZOOMS) > 256:
            _MAX_ZOOMS.clear()
        _MAX_ZOOMS[key] = _data_max_zoom(spec)
    return _MAX_ZOOMS[key]


def _data_max_zoom(spec: registry.LayerSpec) -> int:
    rows, params, *_ = _layer_facts(spec)
    with connection.cursor() as cursor:
        cursor.execute(_DETAIL_SQL.format(rows=rows), params)
        spacing, count, area, lat = cursor.fetchone()
    if not count:
        return max(spec.min_zoom, min(spec.max_zoom, DATA_MIN_ZOOM_FLOOR))
    if spacing is None:  # points: the side of the square each point would have alone
        spacing = math.sqrt((area or 0) / count) if area else 1.0
    spacing = max(float(spacing), 0.01)
    metres_per_pixel = spacing / PIXELS_PER_DETAIL
    cos_lat = max(math.cos(math.radians(lat or 0)), 0.01)
    zoom = math.ceil(math.log2(EARTH_CIRCUMFERENCE_M * cos_lat / (256 * metres_per_pixel)))
    zoom = max(DATA_MIN_ZOOM_FLOOR, min(DATA_MAX_ZOOM_CAP, zoom))
    return max(spec.min_zoom, min(spec.max_zoom, zoom))
