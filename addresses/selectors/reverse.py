"""Reverse geocoding: the nearest active address, one KNN query on the metric GiST index."""

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from addresses.selectors.search import FEATURE_SQL
from core.errors import NotFound
from core.geometry import near_metric_zone

REVERSE_MAX_M = 150


# KNN (`<->`) on the metric expression index `address_location_metric`, stopped at max_m by
# ST_DWithin on the same expression; the Feature is built in the same statement.
_NEAREST_SQL = """
    SELECT a.*, ST_Distance(ST_Transform(a.location, {srid}), p.geom) AS distance_m
    FROM addresses_address a,
         (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), {srid}) AS geom) p
    WHERE a.status = 'active' AND a.location IS NOT NULL
      AND ST_DWithin(ST_Transform(a.location, {srid}), p.geom, %(max_m)s)
    ORDER BY ST_Transform(a.location, {srid}) <-> p.geom
    LIMIT 1
"""
_REVERSE_SQL = """
    SELECT ({feature})::text, a.id
    FROM ({nearest}) a JOIN addresses_street st ON st.id = a.street_id
    JOIN layers_settlement s ON s.id = a.settlement_id
"""


def address_reverse_sql(*, lat: float, lon: float, max_m: float) -> tuple[str, dict]:
    """Return (sql, params) of reverse geocoding: one row (feature JSON, id) or none."""
    srid = int(settings.METRIC_SRID)
    sql = _REVERSE_SQL.format(
        feature=FEATURE_SQL.format(extra="'distance_m', round(a.distance_m::numeric, 1)"),
        nearest=_NEAREST_SQL.format(srid=srid),
    )
    return sql, {"lat": float(lat), "lon": float(lon), "max_m": float(max_m)}


def _nearest(*, lat: float, lon: float, max_m: float) -> tuple[str, int] | None:
    if not near_metric_zone(lon, lat, int(settings.METRIC_SRID)):
        return None  # nothing of the register there, and PostGIS could not project it
    with connection.cursor() as cursor:
        cursor.execute(*address_reverse_sql(lat=lat, lon=lon, max_m=max_m))
        return cursor.fetchone()


def address_nearest_id(*, lat: float, lon: float, max_m: float = REVERSE_MAX_M) -> int | None:
    """Return the id of the nearest active address within `max_m` metres, or None."""
    row = _nearest(lat=lat, lon=lon, max_m=max_m)
    return row[1] if row else None


def address_reverse_geojson(*, lat: float, lon: float, max_m: float = REVERSE_MAX_M) -> str:
    """Return the nearest active address within `max_m` metres as a Feature with distance_m.

    Distances are in METRIC_SRID metres. One SQL query (KNN on the metric index, the
    Feature built by PostGIS). Raise NotFound when no active address is that close.
    """
    row = _nearest(lat=lat, lon=lon, max_m=max_m)
    if row is None:
        raise NotFound(
            _("No active address within %(m)s m of (%(lat)s, %(lon)s).")
            % {"m": f"{max_m:g}", "lat": lat, "lon": lon}
        )
    return row[0]
