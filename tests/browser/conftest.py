"""Browser tests share the Playwright fixtures of tests/conftest.py, and these."""

import pytest
from django.core.cache import cache

from bench.fake_tiles import FakeTileServer, noise_png
from layers.basemap import selectors


@pytest.fixture
def fake_upstream(settings, tmp_path):
    """A local tile server standing in for OpenStreetMap; the proxy is pointed at it."""
    with FakeTileServer(noise_png(noisy_rows=128)) as upstream:
        settings.BASEMAP_URL = ""
        settings.BASEMAP_UPSTREAM = upstream.template
        settings.BASEMAP_CACHE_DIR = tmp_path / "basemap"
        cache.delete(selectors.OFFLINE_KEY)
        yield upstream
        cache.delete(selectors.OFFLINE_KEY)
