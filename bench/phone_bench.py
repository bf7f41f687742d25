"""The public map pages on a rural phone (issue #15, "Performance").

    DATABASE_URL=postgis://hromada@%2Fwork%2Fmain%2Fvar%2Fpgsocket/hromada \\
      .venv/bin/python bench/phone_bench.py [--pages map,coverage] [--basemap osm|own] [--keep-db]

Debian's Chromium (bench/pages.py flags) at 360x740, throttled through the DevTools
protocol to 1.6 Mbit/s down, 0.75 Mbit/s up, 150 ms round trip and a 4x slower CPU,
loads each public map page from our gunicorn serving the demo (its own database,
`<db>_phone`, dropped afterwards) and prints per page: seconds to a usable map, bytes
and requests on a cold cache and on a warm reload, and beside them the page's HTML alone
(bytes, seconds) under the same throttling, against the targets (under 3 s, 1 MB cold,
100 kB warm); then where the bytes went (page, static files, basemap, vector tiles, data).

The basemap: `osm` (the default, as deployed) is OpenStreetMap through our proxy, whose
upstream here is a local fake tile server (bench/fake_tiles.py) answering every tile
with one PNG of about a rural OSM tile's size (`--tile-rows`: rows of noise, 128 give
12 kB; 256 give 24 kB, a busy town tile); the proxy's disk cache starts empty, so the
cold load fetches through it. `own` is the community's own data drawn as the basemap.

"Usable map" (the issue's "basemap and report layer drawn"): the first moment each of the
page's maps is idle with the page's own data source on it (PAGE_DATA: the reports on
/map/, the village shares on /coverage/; pages without one need only the basemap and the
registry layers); idle (layers/map.js fires `idle`) means every tile of every layer at
the current view has arrived and been drawn on its canvas; data drawn after that is
seen within 20 ms (polled). The time is the latest such `idle` over
the page's maps (performance.now(), from navigation start). Beside it, "settled": the
last `idle` of any map once the network has been quiet for QUIET_S (the measure of the
earlier runs, which also waits for late work no visitor waits for).

`--floor` adds a baseline measured in the same run: a bare page (served from memory to
the browser at our server's origin) with nothing but Leaflet, its stylesheet, and our
basemap's raster tiles in a map as large as /map/'s and on its view (the same tiles),
loaded the same way (its warm reload is not comparable: the page itself is not cached).
No page of ours can be usable sooner than that (the floor is
about 0.2 s optimistic: its own page comes from memory, not through the throttled line).

`--timeline` prints where the time went on each page's cold load (bench/phone_timeline.py):
the HTML, each request (scripts, the style document, the first and last tile per kind),
each script's evaluation, the map's construction, style, `load`, first data per source
and `idle`, and the long animation frames (≥ 50 ms) with their scripts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.demo_site import demo_server
from bench.fake_tiles import FakeTileServer, noise_png
from bench.pages import PUBLIC_MAP_PAGES, launch, new_context, page_named
from bench.phone_metrics import (
    CPU_SLOWDOWN,
    HEADER,
    VIEWPORT,
    NetworkLog,
    PageResult,
    breakdown_text,
    floor_line,
    network_conditions,
    row,
)
from bench.phone_timeline import COLLECT_JS, TIMELINE_JS, report

TIMEOUT_MS = 120_000
PHONE_SCALE = 2  # a cheap Android phone's device pixel ratio
QUIET_S = 1.5  # no request for this long after the maps are made: the page is done
WORKERS = 3  # gunicorn's, each warmed up before the measures (see warm_up)

# The page's own data source, drawn by the page's script once its data is in (from the
# style's load on): the map is usable once it is there too (pages not named need the
# basemap and registry only).
PAGE_DATA = {"map": "report-points", "coverage": "village-shares"}

# Every `idle` of every map, as it happens: window.__hromadaIdleAt (ms from navigation),
# and per map the first `idle` with the page's data source on it (__hromadaDrawnAt).
IDLE_RECORDER_JS = """
(() => {
  const seen = new Set();
  const needed = %s;
  window.__hromadaIdleAt = null;
  window.__hromadaDrawnAt = new Map();
  function has(map) {
    return !needed || (map.getSource ? map.getSource(needed) : map.hromada.drawn[needed]);
  }
  setInterval(() => [].concat(window.hromadaMaps || []).forEach((map) => {
    // Leaflet (layers/map.js): the map is idle while no tile is on its way; page data
    // drawn after its last tile is on the canvas at the next frame, seen here (20 ms).
    const drawn = window.__hromadaDrawnAt;
    if (map.hromada && !map.getSource && map.hromada.idle && has(map) && !drawn.has(map)) {
      drawn.set(map, performance.now());
    }
    if (seen.has(map)) { return; }
    seen.add(map);
    map.on("idle", () => {
      window.__hromadaIdleAt = performance.now();
      if (!window.__hromadaDrawnAt.has(map) && has(map)) {
        window.__hromadaDrawnAt.set(map, performance.now());
      }
    });
  }), 20);
})();
"""
DRAWN_JS = """() => {
  const maps = [].concat(window.hromadaMaps || []);
  const times = maps.map((map) => window.__hromadaDrawnAt.get(map));
  return maps.length && times.every((t) => t !== undefined) ? Math.max(...times) : null;
}"""
SETTLED_JS = """() => [].concat(window.hromadaMaps || []).every((map) => map.getSource
  ? map.loaded() && !map.isMoving() && map.areTilesLoaded() : map.hromada.idle)"""


def throttled(context, page):
    """Open a DevTools session on `page` with the rural network and CPU; return its log.

    The page's session sees and throttles the page's own requests only: a dedicated
    worker's are a target of their own (MapLibre fetched its vector tiles there, unslowed:
    the earlier runs' times were optimistic; the Leaflet client fetches on the page).
    Those are added to the log from Playwright's events (bytes and count; see
    NetworkLog.add_unseen)."""
    cdp = context.new_cdp_session(page)
    log = NetworkLog()
    log.attach(cdp)

    def finished(request) -> None:
        if request.url in log.urls.values() or request.url.startswith(("data:", "blob:")):
            return
        sizes = request.sizes()
        log.add_unseen(request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"])

    page.on("requestfinished", finished)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send("Network.emulateNetworkConditions", network_conditions())
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return log


def usable_seconds(page, log: NetworkLog) -> tuple[float, float]:
    """Seconds to a usable map and to the settled page (see the module doc); waits until
    the page is done."""
    page.wait_for_selector("[data-map-ready]", timeout=TIMEOUT_MS)
    waited = 0
    while waited < TIMEOUT_MS:
        page.wait_for_timeout(250)  # lets Playwright deliver the DevTools events
        waited += 250
        if log.quiet_for() >= QUIET_S and page.evaluate(SETTLED_JS):
            idle_ms = page.evaluate("window.__hromadaIdleAt")
            drawn_ms = page.evaluate(DRAWN_JS)
            if idle_ms is not None and drawn_ms is not None:
                return drawn_ms / 1000, idle_ms / 1000
    raise TimeoutError(f"{page.url}: no usable map within {TIMEOUT_MS / 1000:.0f} s")


def phone_context(browser, base: str):
    context = new_context(browser, base, VIEWPORT["width"], "uk", scale=PHONE_SCALE)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@dataclass
class MapLoad:
    """The cold load and the warm reload of one page: usable and settled seconds, the
    requests, and the timeline data (bench/phone_timeline.py) of each."""

    usable_s: float
    settled_s: float
    cold: NetworkLog
    cold_timeline: dict
    warm_usable_s: float
    warm: NetworkLog
    warm_timeline: dict


FLOOR_PATH = "/__bench_floor__/"
FLOOR_HTML = """<!DOCTYPE html><html lang="uk"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>floor</title>
<link rel="stylesheet" href="%(css)s">
<style>body { margin: 0 } #map { width: %(width)dpx; height: %(height)dpx }</style>
</head><body><div id="map"></div><script src="%(js)s"></script><script>
const map = L.map("map", { zoomControl: false, attributionControl: false, zoomSnap: 0,
  fadeAnimation: false }).setView([%(center)s[1], %(center)s[0]], %(zoom)s);
