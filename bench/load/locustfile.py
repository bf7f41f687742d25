"""Public traffic of the Dmytrivska map site, two profiles (see bench/load/README.md).

`Visitor` (the default, the issue's "200 concurrent users") models what one resident's
visit makes a browser request, driven by the served style document, not by a fixed mix:

1. open /map/: the HTML page, its static files (first visit only: hashed names, cached
   for a year), the style document, the reports layer for the view (`hromada:api`
   reports?bbox=…) and the tiles of every tile source the style shows at that zoom, for
   the visitor's screen: a phone (360 × 640 CSS px, 70 % of visits) or a laptop
   (1366 × 768, 30 %). Tiles are computed the way MapLibre asks for them: the covering
   zoom of the source's tile size, clipped to the source's bounds and zoom range;
2. 1–4 map moves (pan by half a screen, or zoom in or out by one), each asking only the
   tiles it has not got and the reports layer again (the page reloads it on moveend);
3. 40 % search an address (two requests: the search box waits 250 ms after typing, so
   a typist pausing once sends two prefixes); 30 % open a report's page; 10 % file a
   report (open the form, fill it for 30–90 s, POST; 30 % of POSTs carry a photo).

Between actions a resident thinks: exponential with a mean of 7 s, at least 1 s and at
most 70 s — the think time of the TPC-W web benchmark (TPC-W 1.8, clause 5.3.1.1), the
usual reasoned figure for people reading a page before the next click. The browser's
cache is modelled: a response with `max-age` is not asked again while fresh, and a
stale one with an ETag is revalidated with If-None-Match (a 304 counts as success).
Half the visits are returning visitors (cache kept), half first visits (cache emptied).

`Stress` is the earlier fixed mix (tiles 10, OGC items 4, locate 3, address search 2,
report views 2, /map/ 2, / 1, report POST 1; waits 0.5–1.5 s, no browser cache):
about one request per user per second, far more than people make. Kept to show what
overload does; chosen with `restart_run --profile stress` (or the class name on
locust's command line).

Run through bench/load/restart_run.py or bench/load/run.sh (they start their own server
on 127.0.0.1 with a database of their own); never point it at a host not on this machine.
"""

import io
import math
import os
import random
import re
import time

import gevent
from locust import HttpUser, between, task

# The Dmytrivska territory, EPSG:4326 (lon, lat): points and tiles are drawn inside it.
WEST, SOUTH, EAST, NORTH = 32.55, 48.65, 32.90, 48.95
TILE_LAYERS = "territory,settlements,facilities,reports"
COLLECTIONS = ("settlements", "facilities", "reports")
# Public report numbers and address search terms of the served demo, given by the driver
# (bench/load/restart_run.py); without them those tasks do nothing.
REPORT_NUMBERS = [n for n in os.environ.get("LOAD_REPORT_NUMBERS", "").split(",") if n]
SEARCH_TERMS = [t for t in os.environ.get("LOAD_SEARCH_TERMS", "").split(",") if t]
SCREENS = {"phone": (360, 640), "laptop": (1366, 768)}
PHONE_SHARE = 0.7
THINK_MEAN_S, THINK_MIN_S, THINK_MAX_S = 7.0, 1.0, 70.0


def _tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def _point() -> tuple[float, float]:
    return random.uniform(WEST, EAST), random.uniform(SOUTH, NORTH)


def _photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (random.randrange(256), 60, 60)).save(out, "JPEG")
    return out.getvalue()


def _report_form(category: str) -> dict:
    lon, lat = _point()
    return {
        "category": category,
        "lat": f"{lat:.5f}",
        "lon": f"{lon:.5f}",
        "description": "Навантажувальний тест: дерево на дротах",
    }


def _post_report(client, category: str) -> None:
    files = {"photos": ("photo.jpg", _photo(), "image/jpeg")} if random.random() < 0.3 else {}
    with client.post(
        "/api/v1/reports/",
        data=_report_form(category),
        files=files,
        # Photos cost more (re-encoding): their own line in the statistics.
        name="/api/v1/reports/ (photo)" if files else "/api/v1/reports/",
        catch_response=True,
    ) as response:
        # Outside every territory (the bbox is wider than the boundary) is a 400 by design.
        if response.status_code in (201, 400):
            response.success()


# --------------------------------------------------------------------------- the map


