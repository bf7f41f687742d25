"""Reads behind OGC API - Features: filtered layer querysets, counts, extents, features.

Features are built by PostGIS (`layers.geojson`): one JSON text per feature, read from a
server-side cursor in batches and streamed, so a 10,000-feature page never sits in
Python as objects and no Python loop touches a geometry.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Max, Min, Q
from django.utils import timezone

from layers import geojson
from layers.errors import InvalidInput
from layers.ogc_params import TimeInterval
from layers.registry import LayerSpec

STREAM_BATCH = 500


def _envelope(west: float, south: float, east: float, north: float) -> Polygon:
    box = Polygon.from_bbox((west, south, east, north))
    box.srid = 4326
    return box


def bbox_q(spec: LayerSpec, bbox) -> Q:
    """Rows whose geometry intersects the CRS84 box; split in two across the antimeridian."""
    west, south, east, north = bbox
    lookup = f"{spec.geometry}__intersects"
    if west <= east:
        return Q(**{lookup: _envelope(west, south, east, north)})
    return Q(**{lookup: _envelope(west, south, 180, north)}) | Q(
        **{lookup: _envelope(-180, south, east, north)}
    )


def datetime_q(spec: LayerSpec, interval: TimeInterval) -> Q:
    """Rows whose temporal field falls in the interval; a date field counts as a whole day."""
    field = spec.model_field(spec.temporal)
    path = spec.temporal
    q = Q(**{f"{path}__isnull": False})
    if isinstance(field, models.DateTimeField):
        if interval.start is not None:
            q &= Q(**{f"{path}__gte": interval.start})
        if interval.end is not None:
            q &= Q(**{f"{path}__{'lt' if interval.end_exclusive else 'lte'}": interval.end})
        return q
    if interval.start is not None:
        q &= Q(**{f"{path}__gte": timezone.localdate(interval.start)})
    if interval.end is not None:
        q &= Q(**{f"{path}__lte": _last_day(interval.end, interval.end_exclusive)})
    return q


def _last_day(end: datetime, exclusive: bool):
    """The last calendar day (local time) that starts before or at `end`."""
    local = timezone.localtime(end)
    at_midnight = local.time() == datetime.min.time()
    return (local - timedelta(days=1)).date() if exclusive and at_midnight else local.date()


def equality_q(spec: LayerSpec, filters: dict[str, str]) -> Q:
    """Rows whose queryable properties equal the given values (strings, as in the URL)."""
    queryable = spec.queryable()
    return Q(**{queryable[name]: value for name, value in filters.items()})


def items_queryset(spec: LayerSpec, *, bbox=None, interval=None, filters=None):
    """Return the layer's rows matching bbox, datetime and equality filters, by feature id.

    InvalidInput (400) when a filter value does not fit its field (a word for a number).
    """
    queryset = spec.queryset()
    try:
        if bbox is not None:
            queryset = queryset.filter(bbox_q(spec, bbox))
        if interval is not None:
            queryset = queryset.filter(datetime_q(spec, interval))
        if filters:
            queryset = queryset.filter(equality_q(spec, filters))
    except (ValueError, TypeError, ValidationError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise InvalidInput(f"A filter value does not fit its property: {message}") from None
    # A unique, stable order makes offset pagination repeatable.
    return queryset.order_by(spec.id_field)


def feature_sql(spec: LayerSpec, queryset) -> tuple[str, tuple]:
    return geojson.feature_select(
        queryset, geometry=spec.geometry, properties=dict(spec.properties), id_field=spec.id_field
    )


def stream_features(spec: LayerSpec, queryset) -> Iterator[str]:
    """Yield the rows as comma-separated GeoJSON Features, in batches from a server cursor."""
    sql, params = feature_sql(spec, queryset)
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(sql, params)
        first = True
        while rows := cursor.fetchmany(STREAM_BATCH):
            chunk = ",".join(row[0] for row in rows)
            yield chunk if first else "," + chunk
            first = False
    finally:
        cursor.close()


def feature_texts(spec: LayerSpec, queryset) -> list[str]:
    """Return the rows as GeoJSON Feature texts (small pages: HTML views, one feature)."""
    sql, params = feature_sql(spec, queryset)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def feature_by_id(spec: LayerSpec, feature_id: str) -> str | None:
    """Return one feature's GeoJSON text, None when no row has this id (or it cannot)."""
    try:
        queryset = spec.queryset().filter(**{spec.id_field: feature_id})
        texts = feature_texts(spec, queryset[:1])
    except (ValueError, TypeError, ValidationError):
        return None
    return texts[0] if texts else None


def spatial_extent(spec: LayerSpec) -> list[float] | None:
    """Return the layer's [west, south, east, north] in CRS84, None when it has no rows."""
    box = spec.queryset().aggregate(box=Extent(spec.geometry))["box"]
    return [round(value, 6) for value in box] if box else None


def temporal_extent(spec: LayerSpec) -> list[str | None] | None:
    """Return [first, last] of the temporal field as RFC 3339 texts, None without time."""
    if not spec.temporal:
        return None
    bounds = spec.queryset().aggregate(first=Min(spec.temporal), last=Max(spec.temporal))
    return [_rfc3339(bounds["first"]), _rfc3339(bounds["last"])]


def _rfc3339(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return f"{value.isoformat()}T00:00:00Z"
