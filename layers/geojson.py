"""Build RFC 7946 GeoJSON in PostGIS from a queryset, without a Python loop over features.

The queryset is turned into a subquery of `values()`; PostgreSQL assembles the features
with `ST_AsGeoJSON` and `json_agg`. Geometry is written in EPSG:4326 (lon, lat) with
6 decimals (about 0.1 m), as RFC 7946 recommends.
"""

from django.db import connection
from django.db.models import F, QuerySet

GEOJSON_DECIMALS = 6

_FEATURE_SQL = """
    json_build_object(
        'type', 'Feature',
        'id', t."_fid",
        'geometry', ST_AsGeoJSON(t."_geom", {decimals})::json,
        'properties', to_jsonb(t) - '_fid' - '_geom' - '_ord'
    )
"""


def _feature_rows(queryset: QuerySet, *, geometry: str, properties: dict, id_field: str):
    """Return (sql, params) selecting `_fid`, `_geom` and the properties, in queryset order."""
    plain = [name for name, expr in properties.items() if expr == name]
    renamed = {
        name: F(expr) if isinstance(expr, str) else expr
        for name, expr in properties.items()
        if expr != name
    }
    columns = {"_fid": F(id_field), "_geom": F(geometry), **renamed}
    return queryset.values(*plain, **columns).query.sql_with_params()


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
    feature = _FEATURE_SQL.format(decimals=GEOJSON_DECIMALS)
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
    query = f"SELECT ({_FEATURE_SQL.format(decimals=GEOJSON_DECIMALS)})::text FROM ({sql}) AS t"
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        row = cursor.fetchone()
    return row[0] if row else None