def world_px(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel of a point at `zoom`, MapLibre's world of 512 px at zoom 0."""
    size = 512 * 2**zoom
    x = (lon + 180) / 360 * size
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * size
    return x, y


def fit_zoom(width: int, height: int) -> float:
    """The zoom at which the territory fills the screen (the page fits its bounds)."""
    x0, y0 = world_px(WEST, NORTH, 0)
    x1, y1 = world_px(EAST, SOUTH, 0)
    return min(math.log2(width / (x1 - x0)), math.log2(height / (y1 - y0)))


def covering_tiles(source: dict, view: dict) -> list[tuple[int, int, int]]:
    """The tiles MapLibre asks of `source` for `view` (centre, zoom, width, height)."""
    tile_size = source.get("tileSize", 512)
    tz = math.floor(view["zoom"] + math.log2(512 / tile_size))
    if tz < source.get("minzoom", 0):
        return []
    tz = min(tz, source.get("maxzoom", 22))
    cx, cy = world_px(view["lon"], view["lat"], view["zoom"])
    scale = 2**tz / (512 * 2 ** view["zoom"])
    x0, x1 = (cx - view["width"] / 2) * scale, (cx + view["width"] / 2) * scale
    y0, y1 = (cy - view["height"] / 2) * scale, (cy + view["height"] / 2) * scale
    west, south, east, north = source.get("bounds", (-180, -85, 180, 85))
    bx0, by0 = _tile(west, north, tz)
    bx1, by1 = _tile(east, south, tz)
    xs = range(max(int(x0), bx0), min(int(x1), bx1) + 1)
    ys = range(max(int(y0), by0), min(int(y1), by1) + 1)
    return [(tz, x, y) for x in xs for y in ys]


def shown_sources(style: dict, zoom: float) -> dict[str, dict]:
    """The tile sources of the style some visible layer draws at `zoom` (MapLibre loads
    a source only while one of its layers is shown)."""
    shown = {}
    for layer in style.get("layers", []):
        name = layer.get("source")
        source = style.get("sources", {}).get(name, {})
        hidden = layer.get("layout", {}).get("visibility") == "none"
        in_range = layer.get("minzoom", 0) <= zoom < layer.get("maxzoom", 24)
        if name and source.get("tiles") and not hidden and in_range:
            shown[name] = source
    return shown


class BrowserCache:
    """What a browser keeps between requests: fresh until max-age, then revalidated."""

    def __init__(self):
        self.entries: dict[str, tuple[float, str | None]] = {}

    def fresh(self, url: str) -> bool:
        expires, _ = self.entries.get(url, (0.0, None))
        return expires > time.time()

    def etag(self, url: str) -> str | None:
        return self.entries.get(url, (0.0, None))[1]

    def keep(self, url: str, response) -> None:
        control = response.headers.get("Cache-Control", "")
        etag = response.headers.get("ETag")
        if "no-store" in control or response.status_code not in (200, 304):
            return
        match = re.search(r"max-age=(\d+)", control)
        max_age = 0 if "no-cache" in control or not match else int(match.group(1))
        self.entries[url] = (time.time() + max_age, etag or self.etag(url))


class Visitor(HttpUser):
    """One resident's visits to the public map, on a phone or a laptop (module docstring)."""

    wait_time = between(THINK_MIN_S, THINK_MAX_S / 10)  # between visits

    def on_start(self):
        self.cache = BrowserCache()
        self.category = None

    def think(self):
        gevent.sleep(min(THINK_MAX_S, max(THINK_MIN_S, random.expovariate(1 / THINK_MEAN_S))))

    def get(self, url: str, name: str, **kwargs):
        """GET as a browser does: not at all while cached and fresh; conditional when
        stale with an ETag. Return the response (None when served from the cache)."""
        if self.cache.fresh(url):
            return None
        headers = {"If-None-Match": self.cache.etag(url)} if self.cache.etag(url) else {}
        with self.client.get(url, name=name, headers=headers, catch_response=True) as answer:
            if answer.status_code == 304:
                answer.success()
            self.cache.keep(url, answer)
        return answer

    @task
    def visit(self):
        if random.random() < 0.5:
            self.cache = BrowserCache()  # a first visit; else a returning visitor
        phone = random.random() < PHONE_SHARE
        width, height = SCREENS["phone" if phone else "laptop"]
        self.open_map(width, height)
        for _ in range(random.randint(1, 4)):
            self.think()
            self.move()
        if SEARCH_TERMS and random.random() < 0.4:
            self.think()
            self.search()
        if REPORT_NUMBERS and random.random() < 0.3:
            self.think()
            number = random.choice(REPORT_NUMBERS)
            self.get(f"/reports/{number}/", name="/reports/{number}/")
        if random.random() < 0.1:
            self.file_report()

    def open_map(self, width: int, height: int) -> None:
        page = self.get("/map/", name="/map/")
        if page is not None and page.status_code == 200:
            for asset in sorted(set(re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text))):
                self.get(asset, name="/static/…")
        style = self.client.get("/tiles/style.json", name="/tiles/style.json")
        self.style = style.json() if style.status_code == 200 else {}
        self.view = {"lon": (WEST + EAST) / 2, "lat": (SOUTH + NORTH) / 2}
        self.view |= {"zoom": fit_zoom(width, height), "width": width, "height": height}
        self.draw()

    def draw(self) -> None:
        """Ask what the map needs for the current view: its tiles and the reports layer."""
        for source in shown_sources(self.style, self.view["zoom"]).values():
            template = source["tiles"][0]
            for z, x, y in covering_tiles(source, self.view):
                url = "/" + template.format(z=z, x=x, y=y).split("//", 1)[-1].split("/", 1)[-1]
                kind = "/basemap/{z}/{x}/{y}" if url.startswith("/basemap/") else "/tiles/…"
                self.get(url, name=kind)
        api = self.style.get("metadata", {}).get("hromada:api", {})
        if api.get("reports"):
            v, half = self.view, 180 / 2 ** self.view["zoom"]
            corners = (v["lon"] - half, v["lat"] - half / 2, v["lon"] + half, v["lat"] + half / 2)
            bbox = ",".join(f"{c:.4f}" for c in corners)
            path = "/" + api["reports"].split("//", 1)[-1].split("/", 1)[-1]
            self.get(f"{path}?bbox={bbox}", name="reports layer ?bbox=")

    def move(self) -> None:
        if random.random() < 0.5:
            step = 0.5 * self.view["width"] / (512 * 2 ** self.view["zoom"]) * 360
            self.view["lon"] = min(
                EAST, max(WEST, self.view["lon"] + random.choice((-1, 1)) * step)
            )
            self.view["lat"] = min(
                NORTH, max(SOUTH, self.view["lat"] + random.uniform(-1, 1) * step / 2)
            )
        else:
            self.view["zoom"] = min(16.0, max(9.0, self.view["zoom"] + random.choice((-1, 1))))
        self.draw()

    def search(self) -> None:
        term = random.choice(SEARCH_TERMS)
        for prefix in (term[:3], term):
            self.client.get(f"/api/v1/addresses/?limit=10&q={prefix}", name="/api/v1/addresses/?q=")

    def file_report(self) -> None:
        self.get("/reports/new/", name="/reports/new/")
        if self.category is None:
            categories = self.client.get("/api/v1/reports/categories/", name="categories")
            listed = categories.json() if categories.status_code == 200 else []
            self.category = listed[0]["code"] if listed else "roads"
        gevent.sleep(random.uniform(30, 90))  # choosing a category, writing, a photo
        _post_report(self.client, self.category)


