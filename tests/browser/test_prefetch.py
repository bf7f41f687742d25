"""The first view's tiles are asked for at `style.load` (layers/static/layers/map.js,
askFirstTiles), before MapLibre's first frame: on every map page (the planners' too),
every tile asked for there is one MapLibre then holds for that view (no byte spent on a
tile it does not draw; a map refitted after its first frame fails this too), the vector
tiles are asked for before the basemap's, and each tile reaches our server once
(MapLibre's own request is answered by the browser's cache)."""

import threading
from urllib.parse import urlsplit

import pytest
from django.core.signals import request_started

from bench.pages import new_context
from tests.browser.mapclient import wait_idle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    pytest.mark.usefixtures("database_open"),
]

PAGES = ("/map/", "/reports/new/", "/coverage/", "/addresses/", "/planning/")
STAFF_PAGES = ("/planning/",)

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


@pytest.fixture
def served():
    """Path -> how many requests for it reached our server (the live server's thread),
    from the browser's main thread and MapLibre's workers alike."""
    counts = {}
    lock = threading.Lock()  # the server answers on several threads at once

    def started(sender, environ, **kwargs):
        path = environ.get("PATH_INFO", "")
        with lock:
            counts[path] = counts.get(path, 0) + 1

    request_started.connect(started)
    yield counts
    request_started.disconnect(started)


def first_tiles(browser, site, path, width):
    """Open `path` at `width` (signed in as a planner for a staff page), wait for its map
    to be idle; return TILES_JS's answer and the tile URLs in the order the page asked for
    them (first asking only); no error and no 4xx on the way."""
    context = new_context(browser, site.url, width, "uk")
    if path in STAFF_PAGES:
        context.add_cookies(site.staff_cookies)
    try:
        page = context.new_page()
        errors, order = [], []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
        page.on("request", lambda r: r.url not in order and order.append(r.url))
        page.goto(site.url + path)
        wait_idle(page)
        tiles = page.evaluate(TILES_JS)
        assert errors == []
        return tiles, order
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1366])
@pytest.mark.parametrize("path", PAGES)
def test_the_tiles_asked_for_early_are_the_ones_maplibre_draws(
    browser, site, fake_upstream, served, path, width
):
    tiles, order = first_tiles(browser, site, path, width)
    assert tiles["asked"], "no tile was asked for at style.load"
    assert set(tiles["asked"]) <= set(tiles["held"])
    # The small vector tiles asked for first: none waits behind the basemap's.
    kinds = dict(zip(tiles["urls"], tiles["kinds"], strict=True))
    asked = [kinds[url] for url in order if url in kinds]
    assert set(asked) == {"vector", "raster"}
    assert asked == sorted(asked, key=lambda kind: kind == "raster")
    # Asked for twice (here and by MapLibre or its worker), served once: the second
    # request is answered by the browser's cache.
    paths = [urlsplit(url).path for url in tiles["urls"]]
    assert len(set(paths)) == len(paths)
    assert {path: served.get(path) for path in paths} == dict.fromkeys(paths, 1)


@pytest.mark.parametrize("width", [360, 1366])
def test_with_the_own_basemap_its_vector_tiles_are_asked_for_early(browser, site, width):
    tiles, _ = first_tiles(browser, site, "/map/", width)
    assert tiles["asked"] and set(tiles["kinds"]) == {"vector"}
    assert set(tiles["asked"]) <= set(tiles["held"])
