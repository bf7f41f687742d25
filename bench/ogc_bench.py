"""Benchmark the layer services: vector tiles and OGC API items, against two baselines.

    DATABASE_URL=postgis://hromada@%2Fwork%2Fmain%2Fvar%2Fpgsocket/<db> \\
        .venv/bin/python bench/ogc_bench.py [--duration 10] [--connections 1 8 32]

The database must hold the size-M synthetic data (`bench/generate.py --size M --db`).
The runner starts, on loopback ports, our service (gunicorn, `--workers` sync workers)
and pygeoapi 0.24 from its own virtualenv `bench/.venv-pygeoapi` (Python 3.12; see
bench/README-ogc.md) serving the same table with its PostgreSQL provider and the same
number of workers; drives both with wrk (Debian's `wrk`, bounded by `--duration`), and
runs the very same SQL our views run directly through psycopg in as many threads as
connections: the ceiling no web stack can beat. Beside them TiPg 1.6 (an async OGC API
server for PostGIS: FastAPI, asyncpg, uvicorn with `--workers` processes) serves the same
table from `bench/.venv-tipg`, a virtualenv the runner creates on first use (`--tipg-python`
chooses its interpreter; `--skip-tipg` leaves it out). It stops every server by its pid.

Measured, at 1, 8 and 32 concurrent connections:
* tiles/s of `/tiles/facilities/{z}/{x}/{y}.pbf` over a fixed, seeded set of tiles
  (z 10–14 over the data) beside the tile SQL's own rate;
* requests/s and latency of 100-feature item pages at seeded offsets beside pygeoapi's
  and TiPg's (same limit/offset, sorted by id) and beside the bare SQL (count + page);
* the same pages with a CQL2 filter (`filter=`) and reprojected (`crs=EPSG:6385`),
  each beside its own bare SQL page (`VARIANTS`), the plain and the two variants alternated
  in `--rounds` rounds (median of each), so that their ratio is not the VM's drift;
* with `--raw`, the same plain pages and tiles from `bench/raw_items_app.py`, a bare WSGI
  app under the same gunicorn running the view's page SQL (the tile's statement) and
  nothing else: what a web server in Python keeps of the bare SQL, so that ours ÷ raw is
  the cost of our own request path.
Before timing, it checks that both services return the same features (ids and
numberMatched) for the same bbox queries. Results: bench/out/ogc-<time>.json and a
Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import serving  # noqa: E402

PYGEOAPI_VENV = ROOT / "bench" / ".venv-pygeoapi"
TIPG_VENV = ROOT / "bench" / ".venv-tipg"
TIPG_REQUIREMENTS = ["tipg==1.6.1", "uvicorn==0.*"]
# TiPg names a table's collection "<schema>.<table>".
TIPG_COLLECTION = "public.layers_facility"
OUT = ROOT / "bench" / "out"
M_BBOX = (31.0, 47.7, 33.9, 49.2)
SEED = 20
TILE_ZOOMS = range(10, 15)
TILES = 300
PAGES = 200
PAGE_SIZE = 100
# Items pages three ways: plain, with a CQL2 filter (compiled to SQL), reprojected.
VARIANTS = {
    "plain": {},
    "cql2": {"filter": "kind IN ('school','library','cnap') OR down_mbps >= 50"},
    "epsg6385": {"crs": "http://www.opengis.net/def/crs/EPSG/0/6385"},
}
CHECK_BOXES = [(32.5, 48.6, 32.9, 48.9), (31.0, 47.7, 31.5, 48.0), (33.0, 49.0, 33.9, 49.2)]

WRK_LUA = """
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
"""

PYGEOAPI_CONFIG = """
server:
  bind: {{host: 127.0.0.1, port: {port}}}
  url: http://127.0.0.1:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  languages: [en-US]
  limits: {{default_items: 10, max_items: 10000}}
  map: {{url: "https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png", attribution: "OSM"}}
  admin: false
logging: {{level: ERROR}}
metadata:
  identification:
    title: bench
    description: bench
    keywords: [bench]
    keywords_type: theme
    terms_of_service: https://example.org
    url: https://example.org
  license: {{name: CC-BY 4.0, url: "https://creativecommons.org/licenses/by/4.0/"}}
  provider: {{name: bench, url: "https://example.org"}}
  contact: {{name: bench, email: bench@example.org}}