class Stress(HttpUser):
    """The earlier fixed mix: about one request per user per second (module docstring)."""

    wait_time = between(0.5, 1.5)

    def on_start(self):
        categories = self.client.get("/api/v1/reports/categories/", name="categories").json()
        self.category = categories[0]["code"] if categories else "roads"

    @task(2)
    def map_page(self):
        self.client.get("/map/", name="/map/")

    @task(1)
    def landing_page(self):
        self.client.get("/", name="/")

    @task(10)
    def tiles(self):
        z = random.choice((11, 12, 13, 14))
        x, y = _tile(*_point(), z)
        self.client.get(f"/tiles/{TILE_LAYERS}/{z}/{x}/{y}.pbf", name="/tiles/{z}/{x}/{y}.pbf")

    @task(4)
    def ogc_items(self):
        lon, lat = _point()
        bbox = f"{lon - 0.05:.4f},{lat - 0.05:.4f},{lon + 0.05:.4f},{lat + 0.05:.4f}"
        collection = random.choice(COLLECTIONS)
        self.client.get(
            f"/ogc/collections/{collection}/items?limit=50&bbox={bbox}",
            name="/ogc/collections/{id}/items",
        )

    @task(3)
    def locate(self):
        lon, lat = _point()
        self.client.get(f"/api/v1/locate?lat={lat:.5f}&lon={lon:.5f}", name="/api/v1/locate")

    @task(2)
    def search(self):
        if SEARCH_TERMS:
            term = random.choice(SEARCH_TERMS)
            self.client.get(f"/api/v1/addresses/?q={term}&limit=10", name="/api/v1/addresses/?q=")

    @task(2)
    def report_view(self):
        if REPORT_NUMBERS:
            number = random.choice(REPORT_NUMBERS)
            if random.random() < 0.5:
                self.client.get(f"/reports/{number}/", name="/reports/{number}/")
            else:
                self.client.get(f"/api/v1/reports/{number}/", name="/api/v1/reports/{number}/")

    @task(1)
    def report(self):
        _post_report(self.client, self.category)
