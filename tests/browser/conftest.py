"""Browser tests share the Playwright fixtures of tests/conftest.py, and these."""

import pytest
from django.core.cache import cache

from bench.fake_tiles import FakeTileServer, noise_png
from layers.basemap import selectors
from tests.helpers.live import demo_site


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The demo community, committed and served on a thread of its own for the module
    (tests/helpers/live.py); its tests also use `database_open`."""
    with demo_site(django_db_blocker) as demo:
        yield demo


@pytest.fixture
def database_open(django_db_blocker):
    """The server thread reads the committed demo while a test runs."""
    with django_db_blocker.unblock():
        yield


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
