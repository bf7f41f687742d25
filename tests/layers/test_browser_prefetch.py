"""The first view's tiles are asked for at `style.load` (layers/static/layers/map.js,
askFirstTiles), before MapLibre's first frame: every tile asked for there is one MapLibre
then holds for that view (no byte spent on a tile it does not draw), the vector tiles
are asked for before the basemap's, and each tile reaches our server once (MapLibre's
own request is answered by the browser's cache)."""

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.signals import request_started

from bench.fake_tiles import FakeTileServer, noise_png
from bench.pages import new_context
from layers.basemap import selectors
from tests.browser.maplibre import wait_idle
from tests.helpers.live import demo_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PAGES = ("/map/", "/reports/new/", "/coverage/", "/addresses/")

# What the page asked for at style.load, and the tiles MapLibre holds for the view now:
# "source z/x/y" strings.
TILES_JS = """() => {
  const map = window.hromadaMap;
  const key = (source, c) => `${source} ${c.z}/${c.x}/${c.y}`;
  const held = [];
  for (const [id, manager] of Object.entries(map.style.tileManagers)) {
    manager.getIds().forEach((k) => held.push(key(id, manager.getTileByID(k).tileID.canonical)));
  }
  const asked = (map.hromada.firstTiles || []).map((t) =>
    key(t.source, { z: t.tile[0], x: t.tile[1], y: t.tile[2] }));
  const kinds = (map.hromada.firstTiles || []).map((t) => map.getSource(t.source).type);
  return { held, asked, kinds, urls: (map.hromada.firstTiles || []).map((t) => t.url) };
}"""


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    with demo_site(django_db_blocker) as demo:
        yield demo


@pytest.fixture(autouse=True)
def _database_open(django_db_blocker):
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def served():
    """Path -> how many requests for it reached our server (the live server's thread),
    from the browser's main thread and MapLibre's workers alike."""
    counts = {}

    def started(sender, environ, **kwargs):
        path = environ.get("PATH_INFO", "")
        counts[path] = counts.get(path, 0) + 1

    request_started.connect(started)
    yield counts
    request_started.disconnect(started)


@pytest.fixture
def osm_basemap(settings, tmp_path):
    """OpenStreetMap's tiles through our proxy, from a local fake upstream."""
    with FakeTileServer(noise_png(noisy_rows=16)) as upstream:
        settings.BASEMAP_URL = ""
        settings.BASEMAP_UPSTREAM = upstream.template
        settings.BASEMAP_CACHE_DIR = tmp_path / "basemap"
        cache.delete(selectors.OFFLINE_KEY)
        yield upstream
        cache.delete(selectors.OFFLINE_KEY)


def first_tiles(browser, site, path, width):
    """Open `path` at `width`, wait for its map to be idle and return TILES_JS's answer;
    no error and no 4xx on the way."""
    context = new_context(browser, site.url, width, "uk")
    try:
        page = context.new_page()
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
        page.goto(site.url + path)
        wait_idle(page)
        tiles = page.evaluate(TILES_JS)
        assert errors == []
        return tiles
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1366])
@pytest.mark.parametrize("path", PAGES)
def test_the_tiles_asked_for_early_are_the_ones_maplibre_draws(
    browser, site, osm_basemap, served, path, width
):
    tiles = first_tiles(browser, site, path, width)
    assert tiles["asked"], "no tile was asked for at style.load"
    assert set(tiles["asked"]) <= set(tiles["held"])
    # The small vector tiles first: none waits behind the basemap's for a connection.
    kinds = tiles["kinds"]
    assert "vector" in kinds and "raster" in kinds
    assert kinds == sorted(kinds, key=lambda kind: kind == "raster")
    # Asked for twice (here and by MapLibre or its worker), served once: the second
    # request is answered by the browser's cache.
    paths = [urlsplit(url).path for url in tiles["urls"]]
    assert {path: served.get(path) for path in paths} == dict.fromkeys(paths, 1)


@pytest.mark.parametrize("width", [360, 1366])
def test_with_the_own_basemap_its_vector_tiles_are_asked_for_early(browser, site, width):
    tiles = first_tiles(browser, site, "/map/", width)
    assert tiles["asked"] and set(tiles["kinds"]) == {"vector"}
    assert set(tiles["asked"]) <= set(tiles["held"])
