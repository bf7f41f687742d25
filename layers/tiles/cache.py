"""A small in-process cache of rendered vector tiles, invalidated by a shared data version.

A tile costs PostGIS 1–10 ms; a web map asks for the same few hundred tiles again and
again. Each worker keeps the last rendered tiles (raw bytes, their ETag and, once asked
for, their gzip form) in an LRU bounded by settings.TILE_CACHE_MB (0: no cache), keyed by
(layer ids, z, x, y, data version).

The data version is one number shared by every worker through Django's default cache (a
file cache under var/): any `post_save`/`post_delete` of a model a registered layer
reads (the layer's model and the models its foreign keys point to) replaces it, at once
and again when the transaction commits, so that a tile rendered between the write and
the commit is not kept (inside a transaction the first bump is this process's own, and
one shared bump waits for the commit however many rows the transaction writes). Writes
that send no signal (`bulk_create`, `QuerySet.update`, raw SQL, loaders) are seen after
at most `TTL_S` seconds, less than the `max-age` the tile responses already allow
browsers (layers.tiles.views.CACHE_PUBLIC). Call `bump()` after such a write to show it
at once.
"""

import gzip
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

VERSION_KEY = "layers:tiles:data-version"
TTL_S = 60.0
DEFAULT_MB = 48
GZIP_LEVEL = 6


@dataclass
class CachedTile:
    """One rendered tile: the MVT bytes (b"" when empty) and its strong ETag."""

    body: bytes
    etag: str
    expires: float
    _gzipped: bytes | None = field(default=None, repr=False)
    # Its key in this worker's cache, None when it was never kept (TILE_CACHE_MB=0).
    key: tuple | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.body) + len(self._gzipped or b"")


_lock = threading.Lock()
_tiles: OrderedDict[tuple, CachedTile] = OrderedDict()
_size = 0


# A version made by a write inside a transaction of this process, not yet shared (see
# _on_write); versions are time_ns(), so the newer of the two is the later one.
_pending_version = 0


def data_version() -> int:
    """Return the data version: the shared one (a new one is made when the cache lost it),
    or this process's own newer one made by a write of a transaction not committed yet."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = bump()
    return max(version, _pending_version)


def bump(**_ignored) -> int:
    """Give the data a new version: every cached tile of every worker is then stale."""
    version = time.time_ns()
    cache.set(VERSION_KEY, version, None)
    return version


def get_or_render(key: tuple, render: Callable[[], tuple[bytes, str]]) -> CachedTile:
    """Return the cached tile for `key` + the data version, or render and keep it.

    `render` returns (body, etag). Rendering runs outside the lock: two requests for the
    same missing tile may both render it, which is cheaper than making one wait.
    """
    now = time.monotonic()
    if _max_bytes() == 0:
        body, etag = render()
        return CachedTile(body=body, etag=etag, expires=now)
    full_key = (*key, data_version())
    with _lock:
        entry = _tiles.get(full_key)
        if entry is not None and entry.expires > now:
            _tiles.move_to_end(full_key)
            return entry
    body, etag = render()
    entry = CachedTile(body=body, etag=etag, expires=now + TTL_S)
    _store(full_key, entry)
    return entry


def peek(key: tuple) -> CachedTile | None:
    """Return the cached tile for `key` + the data version when fresh, else None (nothing
    is rendered: the caller falls back to get_or_render)."""
    if _max_bytes() == 0:
        return None
    full_key = (*key, data_version())
    now = time.monotonic()
    with _lock:
        entry = _tiles.get(full_key)
        if entry is None or entry.expires <= now:
            return None
        _tiles.move_to_end(full_key)
        return entry


def _max_bytes() -> int:
    return int(getattr(settings, "TILE_CACHE_MB", DEFAULT_MB) * 1024 * 1024)


def _store(key: tuple, entry: CachedTile) -> None:
    global _size
    limit = _max_bytes()
    with _lock:
        old = _tiles.pop(key, None)
        _size -= old.size if old else 0
        entry.key = key
        _tiles[key] = entry
        _size += entry.size
        while _size > limit and _tiles:
            _, evicted = _tiles.popitem(last=False)
            _size -= evicted.size


def gzipped(entry: CachedTile) -> bytes:
    """Return the entry's gzip body, compressed once, its size counted in the cache
    bound while the entry is kept.

    Compressed outside the lock (gthread: other requests go on); counted under it, once,
    and only for an entry still in the cache. Two requests compressing the same tile
    together each counted it, and a tile evicted before its first gzip request was
    counted for good: the bound's count drifted up and the cache shrank.
    """
    global _size
    if entry._gzipped is not None:
        return entry._gzipped
    data = gzip.compress(entry.body, compresslevel=GZIP_LEVEL, mtime=0)
    with _lock:
        if entry._gzipped is None:
            entry._gzipped = data
            if entry.key is not None and _tiles.get(entry.key) is entry:
                _size += len(data)
        return entry._gzipped


def clear() -> None:
    """Forget every cached tile of this worker (tests)."""
    global _size
    with _lock:
        _tiles.clear()
        _size = 0


# ---------------------------------------------------------------- invalidation
_watched: dict[tuple, frozenset] = {}


def watched_models() -> frozenset:
    """Return the models whose writes change some registered layer's tiles."""
    from layers import registry

    specs = registry.all_layers()
    key = tuple((spec.id, id(spec)) for spec in specs)
    models = _watched.get(key)
    if models is None:
        found = set()
        for spec in specs:
            model = spec.queryset().model
            found.add(model)
            found.update(f.related_model for f in model._meta.fields if f.related_model)
        models = frozenset(found)
        _watched.clear()
        _watched[key] = models
    return models


def _on_write(sender, **kwargs) -> None:
    """Bump at once and again when the transaction commits.

    Inside a transaction the first bump is this process's own (no other process can see
    the uncommitted rows, so only its tiles can be stale): writing the shared version
    there cost a file write per saved row, twice per report filed. One shared bump is
    registered per transaction, unless one already waits at this savepoint level or an
    outer one (a bump registered in a savepoint that rolls back is dropped with it).
    """
    global _pending_version
    if sender not in watched_models():
        return
    connection = transaction.get_connection(kwargs.get("using"))
    if not connection.in_atomic_block:
        bump()
        return
    _pending_version = time.time_ns()
    current = set(connection.savepoint_ids)
    if any(func is bump and sids <= current for sids, func, _ in connection.run_on_commit):
        return
    transaction.on_commit(bump, using=kwargs.get("using"))


def connect_signals() -> None:
    """Bump the data version on every save or delete of a watched model (idempotent)."""
    post_save.connect(_on_write, dispatch_uid="layers.tiles.cache.save")
    post_delete.connect(_on_write, dispatch_uid="layers.tiles.cache.delete")
