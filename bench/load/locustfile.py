"""Mixed public traffic on the evening of a storm: people open the map, pan around (tiles),
list features (OGC items), ask "which village am I in" (locate) and file reports.

Run through bench/load/run.sh (it starts its own server on 127.0.0.1 with a database of
its own); never point it at a host that is not on this machine.
"""

import io
import os
import random

from locust import HttpUser, between, task

# The Dmytrivska territory, EPSG:4326 (lon, lat): points and tiles are drawn inside it.
WEST, SOUTH, EAST, NORTH = 32.55, 48.65, 32.90, 48.95
TILE_LAYERS = "territory,settlements,facilities,reports"
COLLECTIONS = ("settlements", "facilities", "reports")
# Public report numbers and address search terms of the served demo, given by the driver
# (bench/load/restart_run.py); without them those tasks do nothing.
REPORT_NUMBERS = [n for n in os.environ.get("LOAD_REPORT_NUMBERS", "").split(",") if n]
SEARCH_TERMS = [t for t in os.environ.get("LOAD_SEARCH_TERMS", "").split(",") if t]


def _tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    import math

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


class Resident(HttpUser):
    """One phone on the public site."""

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
        lon, lat = _point()
        data = {
            "category": self.category,
            "lat": f"{lat:.5f}",
            "lon": f"{lon:.5f}",
            "description": "Навантажувальний тест: дерево на дротах",
        }
        files = {"photos": ("photo.jpg", _photo(), "image/jpeg")} if random.random() < 0.3 else {}
        with self.client.post(
            "/api/v1/reports/",
            data=data,
            files=files,
            # Photos cost more (re-encoding): their own line in the statistics.
            name="/api/v1/reports/ (photo)" if files else "/api/v1/reports/",
            catch_response=True,
        ) as response:
            # Outside every territory (the bbox is wider than the boundary) is a 400 by design.
            if response.status_code in (201, 400):
                response.success()