const basemap = L.tileLayer(%(tiles)s, { tileSize: 256 }).addTo(map);
map.hromada = { idle: false, drawn: {} };
window.hromadaMaps = [map];
basemap.once("load", () => {
  map.hromada.idle = true;
  map.fire("idle");
  document.body.setAttribute("data-map-ready", "true");
});
</script></body></html>"""


def floor_html(browser, base: str) -> str:
    """The floor page (see the module doc): Leaflet's own files as /map/ links them, the
    basemap tile URL from the style document, and a map of the size and view /map/'s map
    has on the phone (read from /map/ once it is idle)."""
    import re
    from urllib.request import Request, urlopen

    with urlopen(Request(f"{base}/tiles/style.json"), timeout=60) as response:  # noqa: S310
        style = json.load(response)
    context = phone_context(browser, base)
    try:
        page = context.new_page()
        page.goto(page_named("map").url(base), wait_until="load")
        page.wait_for_selector("[data-map-ready]")
        html = page.content()
        box = page.locator(".leaflet-container").first.bounding_box()
        view = page.evaluate(
            "() => { const m = window.hromadaMap; m.stop(); const c = m.getCenter();"
            " return { center: [c.lng, c.lat], zoom: m.getZoom() }; }"
        )
    finally:
        context.close()
    static = re.findall(r'(?:src|href)="([^"]*vendor/leaflet/leaflet[^"]*)"', html)
    tiles = style["sources"]["basemap"]["tiles"]
    return FLOOR_HTML % {
        "css": next(url for url in static if url.endswith(".css")),
        "js": next(url for url in static if url.endswith(".js")),
        "width": round(box["width"]),
        "height": round(box["height"]),
        "tiles": json.dumps(base + tiles[0] if tiles[0].startswith("/") else tiles[0]),
        "center": json.dumps(view["center"]),
        "zoom": json.dumps(view["zoom"]),
    }


def measure_map(browser, base: str, url: str, name: str, floor: str | None = None) -> MapLoad:
    """Load `url` cold (a new context: empty cache), then reload it warm; `floor`, when
    given, is the HTML the browser gets for `url` (the floor page)."""
    context = phone_context(browser, base)
    if floor is not None:
        context.route(url, lambda route: route.fulfill(body=floor, content_type="text/html"))
    context.add_init_script(IDLE_RECORDER_JS % json.dumps(PAGE_DATA.get(name)))
    context.add_init_script(TIMELINE_JS)
    try:
        page = context.new_page()
        log = throttled(context, page)
        page.goto(url, wait_until="commit")
        seconds, settled = usable_seconds(page, log)
        cold_timeline = page.evaluate(COLLECT_JS)
        cold = log.copy()
        log.reset()
        page.reload(wait_until="commit")
        warm_seconds, _ = usable_seconds(page, log)
        return MapLoad(
            seconds, settled, cold, cold_timeline, warm_seconds, log, page.evaluate(COLLECT_JS)
        )
    finally:
        context.close()


def measure_html(browser, base: str, url: str) -> tuple[int, float]:
    """The page's HTML alone under the same throttling: every other request aborted."""
    context = phone_context(browser, base)
    try:
        page = context.new_page()
        log = throttled(context, page)
        page.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.resource_type == "document" else route.abort()
            ),
        )
        page.goto(url, wait_until="load")
        doc = log.document
        return log.transferred.get(doc, 0), log.finished.get(doc, 0) - log.started.get(doc, 0)
    finally:
        context.close()


