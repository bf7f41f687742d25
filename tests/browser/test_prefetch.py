"""The first view's tiles, on every map page (the planners' too), with OpenStreetMap's
raster basemap (through our proxy) and with the own vector basemap: the page asks for
exactly the tiles the first view holds (no byte spent on a tile it does not draw; a map
refitted after its first tiles were asked for fails this), and each reaches our server
once, the vector tiles too although two protomaps-leaflet layers (the shapes and the
labels) draw each of them (layers/static/layers/map.js, vectorSource); the small vector
tiles are asked for before the basemap's images, so none waits behind them.

This replaced a test of MapLibre's early fetch of the first tiles (askFirstTiles, before
MapLibre's first frame): Leaflet asks for the tiles of the view as soon as the view is
set, so there is nothing to fetch early; what stays is that nothing is fetched twice or
in vain, and the order."""

import threading
from collections import Counter
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

PAGES = ("/", "/map/", "/reports/new/", "/coverage/", "/addresses/", "/planning/")
STAFF_PAGES = ("/planning/",)

# The tiles the page's maps hold for their view now, as URL paths by kind: the raster
# basemap's images, and for every tile of the protomaps-leaflet layers (shapes, labels)
# the data tile of each vector source it is drawn from, where that source has data (at
# or above its minzoom, inside its bounds: map.js asks for no other).
HELD_JS = """() => {
  const path = (url) => new URL(url, location.href).pathname;
  const raster = new Set(), vector = new Set();
  for (const map of window.hromadaMaps || []) {
    for (const layer of map.hromada.tileLayers) {
      const tiles = Object.values(layer._tiles).filter((tile) => tile.current);
      if (layer instanceof L.TileLayer) {
        tiles.forEach((tile) => raster.add(path(tile.el.src)));
        continue;
      }
      for (const tile of tiles) {
        for (const [id, view] of layer.views) {
          const spec = map.hromada.style.sources[id];
          const { z, x, y } = view.dataTileForDisplayTile(tile.coords).dataTile;
          if (z < (spec.minzoom || 0)) continue;
          if (spec.bounds) {
            const n = 2 ** z;
            const lat = (row) => Math.atan(Math.sinh(Math.PI * (1 - 2 * row / n))) * 180 / Math.PI;
            const box = L.latLngBounds([lat(y + 1), x / n * 360 - 180],
              [lat(y), (x + 1) / n * 360 - 180]);
            const b = spec.bounds;
            if (!L.latLngBounds([b[1], b[0]], [b[3], b[2]]).intersects(box)) continue;
          }
          vector.add(path(spec.tiles[0].replace("{z}", z).replace("{x}", x).replace("{y}", y)));
        }
      }
    }
  }
  return { raster: [...raster], vector: [...vector] };
}"""


@pytest.fixture
def served():
    """Path -> how many requests for it reached our server (the live server's thread)."""
    counts = Counter()
    lock = threading.Lock()  # the server answers on several threads at once

    def started(sender, environ, **kwargs):
        with lock:
            counts[environ.get("PATH_INFO", "")] += 1

    request_started.connect(started)
    yield counts
    request_started.disconnect(started)


def is_tile(path: str) -> str | None:
    """Tell a tile's kind by its path: "vector" for our vector tiles
    (/tiles/<source>/z/x/y, the own basemap's /basemap/z/x/y.pbf), "raster" for the
    basemap proxy's images (/basemap/z/x/y.png), None for anything else."""
    parts = path.split("/")
    if len(parts) == 6 and parts[1] == "tiles":
        return "vector"
    if len(parts) == 5 and parts[1] == "basemap":
        return {".png": "raster", ".pbf": "vector"}.get(path[-4:])
    return None


def first_view(browser, site, path, width):
    """Open `path` at `width` (signed in as a planner for a staff page), wait until its
    maps are idle; return the tiles they hold (HELD_JS), the tile URLs the page asked for
    with how often, and the kinds of its tile requests in order; no error and no 4xx on
    the way."""
    context = new_context(browser, site.url, width, "uk")
    if path in STAFF_PAGES:
        context.add_cookies(site.staff_cookies)
    try:
        page = context.new_page()
        errors, asked, order = [], Counter(), []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
        page.on("request", lambda r: is_tile(urlsplit(r.url).path) and asked.update([r.url]))
        page.on("request", lambda r: order.append(is_tile(urlsplit(r.url).path)))
        page.goto(site.url + path)
        wait_idle(page)
        page.evaluate(
            "() => Promise.all((window.hromadaMaps || []).map((m) => HromadaMap.whenIdle(m)))"
        )
        held = page.evaluate(HELD_JS)
        assert errors == []
        return held, asked, [kind for kind in order if kind]
    finally:
        context.close()


def check_first_view(held, asked, served, site, kinds):
    """Every tile asked for once, from our server, reaching it once; exactly the tiles
    held, of the `kinds` expected."""
    assert all(url.startswith(site.url) for url in asked)
    paths = Counter(urlsplit(url).path for url in asked)
    assert paths == Counter(dict.fromkeys(paths, 1)), "a tile asked for twice"
    by_kind = {kind: {p for p in paths if is_tile(p) == kind} for kind in ("raster", "vector")}
    assert {kind for kind, tiles in by_kind.items() if tiles} == kinds
    assert by_kind["raster"] == set(held["raster"])
    assert by_kind["vector"] == set(held["vector"])
    assert {p: served.get(p) for p in paths} == dict.fromkeys(paths, 1)


@pytest.mark.parametrize("width", [360, 1366])
@pytest.mark.parametrize("path", PAGES)
def test_each_tile_of_the_first_view_is_fetched_once_and_none_in_vain(
    browser, site, fake_upstream, served, path, width
):
    held, asked, order = first_view(browser, site, path, width)
    check_first_view(held, asked, served, site, {"raster", "vector"})
    # The small vector tiles asked for first: none waits behind the basemap's images.
    assert order == sorted(order, key=lambda kind: kind == "raster")
    assert fake_upstream.requests


@pytest.mark.parametrize("width", [360, 1366])
@pytest.mark.parametrize("path", ("/map/", "/coverage/"))
def test_with_the_own_basemap_its_vector_tiles_too_are_fetched_once_and_none_in_vain(
    browser, site, served, path, width
):
    held, asked, _ = first_view(browser, site, path, width)
    check_first_view(held, asked, served, site, {"vector"})
    assert any(urlsplit(url).path.startswith("/basemap/") for url in asked)
