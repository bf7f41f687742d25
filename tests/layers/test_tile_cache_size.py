"""The tile cache's byte count (layers/tiles/cache.py) stays the sum of what it holds, so
its bound (TILE_CACHE_MB) means what it says under gthread: a tile's gzip form is
counted once, and only while the tile is kept."""

import threading

import pytest

from layers.tiles import cache


@pytest.fixture(autouse=True)
def empty_cache(settings):
    settings.TILE_CACHE_MB = 1
    cache.clear()
    yield
    cache.clear()


def held_bytes() -> int:
    return sum(entry.size for entry in cache._tiles.values())


def kept(name: str, body: bytes) -> cache.CachedTile:
    """A tile rendered and kept under key (name,), as get_or_render keeps it."""
    return cache.get_or_render((name,), lambda: (body, f'"{name}"'))


def test_a_gzip_asked_for_a_kept_tile_is_counted_once():
    tile = kept("a", b"x" * 5000)
    first, again = cache.gzipped(tile), cache.gzipped(tile)
    assert first is again
    assert cache._size == held_bytes() == 5000 + len(first)


def test_a_gzip_asked_for_an_evicted_tile_is_not_counted(settings):
    old = kept("old", bytes(range(256)) * 2000)  # 512 kB
    kept("new", bytes(range(256)) * 3000)  # 768 kB: over the 1 MB bound, "old" goes
    assert ("old",) not in {key[:1] for key in cache._tiles}
    cache.gzipped(old)
    assert cache._size == held_bytes()


def test_two_requests_gzipping_one_tile_together_count_it_once(monkeypatch):
    tile = kept("a", b"y" * 8000)
    compress = cache.gzip.compress
    started, release = threading.Event(), threading.Event()

    def slow_first(data, **kwargs):
        if not started.is_set():
            started.set()
            release.wait(5)
        return compress(data, **kwargs)

    monkeypatch.setattr(cache.gzip, "compress", slow_first)
    first = threading.Thread(target=cache.gzipped, args=(tile,))
    first.start()
    assert started.wait(5)
    cache.gzipped(tile)  # the second request, while the first still compresses
    release.set()
    first.join(5)
    assert cache._size == held_bytes() == 8000 + len(tile._gzipped)