def measure(browser, base: str, name: str, floor: str | None = None) -> tuple[PageResult, MapLoad]:
    url = base + FLOOR_PATH if floor is not None else page_named(name).url(base)
    load = measure_map(browser, base, url, name, floor)
    cold, warm = load.cold, load.warm
    if floor is None:
        html_bytes, html_s = measure_html(browser, base, url)
    else:
        html_bytes, html_s = len(floor), 0.0
    result = PageResult(
        name=name,
        usable_s=load.usable_s,
        detector=f"settled {load.settled_s:.2f} s; warm usable {load.warm_usable_s:.2f} s",
        cold_bytes=cold.bytes(),
        cold_requests=cold.requests(),
        warm_bytes=warm.bytes(),
        warm_requests=warm.requests(),
        html_bytes=html_bytes,
        html_s=html_s,
        cold_kinds=cold.breakdown(),
        warm_kinds=warm.breakdown(),
        cold_network_s=cold.busy_seconds(),
    )
    return result, load


def machine() -> str:
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{platform.node()}, {os.cpu_count()} CPUs, {platform.platform()}, load {load}"


def basemap_env(upstream: FakeTileServer | None, cache_dir: str) -> dict[str, str]:
    if upstream is None:
        return {"BASEMAP_URL": "local"}
    return {
        "BASEMAP_URL": "",
        "BASEMAP_UPSTREAM": upstream.template,
        "BASEMAP_CACHE_DIR": cache_dir,
    }


