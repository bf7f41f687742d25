"""What one request of each public kind costs the web process, measured in-process.

On a shared 2-core machine wall-clock latencies under load say more about the neighbours
than about us; the CPU time Django spends on a request (time.process_time of this
process: Python, template rendering, serialisation, psycopg — not PostgreSQL's own work,
which runs in its server process) does not. Run by bench/load/restart_run.py against
its throw-away demo database, before the traffic starts, with Django's test client
(no network, no gunicorn); each kind is asked `rounds` times and the median kept.

For each kind it also says how the answer may be cached (Cache-Control, ETag) and what
asking again with If-None-Match gives (304 = a browser or proxy can reuse it), i.e.
whether the HTTP caching of core/http.py and the tile views works on this traffic.
"""

from __future__ import annotations

import io
import json
import math
import re
import statistics
import time


def _photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 60, 60)).save(out, "JPEG")
    return out.getvalue()


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile holding a point at zoom `z`."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def _tile_urls(style: dict, count: int) -> dict[str, list[str]]:
    """`count` distinct tiles at zoom 12 inside the territory for each tile source of the
    style (path only), so a tile's first (uncached) cost is what is measured."""
    out = {}
    for name, source in style.get("sources", {}).items():
        if not source.get("tiles"):
            continue
        template = "/" + source["tiles"][0].split("//", 1)[-1].split("/", 1)[-1]
        x0, y0 = tile_xy(32.60, 48.92, 12)
        cells = [(x0 + i % 4, y0 + i // 4) for i in range(count)]
        out[name] = [template.format(z=12, x=x, y=y) for x, y in cells]
    return out


def _kinds(client, numbers: list[str], terms: list[str]) -> dict[str, list[str]]:
    style = json.loads(client.get("/tiles/style.json").content)
    api = style.get("metadata", {}).get("hromada:api", {})
    reports = "/" + api.get("reports", "/api/v1/reports/").split("//", 1)[-1].split("/", 1)[-1]
    page = client.get("/map/").content.decode()
    assets = sorted(set(re.findall(r'(?:src|href)="(/static/[^"]+)"', page)))
    kinds = {
        "/map/": ["/map/"],
        "/static/… (the map page's files)": assets,
        "/": ["/"],
        "/tiles/style.json": ["/tiles/style.json"],
        "reports layer ?bbox=": [f"{reports}?bbox=32.55,48.65,32.90,48.95"],
        "/api/v1/addresses/?q=": [f"/api/v1/addresses/?limit=10&q={t}" for t in terms],
        "/reports/{number}/": [f"/reports/{n}/" for n in numbers[:10]],
        "/api/v1/reports/{number}/": [f"/api/v1/reports/{n}/" for n in numbers[:10]],
        "/api/v1/locate": ["/api/v1/locate?lat=48.79&lon=32.72"],
        "/reports/new/": ["/reports/new/"],
    }
    for name, urls in _tile_urls(style, 12).items():
        kinds[f"tiles {name} (first)"] = urls
        kinds[f"tiles {name} (again)"] = urls
    return kinds


def _one(client, url: str) -> tuple[float, float, object]:
    cpu, wall = time.process_time(), time.perf_counter()
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    return time.process_time() - cpu, time.perf_counter() - wall, response


def _revalidates(client, url: str, response) -> str:
    etag = response.headers.get("ETag")
    if response.status_code != 200 or not etag:
        return "—"
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
    return str(again.status_code)


def measure(numbers: list[str], terms: list[str], rounds: int = 20) -> list[dict]:
    """Return one row per request kind: median CPU and wall ms, status, caching."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    rows = []
    for kind, urls in _kinds(client, numbers, terms).items():
        samples = []
        for i in range(rounds if "(first)" not in kind else len(urls)):
            samples.append(_one(client, urls[i % len(urls)]))
        response, last_url = samples[-1][2], urls[(len(samples) - 1) % len(urls)]
        rows.append(
            {
                "kind": kind,
                "n": len(samples),
                "cpu_ms": statistics.median(s[0] for s in samples) * 1000,
                "wall_ms": statistics.median(s[1] for s in samples) * 1000,
                "status": response.status_code,
                "cache_control": response.headers.get("Cache-Control", "—"),
                "if_none_match": _revalidates(client, last_url, response),
            }
        )
    rows += _posts(client, rounds)
    return rows


def _posts(client, rounds: int) -> list[dict]:
    category = json.loads(client.get("/api/v1/reports/categories/").content)[0]["code"]
    rows = []
    for kind, photo in (("POST /api/v1/reports/", False), ("POST … (photo)", True)):
        samples = []
        for _ in range(max(3, rounds // 4)):
            data = {"category": category, "lat": "48.7936", "lon": "32.7208"}
            data["description"] = "Вимірювання: дерево на дротах"
            if photo:
                data["photos"] = io.BytesIO(_photo())
                data["photos"].name = "photo.jpg"
            cpu, wall = time.process_time(), time.perf_counter()
            response = client.post("/api/v1/reports/", data)
            samples.append((time.process_time() - cpu, time.perf_counter() - wall))
        rows.append(
            {
                "kind": kind,
                "n": len(samples),
                "cpu_ms": statistics.median(s[0] for s in samples) * 1000,
                "wall_ms": statistics.median(s[1] for s in samples) * 1000,
                "status": response.status_code,
                "cache_control": "—",
                "if_none_match": "—",
            }
        )
    return rows


def table(rows: list[dict]) -> list[str]:
    lines = [
        "| request | n | CPU ms (median) | wall ms (median) | status | Cache-Control "
        "| again with If-None-Match |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['kind']} | {r['n']} | {r['cpu_ms']:.1f} | {r['wall_ms']:.1f} | {r['status']} "
            f"| {r['cache_control']} | {r['if_none_match']} |"
        )
    return lines
