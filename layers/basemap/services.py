"""The basemap's writes: proxied tiles kept on disk (`basemap_tile`) and the import of
an OpenStreetMap extract (`basemap_import`, in `layers.basemap.loading`)."""

import logging
import time
from dataclasses import dataclass

from django.conf import settings

from core.errors import NotFound
from core.ratelimit import counter_incr, counter_value, hashed
from layers.basemap import compute, selectors, upstream
from layers.basemap.diskcache import StoredTile, TileStore

log = logging.getLogger(__name__)

# Browser cache lifetime of a placeholder or of a stale tile served while the upstream
# is down, s: short, so the real tile shows soon after the uplink returns.
SHORT_MAX_AGE_S = 60
# A fresh tile is cached by browsers at most this long, s.
LONG_MAX_AGE_S = 86400


@dataclass(frozen=True)
class ServedTile:
    """What the proxy answers: bytes, content type, our ETag and a browser max-age (s)."""

    body: bytes
    content_type: str
    etag: str
    max_age_s: int
    placeholder: bool = False


def _store(template: str) -> TileStore:
    root = settings.BASEMAP_CACHE_DIR / compute.source_key(template)
    return TileStore(root, int(settings.BASEMAP_CACHE_MB * 1024 * 1024))


def _served(tile: StoredTile, now: float) -> ServedTile:
    left = int(min(max(tile.stale_at - now, SHORT_MAX_AGE_S), LONG_MAX_AGE_S))
    return ServedTile(tile.body, tile.content_type, tile.etag, left)


def _placeholder() -> ServedTile:
    body = compute.placeholder_png()
    return ServedTile(body, "image/png", compute.etag_of(body), SHORT_MAX_AGE_S, True)


def _stored(fetched: upstream.Fetched, old: StoredTile | None, now: float) -> StoredTile:
    """Return the tile to keep after a 200 (new bytes) or a 304 (old bytes, new expiry)."""
    body = fetched.body if fetched.status == 200 else old.body
    headers = fetched.headers
    return StoredTile(
        body=body,
        content_type=headers.get("content-type") or (old.content_type if old else "image/png"),
        etag=compute.etag_of(body),
        upstream_etag=headers.get("etag") or (old.upstream_etag if old else ""),
        last_modified=headers.get("last-modified") or (old.last_modified if old else ""),
        stale_at=now + compute.freshness_s(headers, now),
    )


def _fetch(template: str, z: int, x: int, y: int, old: StoredTile | None) -> upstream.Fetched:
    return upstream.fetch(
        compute.tile_url(template, z, x, y),
        user_agent=settings.BASEMAP_USER_AGENT,
        timeout_s=min(settings.BASEMAP_TIMEOUT_S, 5.0),
        etag=old.upstream_etag if old else "",
        last_modified=old.last_modified if old else "",
    )


def fetches_key(client: str) -> str:
    """Return the rate-limit counter key of a client's upstream fetches (hashed address)."""
    return f"basemap:fetch:{hashed(client)}"


def _may_fetch(z: int, x: int, y: int, client: str) -> bool:
    """Tell whether this tile may be fetched upstream now: inside the service area and
    within the client's BASEMAP_FETCHES_PER_HOUR (counted per fetch, not per tile)."""
    if not compute.tile_allowed(z, x, y, selectors.service_area()):
        return False
    key = fetches_key(client)
    if counter_value(key) >= settings.BASEMAP_FETCHES_PER_HOUR:
        return False
    counter_incr(key, 3600)
    return True


def basemap_tile_fresh(z: int, x: int, y: int) -> ServedTile | None:
    """Return tile z/x/y when a fresh copy is on disk, else None (nothing is fetched).

    The fast path of the proxy (`layers.basemap.middleware`): most requests end here.
    """
    template = selectors.upstream_template()
    if not template:
        return None
    store, now = _store(template), time.time()
    tile = store.read(z, x, y)
    if tile is None or not tile.is_fresh(now):
        return None
    store.touch(z, x, y)
    return _served(tile, now)


def basemap_tile(z: int, x: int, y: int, *, client: str = "") -> ServedTile:
    """Return raster basemap tile z/x/y (EPSG:3857 XYZ) through the disk cache.

    A fresh stored tile is served without asking the upstream; a stale one is
    revalidated (If-None-Match / If-Modified-Since); a missing one is fetched and
    stored. When the upstream fails or is slower than BASEMAP_TIMEOUT_S, a stale tile
    is served as it is, else a grey placeholder that is not stored. NotFound when the
    proxy is switched off. Tiles are fetched only when asked for, only over the
    community's area below WORLD_ZOOM and at most BASEMAP_FETCHES_PER_HOUR per `client`
    (its address): the proxy cannot be used to copy OSM's tiles in bulk. Otherwise the
    stored tile (however old) or the placeholder is served.
    """
    template = selectors.upstream_template()
    if not template:
        raise NotFound("The basemap proxy is switched off.", code="basemap_off")
    store, now = _store(template), time.time()
    old = store.read(z, x, y)
    if old is not None and old.is_fresh(now):
        store.touch(z, x, y)
        return _served(old, now)
    if not _may_fetch(z, x, y, client):
        if old is not None:
            return ServedTile(old.body, old.content_type, old.etag, SHORT_MAX_AGE_S)
        return _placeholder()
    try:
        fetched = _fetch(template, z, x, y, old)
        if fetched.status == 304 and old is None:
            raise upstream.UpstreamError("upstream answered 304 to an unconditional GET")
    except upstream.UpstreamError as exc:
        log.warning("basemap tile %s/%s/%s: %s", z, x, y, exc)
        if old is not None:
            return ServedTile(old.body, old.content_type, old.etag, SHORT_MAX_AGE_S)
        selectors.mark_upstream(down=True)
        return _placeholder()
    selectors.mark_upstream(down=False)
    tile = _stored(fetched, old, now)
    store.write(z, x, y, tile)
    return _served(tile, now)