def warm_up(base: str, names: list[str], workers: int) -> None:
    """Ask every worker (a few times each) for each page and the style document, as a
    serving deployment's workers would have been asked already: the cold load measures
    the browser's empty cache, not a just-started gunicorn (templates, translation
    catalogues, the registry, the first database connection). The phone's own cache
    stays empty: this runs outside the browser."""
    from urllib.request import Request, urlopen

    paths = [page_named(name).url(base) for name in names] + [f"{base}/tiles/style.json"]
    for _ in range(2 * workers):
        for url in paths:
            request = Request(url, headers={"Cookie": "django_language=uk"})  # noqa: S310
            with urlopen(request, timeout=60) as response:  # noqa: S310 — loopback
                response.read()


def run(args, names: list[str], upstream: FakeTileServer | None, cache_dir: str) -> None:
    from playwright.sync_api import sync_playwright

    env = basemap_env(upstream, cache_dir)
    with demo_server("phone", workers=WORKERS, drop=not args.keep_db, env=env) as server:
        warm_up(server.url, names, WORKERS)
        print(f"machine: {machine()}")
        tiles = f"fake OSM upstream, {len(upstream.body):,}-byte tiles" if upstream else "own data"
        print(f"basemap: {tiles}")
        with sync_playwright() as playwright:
            browser = launch(playwright)
            print(f"Chromium {browser.version}; {network_conditions()}, CPU x{CPU_SLOWDOWN}")
            print(HEADER)
            results, loads = [], []
            for name in names:
                result, load = measure(browser, server.url, name)
                results.append(result)
                loads.append(load)
                print(row(result), flush=True)
            if args.floor:
                floor, load = measure(browser, server.url, "floor", floor_html(browser, server.url))
                print(floor_line(floor, results), flush=True)
                results.append(floor)
                loads.append(load)
            browser.close()
        for result in results:
            print(
                f"{result.name:<11} cold: {breakdown_text(result.cold_kinds)};"
                f" network busy {result.cold_network_s:.2f} s"
            )
            print(f"{'':<11} warm: {breakdown_text(result.warm_kinds)}")
        if args.timeline:
            for result, load in zip(results, loads, strict=True):
                print(f"\n{result.name}: cold load, ms from navigation start")
                print(report(load.cold_timeline, load.usable_s * 1000))
                print(f"  usable at {load.usable_s * 1000:.0f} ms")
                print(f"\n{result.name}: warm reload")
                print(report(load.warm_timeline, load.warm_usable_s * 1000))
                print(f"  usable at {load.warm_usable_s * 1000:.0f} ms")
        print(f"machine after: load {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", help=f"comma-separated, of {','.join(PUBLIC_MAP_PAGES)}")
    parser.add_argument("--basemap", choices=["osm", "own"], default="osm")
    parser.add_argument("--tile-rows", type=int, default=128, help="noisy rows of the fake tile")
    parser.add_argument("--timeline", action="store_true", help="where each load's time went")
    parser.add_argument("--floor", action="store_true", help="the basemap alone, same run")
    parser.add_argument("--keep-db", action="store_true", help="keep <db>_phone afterwards")
    args = parser.parse_args(argv)
    names = args.pages.split(",") if args.pages else list(PUBLIC_MAP_PAGES)
    with tempfile.TemporaryDirectory(prefix="phone-bench-") as cache_dir:
        if args.basemap == "own":
            run(args, names, None, cache_dir)
            return 0
        tile = noise_png(noisy_rows=args.tile_rows)
        with FakeTileServer(tile, cache_control="max-age=86400") as upstream:
            run(args, names, upstream, cache_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
