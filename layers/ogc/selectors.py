"""Reads behind OGC API - Features: filtered layer querysets, counts, extents, features.

Features are built by PostGIS (`layers.geojson`): one JSON text per feature, read from a
server-side cursor in batches and streamed, so a 10,000-feature page never sits in
Python as objects and no Python loop touches a geometry.

A page is read with a deferred join (`page_sql`): the page's feature ids first, an
index-only scan that skips `offset` rows without joining them, then the joins and the
JSON for those rows only. `numberMatched` (`matched_rows`) and the page anchors
(`page_anchor`: the id of every 1,000th matching row, picked for the first page deeper
than that, so that a page deep in the layer starts its id scan near its offset) are kept
per worker for each (layer, filters), keyed by the data version `layers.tiles.cache`
keeps, so a write through the ORM changes them at once in every worker.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import Polygon
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection, models
from django.db.models import Max, Min, Q
from django.utils import timezone

from core.errors import InvalidInput
from layers import geojson
from layers.ogc import schema as ogc_schema
from layers.ogc.params import TimeInterval
from layers.registry import LayerSpec
from layers.tiles import cache as tilecache

STREAM_BATCH = 500


def _envelope(west: float, south: float, east: float, north: float, srid: int = 4326) -> Polygon:
    box = Polygon.from_bbox((west, south, east, north))
    box.srid = srid
    return box


def bbox_q(spec: LayerSpec, bbox, srid: int = 4326) -> Q:
    """Rows whose geometry intersects the box (x/y in `srid`, CRS84 by default); a CRS84
    box is split in two across the antimeridian; another CRS's is reprojected in SQL."""
    west, south, east, north = bbox
    lookup = f"{spec.geometry}__intersects"
    if srid != 4326:
        return Q(**{lookup: _envelope(west, south, east, north, srid)})
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
    """Rows whose queryable properties equal the given values (strings, as in the URL).

    Each value is read as its property's type (`true`/`false` for a boolean, a number, a
    date, one of an enum's values); 400 naming the parameter when it is not one.
    """
    types = ogc_schema.queryables(spec)
    return Q(
        **{
            types[name].path: ogc_schema.coerce(types[name], value, name)
            for name, value in filters.items()
        }
    )