resources:
  facilities:
    type: collection
    title: facilities
    description: synthetic facilities
    keywords: [facilities]
    links: []
    extents:
      spatial: {{bbox: [31.0, 47.7, 33.9, 49.2], crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}
    providers:
      - type: feature
        name: PostgreSQL
        data:
          host: "{host}"
          port: {db_port}
          dbname: "{db}"
          user: "{user}"
          password: "{password}"
          search_path: [public]
        id_field: id
        table: layers_facility
        geom_field: location
"""


# ---------------------------------------------------------------- set-up
def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")
    import django

    django.setup()


def db_params() -> dict:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return {
        "dbname": db["NAME"],
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "host": db.get("HOST") or "",
        "port": int(db.get("PORT") or 5432),
    }


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def tile_list() -> list[tuple[int, int, int]]:
    """A seeded sample of tiles over the M data, z 10–14, the same on every run."""
    rng = random.Random(SEED)
    west, south, east, north = M_BBOX
    tiles = []
    for _ in range(TILES):
        z = rng.choice(list(TILE_ZOOMS))
        x, y = tile_of(rng.uniform(west, east), rng.uniform(south, north), z)
        tiles.append((z, x, y))
    return tiles


def page_offsets(total: int) -> list[int]:
    rng = random.Random(SEED)
    return [rng.randrange(0, max(1, total - PAGE_SIZE)) for _ in range(PAGES)]


def start_ours(port: int, workers: int) -> subprocess.Popen:
    return serving.start_gunicorn(port, workers, {})


def start_raw(port: int, workers: int) -> subprocess.Popen:
    """The ideal Python server (`bench/raw_items_app.py`) under the same gunicorn."""
    return serving.start_gunicorn(port, workers, {}, app="bench.raw_items_app:application")


def start_pygeoapi(port: int, workers: int, workdir: Path, db: dict) -> subprocess.Popen:
    config = workdir / "pygeoapi-config.yml"
    openapi = workdir / "pygeoapi-openapi.yml"
    config.write_text(
        PYGEOAPI_CONFIG.format(
            port=port,
            host=db["host"],
            db_port=db["port"],
            db=db["dbname"],
            user=db["user"],
            password=db["password"],
        )
    )
    binaries = PYGEOAPI_VENV / "bin"
    env = os.environ | {"PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
    subprocess.run(
        [str(binaries / "pygeoapi"), "openapi", "generate", str(config), "-of", str(openapi)],
        env=env,
        check=True,
        capture_output=True,
    )
    command = [
        str(binaries / "gunicorn"),
        "pygeoapi.flask_app:APP",
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--preload",
        "--timeout=120",
    ]
    return subprocess.Popen(command, cwd=workdir, env=env)


def ensure_tipg(python: str) -> None:
    """Create bench/.venv-tipg with TiPg and uvicorn when it is missing (once)."""
    if (TIPG_VENV / "bin" / "uvicorn").exists():
        return
    subprocess.run([python, "-m", "venv", str(TIPG_VENV)], check=True)
    pip = [str(TIPG_VENV / "bin" / "pip"), "install", "--quiet", *TIPG_REQUIREMENTS]
    subprocess.run(pip, check=True)


def start_tipg(port: int, workers: int, db: dict) -> subprocess.Popen:
    """Start TiPg on the same table: only layers_facility is published, as one collection."""
    # A Unix socket directory goes percent-encoded in the host part: TiPg's settings
    # (pydantic) refuse an empty host, and asyncpg ignores `?host=` beside a named one.
    host = quote(db["host"] or "localhost", safe="")
    password = f":{quote(db['password'], safe='')}" if db["password"] else ""
    auth = quote(db["user"], safe="") + password
    url = f"postgresql://{auth}@{host}:{db['port']}/{db['dbname']}"
    env = os.environ | {
        "DATABASE_URL": url,
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_TABLES": f'["{TIPG_COLLECTION}"]',
        "TIPG_DB_SPATIAL_EXTENT": "false",
        "TIPG_DB_DATETIME_EXTENT": "false",
        "TIPG_MAX_FEATURES_PER_QUERY": "10000",
        "TIPG_DEBUG": "false",
    }
    command = [
        str(TIPG_VENV / "bin" / "uvicorn"),
        "tipg.main:app",
        f"--workers={workers}",
        "--host=127.0.0.1",
        f"--port={port}",
        "--log-level=warning",
        "--no-access-log",
    ]
    return subprocess.Popen(command, cwd=TIPG_VENV, env=env)


# ---------------------------------------------------------------- measuring
def wrk(base: str, paths: list[str], connections: int, duration: int, workdir: Path) -> dict:
    """Run wrk over the paths in turn; return requests/s, latency percentiles, errors."""
    paths_file = workdir / f"paths-{abs(hash(tuple(paths)))}.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    script = workdir / "paths.lua"
    script.write_text(WRK_LUA)
    threads = min(connections, 2)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    result = subprocess.run(
        [*command, "-s", str(script), base],
        env=os.environ | {"WRK_PATHS": str(paths_file)},
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    )
    return parse_wrk(result.stdout)


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(out: str) -> dict:
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "90", "99"):
        match = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
        result[f"p{pct}_ms"] = round(_ms(match.group(1)), 2) if match else None
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    result["non_2xx"] = int(errors.group(1)) if errors else 0
    socket = re.search(r"Socket errors: (.*)", out)
    result["socket_errors"] = socket.group(1) if socket else ""
    return result


def bare_sql(statements: list[list[tuple[str, list]]], connections: int, duration: int) -> dict:
    """Run each request's statements through psycopg in `connections` threads; return rate."""
    import psycopg

    params = db_params()
    done = [0] * connections
    latencies: list[list[float]] = [[] for _ in range(connections)]
    deadline = time.monotonic() + duration

    def work(index: int) -> None:
        with psycopg.connect(**params, autocommit=True) as conn, conn.cursor() as cursor:
            i = index
            while time.monotonic() < deadline:
                start = time.perf_counter()
                for sql, args in statements[i % len(statements)]:
                    cursor.execute(sql, args)
                    cursor.fetchall()
                latencies[index].append((time.perf_counter() - start) * 1000)
                done[index] += 1
                i += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(connections)]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - begin
    every = sorted(ms for per_thread in latencies for ms in per_thread)
    return {
        "rps": round(sum(done) / elapsed, 1),
        "p50_ms": round(every[len(every) // 2], 2) if every else None,
        "p90_ms": round(every[int(len(every) * 0.9)], 2) if every else None,
        "p99_ms": round(every[int(len(every) * 0.99)], 2) if every else None,
    }


def _raw(sql: str, params) -> tuple[str, list]:
    """Django's SQL for psycopg: Django already writes %s placeholders."""
    return sql, list(params)


def tile_statements(tiles) -> list[list[tuple[str, list]]]:
    from layers import registry
    from layers.tiles import selectors as tile_sql

    spec = registry.get("facilities")
    return [[_raw(*tile_sql.layer_tile_sql(spec, z, x, y))] for z, x, y in tiles]


def items_statements(offsets, *, with_count: bool = True, variant: str = "plain"):
    """The statements of each items request: the count (numberMatched) and the page.

    These are the view's own statements: the request's parameters parsed by the view's
    own `items_query` (layers.ogc.items), then `ogc_selectors.page_sql` with the page's
    anchor (`ogc_selectors.matched_rows`, `page_anchor`). The view keeps the count (and the anchors)
    per data version, so most requests run the page only: `with_count=False` measures
    that. The count statement is a plain `count(*)` of the filtered rows, the cheapest way
    to know numberMatched (the view's own, run on a miss, also picks the anchors).
    """
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import RequestFactory

    from layers import registry
    from layers.ogc import items as ogc_items
    from layers.ogc import selectors as ogc_selectors

    spec = registry.get("facilities")
    request = RequestFactory().get("/ogc/collections/facilities/items", VARIANTS[variant])
    request.user = AnonymousUser()
    query = ogc_items.items_query(request, spec)  # the view's own parsing
    count_sql, count_params = _count_sql(query.queryset, connection)
    crs = None if query.crs.is_crs84 else query.crs
    matched = ogc_selectors.matched_rows(spec, query.queryset, query.key)
    statements = []
    for offset in offsets:
        page = _raw(
            *ogc_selectors.page_sql(
                spec,
                query.queryset,
                query.key,
                offset,
                PAGE_SIZE,
                crs=crs,
                sortby=query.sortby,
                anchor=ogc_selectors.page_anchor(spec, query.queryset, matched, offset),
            )
        )
        statements.append([(count_sql, count_params), page] if with_count else [page])
    return statements


def _count_sql(queryset, connection) -> tuple[str, list]:
    """Return the SQL Django runs for `queryset.count()`, captured from one run."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        queryset.count()
    return captured.captured_queries[-1]["sql"], []


def fetch_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 — loopback
        return json.load(response)


def same_features(ours: str, others: dict[str, str]) -> list[dict]:
    """Compare ids and numberMatched of every service for the same bbox queries.

    others: name → items URL of a peer with its GeoJSON format parameter ("…/items?f=json";
    TiPg's `f=json` is plain JSON rows, its GeoJSON is `f=geojson`)."""
    checks = []
    for box in CHECK_BOXES:
        bbox = ",".join(str(v) for v in box)
        mine = fetch_json(f"{ours}/ogc/collections/facilities/items?bbox={bbox}&limit=10000")
        my_ids = sorted(f["id"] for f in mine["features"])
        check = {"bbox": bbox, "ours": len(my_ids), "numberMatched": [mine["numberMatched"]]}
        same = True
        for name, items_url in others.items():
            other = fetch_json(f"{items_url}&bbox={bbox}&limit=10000&sortby=id")
            other_ids = sorted(int(f["id"]) for f in other["features"])
            check[name] = len(other_ids)
            check["numberMatched"].append(other.get("numberMatched"))
            same = same and my_ids == other_ids
        check["same_ids"] = same
        checks.append(check)
    return checks


# ---------------------------------------------------------------- main
def run(args) -> dict:
    from layers.models import Facility

    total = Facility.objects.count()
    tiles = tile_list()
    offsets = page_offsets(total)
    tile_paths = [f"/tiles/facilities/{z}/{x}/{y}.pbf" for z, x, y in tiles]
    our_pages = [f"/ogc/collections/facilities/items?limit={PAGE_SIZE}&offset={o}" for o in offsets]
    variant_pages = {
        name: [f"{page}&{urlencode(params)}" for page in our_pages]
        for name, params in VARIANTS.items()
        if params
    }
    their_pages = [
        f"/collections/facilities/items?limit={PAGE_SIZE}&offset={o}&f=json&sortby=id"
        for o in offsets
    ]
    tipg_pages = [
        f"/collections/{TIPG_COLLECTION}/items?limit={PAGE_SIZE}&offset={o}&f=geojson&sortby=id"
        for o in offsets
    ]
    ours = f"http://127.0.0.1:{args.port}"
    theirs = f"http://127.0.0.1:{args.pygeoapi_port}"
    tipg = f"http://127.0.0.1:{args.tipg_port}"
    workdir = Path(tempfile.mkdtemp(prefix="ogc-bench-"))
    servers = [start_ours(args.port, args.workers)]
    if args.raw:
        servers.append(start_raw(args.raw_port, args.workers))
    if not args.skip_pygeoapi:
        servers.append(start_pygeoapi(args.pygeoapi_port, args.workers, workdir, db_params()))
    if not args.skip_tipg:
        servers.append(start_tipg(args.tipg_port, args.workers, db_params()))
    results = {"facilities": total, "workers": args.workers, "duration_s": args.duration}
    results["rounds"] = args.rounds
    peers = {}
    try:
        serving.wait_for(f"{ours}/ogc/conformance", 180)
        if not args.skip_pygeoapi:
            serving.wait_for(f"{theirs}/conformance?f=json", 180)
            peers["pygeoapi"] = f"{theirs}/collections/facilities/items?f=json"
        if not args.skip_tipg:
            serving.wait_for(f"{tipg}/conformance", 180)
            peers["tipg"] = f"{tipg}/collections/{TIPG_COLLECTION}/items?f=geojson"
        if peers:
            results["same_features"] = same_features(ours, peers)
        results["runs"] = measure(args, ours, theirs, tile_paths, our_pages, their_pages, workdir)
        if args.raw:
            raw = f"http://127.0.0.1:{args.raw_port}"
            serving.wait_for(f"{raw}/?offset={offsets[0]}", 180)
            results["runs"]["raw_items"] = {
                c: warm_then_wrk(raw, our_pages, c, args.duration, workdir)
                for c in args.connections
            }
            results["runs"]["raw_tiles"] = {
                c: warm_then_wrk(raw, tile_paths, c, args.duration, workdir)
                for c in args.connections
            }
        if not args.skip_tipg:
            results["runs"]["tipg_items"] = {
                c: warm_then_wrk(tipg, tipg_pages, c, args.duration, workdir)
                for c in args.connections
            }
        results["variant_runs"] = interleaved(
            ours, {"plain": our_pages, **variant_pages}, args, workdir
        )
    finally:
        for server in servers:
            serving.stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    results["bare_sql"] = {
        "tiles": {c: bare_sql(tile_statements(tiles), c, args.duration) for c in args.connections},
        "items": {
            c: bare_sql(items_statements(offsets), c, args.duration) for c in args.connections
        },
        "items_page": {
            c: bare_sql(items_statements(offsets, with_count=False), c, args.duration)
            for c in args.connections
        },
        **{
            f"items_page_{name}": {
                c: bare_sql(
                    items_statements(offsets, with_count=False, variant=name), c, args.duration
                )
                for c in args.connections
            }
            for name, params in VARIANTS.items()
            if params
        },
    }
    return results


def interleaved(base: str, kinds: dict[str, list[str]], args, workdir) -> dict:
    """Each kind of page timed in `args.rounds` rounds, the kinds alternated within each
    round and connection count; return {kind: {conns: the run with the median rate}}.

    The VM's rates drift by up to ±30% within minutes (bench/RESULTS.md), so kinds timed
    one after another minutes apart compare that drift as much as the kinds; alternated,
    each kind meets the same minutes."""
    for pages in kinds.values():
        wrk(base, pages, 8, 3, workdir)  # every worker warmed on every kind
    samples = {name: {c: [] for c in args.connections} for name in kinds}
    for _ in range(args.rounds):
        for c in args.connections:
            for name, pages in kinds.items():
                samples[name][c].append(wrk(base, pages, c, args.duration, workdir))
    return {
        name: {c: sorted(runs, key=lambda r: r["rps"])[len(runs) // 2] for c, runs in by_c.items()}
        for name, by_c in samples.items()
    }


def warm_then_wrk(base: str, paths: list[str], connections: int, duration: int, workdir):
    """Warm every worker (its CQL2 parser, built once per worker, its kept SQL and
    counts) before the timed run: 8 connections reach each of the workers."""
    wrk(base, paths, max(connections, 8), 3, workdir)
    return wrk(base, paths, connections, duration, workdir)


def measure(args, ours, theirs, tile_paths, our_pages, their_pages, workdir) -> dict:
    runs = {"tiles": {}, "items": {}, "pygeoapi_items": {}}
    for c in args.connections:
        # Warm the caches of both stacks before each timed run.
        wrk(ours, tile_paths, c, 2, workdir)
        runs["tiles"][c] = wrk(ours, tile_paths, c, args.duration, workdir)
        # Warmed as the variants are (its kept counts, anchors and SQL in every worker).
        runs["items"][c] = warm_then_wrk(ours, our_pages, c, args.duration, workdir)
        if not args.skip_pygeoapi:
            wrk(theirs, their_pages, c, 2, workdir)
            runs["pygeoapi_items"][c] = wrk(theirs, their_pages, c, args.duration, workdir)
    return runs


def variants_table(results: dict) -> str:
    """Items req/s plain, CQL2-filtered and reprojected (medians of interleaved rounds),
    each beside its bare SQL page."""
    bare, variants = results["bare_sql"], results["variant_runs"]
    names = list(variants)
    head = " | ".join(f"{n} req/s | SQL page/s | % | ÷ plain" for n in names)
    lines = [f"| conns | {head} |", "|---:" + "|---:|---:|---:|---:" * len(names) + "|"]
    for c in variants["plain"]:
        plain = variants["plain"][c]["rps"]
        cells = []
        for name in names:
            ours = variants[name][c]["rps"]
            sql = bare["items_page" if name == "plain" else f"items_page_{name}"][c]["rps"]
            # A run where wrk finished no request (timeouts under load) shows "—", not a crash.
            share = f"{100 * ours / sql:.0f}%" if sql else "—"
            ratio = f"{ours / plain:.2f}" if plain else "—"
            cells.append(f"{ours:.0f} | {sql:.0f} | {share} | {ratio}")
        lines.append(f"| {c} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def raw_table(results: dict) -> str:
    """Ours, the bare WSGI app and the bare SQL (count + page, and page alone), req/s."""
    runs, bare = results["runs"], results["bare_sql"]
    lines = [
        "| conns | ours req/s | raw WSGI req/s | ours ÷ raw | SQL items/s | raw % of SQL items "
        "| SQL page/s | raw % of SQL page |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c, raw in runs["raw_items"].items():
        ours, items, page = runs["items"][c]["rps"], bare["items"][c]["rps"], bare["items_page"][c]
        ratio = f"{ours / raw['rps']:.2f}" if raw["rps"] else "—"
        lines.append(
            f"| {c} | {ours:.0f} | {raw['rps']:.0f} | {ratio} | {items:.0f} | "
            f"{_share(raw['rps'], items)} | {page['rps']:.0f} | {_share(raw['rps'], page['rps'])} |"
        )
    return "\n".join(lines)


def raw_tiles_table(results: dict) -> str:
    """Tiles from the bare WSGI app beside the bare SQL: what HTTP in Python keeps."""
    runs, bare = results["runs"], results["bare_sql"]
    lines = [
        "| conns | raw WSGI tiles/s | SQL tiles/s | raw % of SQL tiles |",
        "|---:|---:|---:|---:|",
    ]
    for c, raw in runs["raw_tiles"].items():
        sql = bare["tiles"][c]["rps"]
        lines.append(f"| {c} | {raw['rps']:.0f} | {sql:.0f} | {_share(raw['rps'], sql)} |")
    return "\n".join(lines)


def _share(ours: float, sql: float) -> str:
    return f"{100 * ours / sql:.0f}%" if sql else "—"


def table(results: dict) -> str:
    runs, bare = results["runs"], results["bare_sql"]
    lines = [
        "| conns | tiles/s | SQL tiles/s | % of SQL | items req/s | p50 ms | p99 ms "
        "| SQL items/s | SQL page/s | pygeoapi req/s | pygeoapi p50 ms | ours ÷ pygeoapi "
        "| TiPg req/s | TiPg p50 ms | ours ÷ TiPg |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in runs["tiles"]:
        tile, sql_tile = runs["tiles"][c], bare["tiles"][c]
        item, sql_item = runs["items"][c], bare["items"][c]
        sql_page = bare.get("items_page", {}).get(c, {})
        other = runs["pygeoapi_items"].get(c, {})
        ratio = f"{item['rps'] / other['rps']:.1f}×" if other.get("rps") else "—"
        tipg = runs.get("tipg_items", {}).get(c, {})
        tipg_ratio = f"{item['rps'] / tipg['rps']:.1f}×" if tipg.get("rps") else "—"
        lines.append(
            f"| {c} | {tile['rps']:.0f} | {sql_tile['rps']:.0f} | "
            f"{_share(tile['rps'], sql_tile['rps'])} | {item['rps']:.0f} | {item['p50_ms']} | "
            f"{item['p99_ms']} | {sql_item['rps']:.0f} | {sql_page.get('rps', '—')} | "
            f"{other.get('rps', '—')} | "
            f"{other.get('p50_ms', '—')} | {ratio} | {tipg.get('rps', '—')} | "
            f"{tipg.get('p50_ms', '—')} | {tipg_ratio} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per timed run")
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers of each stack")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--pygeoapi-port", type=int, default=5001)
    parser.add_argument("--skip-pygeoapi", action="store_true")
    parser.add_argument(
        "--raw",
        action="store_true",
        help="also serve the items pages from bench/raw_items_app.py (no Django)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of the plain/CQL2/EPSG:6385 items comparison (kinds alternated; median)",
    )
    parser.add_argument("--raw-port", type=int, default=8767)
    parser.add_argument("--tipg-port", type=int, default=5002)
    parser.add_argument("--skip-tipg", action="store_true")
    parser.add_argument(
        "--tipg-python",
        default=sys.executable,
        help="interpreter of bench/.venv-tipg when it has to be created",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    if not args.skip_pygeoapi and not (PYGEOAPI_VENV / "bin" / "pygeoapi").exists():
        sys.exit(f"pygeoapi is missing: see bench/README-ogc.md ({PYGEOAPI_VENV})")
    if not args.skip_tipg:
        ensure_tipg(args.tipg_python)
    django_setup()
    results = run(args)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"ogc-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(json.dumps(results.get("same_features"), indent=1))
    print(table(results))
    print(
        "\nItems pages plain, CQL2-filtered and in EPSG:6385 (medians of "
        f"{results['rounds']} interleaved rounds), beside their bare SQL page:\n"
    )
    print(variants_table(results))
    if "raw_items" in results["runs"]:
        print("\nItems pages from a bare WSGI app on the same SQL (bench/raw_items_app.py):\n")
        print(raw_table(results))
    if "raw_tiles" in results["runs"]:
        print("\nTiles from the same bare WSGI app (no cache, no ETag, no gzip):\n")
        print(raw_tiles_table(results))
    print(f"\nraw results: {path}")


if __name__ == "__main__":
    main()
