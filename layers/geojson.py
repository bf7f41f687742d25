"""Build RFC 7946 GeoJSON in PostGIS from a queryset, without a Python loop over features.

The queryset is turned into a subquery of `values()`; PostgreSQL assembles the features
with `ST_AsGeoJSON` and `json_agg`. Geometry is written in EPSG:4326 (lon, lat) with
7 decimals (about 1 cm), polygons with their exterior rings counter-clockwise and their
holes clockwise (RFC 7946 §3.1.6, `ST_ForcePolygonCCW`).

OGC API - Features - Part 2 asks for other CRSs: `geometry_sql` writes the geometry
reprojected (`ST_Transform`) and in the CRS's own axis order (`ST_FlipCoordinates` for
a CRS whose first axis is north, such as EPSG:4326 and the УСК-2000 zones).
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.sql.where import WhereNode

GEOJSON_DECIMALS = 7
# Metric CRSs (EPSG:3857, the УСК-2000 zones): centimetres.
METRIC_DECIMALS = 2

_FEATURE_SQL = """
    json_build_object(
        'type', 'Feature',
        'id', t."_fid",
        'geometry', {geometry}::json,
        'properties', {properties}
    )
"""


def geometry_sql(
    column: str = 't."_geom"', *, srid: int = 4326, north_first: bool = False, decimals=None
) -> str:
    """Return SQL writing an EPSG:4326 geometry column as GeoJSON geometry text.

    Rings are oriented as RFC 7946 asks; `srid` other than 4326 reprojects; `north_first`
    swaps the axes (a CRS whose first axis is northing or latitude). `srid` is an int
    from the service's own list, never a client's text.
    """
    geom = f"ST_ForcePolygonCCW({column})"
    if srid != 4326:
        geom = f"ST_Transform({geom}, {int(srid)})"
    if north_first:
        geom = f"ST_FlipCoordinates({geom})"
    if decimals is None:
        decimals = GEOJSON_DECIMALS if srid == 4326 else METRIC_DECIMALS
    return f"ST_AsGeoJSON({geom}, {int(decimals)})"


# json_build_object takes at most 100 arguments: 50 properties per call.
_PAIRS_PER_CALL = 50


def _properties_sql(names) -> str:
    """Return SQL building the properties object from the row's columns, in this order.

    Named one by one: `to_jsonb(t) - '_geom'` would first convert every geometry to JSON
    through PostGIS's cast (about 0.3 ms a row) only to drop it.
    """
    names = list(names)
    if not names:
        return "'{}'::json"
    calls = [
        "json_build_object(" + ", ".join(_pair(name) for name in chunk) + ")"
        for chunk in (names[i : i + _PAIRS_PER_CALL] for i in range(0, len(names), _PAIRS_PER_CALL))
    ]
    if len(calls) == 1:
        return calls[0]
    return "(" + " || ".join(f"{call}::jsonb" for call in calls) + ")::json"


def _pair(name: str) -> str:
    """Return `'name', t."name"`: the key as a SQL literal and the column it reads."""
    key = name.replace("'", "''")
    return f"'{key}', t.{connection.ops.quote_name(name)}"


def _feature_sql(properties, geometry: str | None = None) -> str:
    return _FEATURE_SQL.format(
        geometry=geometry or geometry_sql(), properties=_properties_sql(properties)
    )


def _feature_rows(queryset: QuerySet, *, geometry: str, properties: dict, id_field: str):
    """Return (sql, params) selecting `_fid`, `_geom` and the properties, in queryset order."""
    plain = [name for name, expr in properties.items() if expr == name]
    renamed = {
        name: F(expr) if isinstance(expr, str) else expr
        for name, expr in properties.items()
        if expr != name
    }
    columns = {"_fid": F(id_field), "_geom": F(geometry), **renamed}
    query = queryset.values(*plain, **columns).query
    try:
        return query.sql_with_params()
    except EmptyResultSet:
        # A filter Django knows matches nothing (e.g. households=-1 on a positive integer
        # field) has no SQL: select the same columns, no rows.
        query.where = WhereNode()
        sql, params = query.sql_with_params()
        return f"SELECT * FROM ({sql}) AS nothing WHERE false", params


def feature_collection(
    queryset: QuerySet, *, geometry: str, properties: dict, id_field: str = "pk"
) -> str:
    """Return a FeatureCollection (JSON text) of the queryset's rows, built by PostGIS.

    `properties` maps an output property name to a field path ("settlement__katottg") or
    a Django expression. Feature order follows the queryset's ordering.
    """
    sql, params = _feature_rows(
        queryset, geometry=geometry, properties=properties, id_field=id_field
    )
    feature = _feature_sql(properties)
    query = (
        "SELECT json_build_object('type', 'FeatureCollection', 'features', "
        f"COALESCE(json_agg({feature}), '[]'::json))::text FROM ({sql}) AS t"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


def feature(
    queryset: QuerySet, *, geometry: str, properties: dict, id_field: str = "pk"
) -> str | None:
    """Return the first row of the queryset as a GeoJSON Feature (JSON text), or None."""
    sql, params = _feature_rows(
        queryset[:1], geometry=geometry, properties=properties, id_field=id_field
    )
    query = f"SELECT ({_feature_sql(properties)})::text FROM ({sql}) AS t"
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        row = cursor.fetchone()
    return row[0] if row else None


def feature_select(
    queryset: QuerySet, *, geometry: str, properties: dict, id_field: str = "pk"
) -> tuple[str, tuple]:
    """Return (sql, params) selecting one GeoJSON Feature (JSON text) per row, in order.

    For callers that stream features (OGC API items) instead of aggregating them.
    """
    sql, params = _feature_rows(
        queryset, geometry=geometry, properties=properties, id_field=id_field
    )
    return f"SELECT ({_feature_sql(properties)})::text FROM ({sql}) AS t", params


def feature_expression(properties, geometry: str | None = None) -> str:
    """Return the SQL expression building one Feature (json) from a row `t` of
    `feature_rows` with these property names; `geometry` from `geometry_sql` (default
    CRS84).
    """
    return _feature_sql(properties, geometry)


def feature_rows(
    queryset: QuerySet, *, geometry: str, properties: dict, id_field: str = "pk"
) -> tuple[str, tuple]:
    """Return (sql, params) of rows with `_fid`, `_geom` (EPSG:4326) and the properties.

    For callers that encode the rows themselves in SQL (vector tiles with ST_AsMVT).
    """
    return _feature_rows(queryset, geometry=geometry, properties=properties, id_field=id_field)