def items_queryset(
    spec: LayerSpec, *, bbox=None, bbox_srid=4326, interval=None, filters=None, cql=None
):
    """Return the layer's rows matching bbox, datetime, equality and CQL2 filters, by id.

    `cql` is the Q of a CQL2 filter (`layers.ogc.cql2.to_q`). InvalidInput (400) when a
    filter value does not fit its field (a word for a number).
    """
    queryset = spec.queryset()
    try:
        if bbox is not None:
            queryset = queryset.filter(bbox_q(spec, bbox, bbox_srid))
        if interval is not None:
            queryset = queryset.filter(datetime_q(spec, interval))
        if filters:
            queryset = queryset.filter(equality_q(spec, filters))
        if cql is not None:
            queryset = queryset.filter(cql)
    except (ValueError, TypeError, ValidationError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise InvalidInput(f"A filter value does not fit its property: {message}") from None
    # A unique, stable order makes offset pagination repeatable.
    return queryset.order_by(spec.id_field)


# Compiling a page's querysets to SQL costs about 1 ms of a 3 ms page: the SQL of the
# layer's rows (per layer) and of the matching ids (per filters) is kept per worker for
# SQL_TTL_S seconds, which also bounds how stale a queryset built with a clock value in
# its filters can get (as layers.tiles.selectors does).
SQL_TTL_S = 60.0
SQL_CACHE_SIZE = 256
_sql: dict[tuple, tuple] = {}


def _kept(key: tuple, spec: LayerSpec, build):
    now = time.monotonic()
    entry = _sql.get(key)
    if entry is not None and entry[0] is spec and entry[1] > now:
        return entry[2]
    value = build()
    if len(_sql) >= SQL_CACHE_SIZE:
        _sql.clear()
    _sql[key] = (spec, now + SQL_TTL_S, value)
    return value


def _rows_sql(spec: LayerSpec) -> tuple[str, str, tuple]:
    """Return (Feature expression, rows sql, params) of every row of the layer.

    The rows carry `_fid`, `_geom` and the properties; the expression builds a Feature
    from a row `t`.
    """
    properties = dict(spec.properties)
    sql, params = geojson.feature_rows(
        spec.queryset().order_by(),
        geometry=spec.geometry,
        properties=properties,
        id_field=spec.id_field,
    )
    return geojson.feature_expression(properties), sql, tuple(params)


def _ids_sql(spec: LayerSpec, queryset) -> tuple[str, tuple] | None:
    """Return (sql, params) of the matching feature ids in order; None when none match."""
    try:
        sql, params = queryset.values(spec.id_field).query.sql_with_params()
    except EmptyResultSet:
        return None
    return sql, tuple(params)


def _feature_of(spec: LayerSpec, default: str, properties, crs) -> str:
    """The Feature expression for a subset of the properties and an output CRS."""
    if properties is None and crs is None:
        return default
    names = tuple(spec.properties) if properties is None else properties
    geometry = None
    if crs is not None:
        geometry = geojson.geometry_sql(srid=crs.srid, north_first=crs.north_first)
    return geojson.feature_expression(names, geometry)


def page_sql(
    spec: LayerSpec,
    queryset,
    key: tuple,
    offset: int,
    limit: int,
    *,
    sortby=(),
    properties=None,
    crs=None,
    anchor: tuple | None = None,
):
    """Return (sql, params) selecting one page of `queryset` as GeoJSON Feature texts.

    A deferred join: the page's ids are picked first (`_fid IN (SELECT id … ORDER BY id
    LIMIT … OFFSET …)`, an index-only scan for an unfiltered layer), so the rows skipped
    by the offset are never joined or built: a 100-feature page at offset 10,000 of the
    facilities costs 3 ms, not 15 ms. The feature id is unique (the pagination relies on
    it), so the page holds the same rows as `queryset[offset:offset + limit]`. `key`
    names the filters that made `queryset` (see `matched_rows`).

    `anchor` ((rows skipped, the id of the last of them), from `page_anchor`) starts
    the id scan after that id, so only `offset - skipped` rows are skipped by the scan.
    Anchors are exact while the data version is (every write through the ORM, the
    imports and the service's bulk writes give a new one); after a write that sends no
    signal (raw SQL, `QuerySet.update`), a page may be off by the rows that write added
    or removed before its anchor until COUNT_TTL_S has passed, as numberMatched and the
    kept tiles are stale until then.

    `sortby` ((property, descending), …, of queryable properties) orders the page by
    those columns of the rows, then the id; `properties` (names, None for all) and `crs`
    (a `layers.ogc.crs.Crs`, None for CRS84) shape each Feature.
    """
    feature, rows_sql, rows_params = _kept((spec.id, "rows"), spec, lambda: _rows_sql(spec))
    feature = _feature_of(spec, feature, properties, crs)
    ids = _kept((spec.id, "ids", key), spec, lambda: _ids_sql(spec, queryset))
    if ids is None:
        return f"SELECT ({feature})::text FROM ({rows_sql}) AS t WHERE false", rows_params
    ids_sql, ids_params = ids
    head = f"SELECT ({feature})::text FROM ({rows_sql}) AS t WHERE t._fid IN "
    if sortby:
        quote = connection.ops.quote_name
        order = ", ".join(f"t.{quote(name)} {'DESC' if desc else 'ASC'}" for name, desc in sortby)
        sql = f"{head}({ids_sql}) ORDER BY {order}, t._fid LIMIT %s OFFSET %s"
        return sql, (*rows_params, *ids_params, limit, offset)
    if anchor is not None:
        skipped, after = anchor
        # The condition on `fid` is pushed into the ids' own query: an index range scan
        # that starts after the anchor's id.
        ids_sql = f"SELECT fid FROM ({ids_sql}) AS ids(fid) WHERE fid > %s ORDER BY fid"
        ids_params, offset = (*ids_params, after), offset - skipped
    sql = f"{head}({ids_sql} LIMIT %s OFFSET %s) ORDER BY t._fid"
    return sql, (*rows_params, *ids_params, limit, offset)


COUNT_CACHE_SIZE = 256
# Writes that send no signal (bulk_update, QuerySet.update, raw SQL) are seen after this.
COUNT_TTL_S = 10.0
# One anchor every this many matching rows: a page at any offset scans fewer rows than
# this plus its own (without anchors, a page at offset 15,000 scans 15,100 ids, and a
# filtered one tests the filter on each).
ANCHOR_EVERY = 1000


@dataclass
class Matched:
    """The rows of an items request's filters: how many (numberMatched), and anchors,
    picked on the first page past ANCHOR_EVERY (`page_anchor`; None until then):
    `anchors[k]` is the id of the ((k + 1) × ANCHOR_EVERY)-th row in id order."""

    count: int
    anchors: tuple | None = None

    def anchor(self, offset: int) -> tuple | None:
        """(rows skipped, the last skipped row's id) of the nearest anchor at or before
        `offset`; None when the page starts before the first anchor."""
        index = min(offset // ANCHOR_EVERY, len(self.anchors or ()))
        if index == 0:
            return None
        return index * ANCHOR_EVERY, self.anchors[index - 1]


_counts: dict[tuple, tuple[LayerSpec, Matched, float]] = {}


def _anchors(spec: LayerSpec, queryset) -> tuple:
    """The ids of every ANCHOR_EVERY-th row of `queryset` in id order, in one scan (an
    index-only scan and a row number: ~0.4 s for a million addresses, against 50 ms for
    their count, so it is run only for a page that needs it)."""
    ids = _ids_sql(spec, queryset)
    if ids is None:
        return ()
    ids_sql, ids_params = ids
    sql = (
        "SELECT array_agg(fid ORDER BY n) FILTER (WHERE n %% %s = 0) FROM "
        f"(SELECT fid, row_number() OVER (ORDER BY fid) AS n FROM ({ids_sql}) AS ids(fid)) w"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (ANCHOR_EVERY, *ids_params))
        return tuple(cursor.fetchone()[0] or ())


def page_anchor(spec: LayerSpec, queryset, matched: Matched, offset: int) -> tuple | None:
    """Return the anchor (`page_sql`'s `anchor`) for a page of `queryset` at `offset`;
    None for a page before the first anchor. The anchors are picked on the first such
    page and kept with `matched` (so per worker and data version, as its count)."""
    if offset < ANCHOR_EVERY or matched.count <= ANCHOR_EVERY:
        return None
    if matched.anchors is None:
        matched.anchors = _anchors(spec, queryset)
    return matched.anchor(offset)


def matched_rows(spec: LayerSpec, queryset, key: tuple) -> Matched:
    """Return the rows of `queryset` the items response pages through (`Matched`).

    `key` names the filters that made `queryset` from the layer's rows (the parsed bbox,
    datetime interval and equality filters). The result is kept per worker under (layer,
    key, data version) for COUNT_TTL_S seconds; a save or delete of a model the layer
    reads gives the data a new version (`layers.tiles.cache`), so count and anchors stay
    exact. Inside a transaction (which may hold writes not yet committed) it is always
    read again.
    """
    if connection.in_atomic_block:
        return Matched(queryset.count())
    full_key = (spec.id, id(spec), key, tilecache.data_version())
    now = time.monotonic()
    entry = _counts.get(full_key)
    if entry is not None and entry[0] is spec and entry[2] > now:
        return entry[1]
    matched = Matched(queryset.count())
    if len(_counts) >= COUNT_CACHE_SIZE:
        _counts.clear()
    _counts[full_key] = (spec, matched, now + COUNT_TTL_S)
    return matched


def clear() -> None:
    """Forget every kept count and SQL text of this worker (tests)."""
    _counts.clear()
    _sql.clear()


def feature_sql(spec: LayerSpec, queryset) -> tuple[str, tuple]:
    return geojson.feature_select(
        queryset, geometry=spec.geometry, properties=dict(spec.properties), id_field=spec.id_field
    )


def stream_features(sql: str, params) -> Iterator[str]:
    """Yield the Feature texts `sql` selects, comma-separated, in batches from a server cursor."""
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
    return texts_of(*feature_sql(spec, queryset))


def texts_of(sql: str, params) -> list[str]:
    """Return the Feature texts `sql` selects, in one fetch."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def feature_by_id(spec: LayerSpec, feature_id: str, crs=None) -> str | None:
    """Return one feature's GeoJSON text, None when no row has this id (or it cannot)."""
    try:
        queryset = spec.queryset().filter(**{spec.id_field: feature_id})
        sql, params = feature_sql(spec, queryset[:1])
        if crs is not None:
            default = geojson.feature_expression(dict(spec.properties))
            sql = sql.replace(default, _feature_of(spec, default, None, crs), 1)
        texts = texts_of(sql, params)
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
