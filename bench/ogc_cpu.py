"""Per-request CPU of the public read path, in-process: OGC items pages and vector tiles
through Django's WSGI handler with every middleware of the product.

    DATABASE_URL=postgis://hromada@%2Fwork%2Fmain%2Fvar%2Fpgsocket/hromada_bench_ogc \\
        .venv/bin/python bench/ogc_cpu.py [--requests 500] [--profile items|tiles|...]

Wall-clock rates on the shared 2-core machine swing with the other engineers' load; the
CPU time this process spends per request (`time.process_time`, which excludes
PostgreSQL's own work in its backend process) does not, so before/after comparisons of
the Python overhead are made with it. Beside each figure: the wall time of the same
requests and of their bare SQL run through one psycopg connection (the ceiling), in the
same run. `--profile KIND` prints cProfile's top functions (cumulative) for that kind. `--replay`
sends the requests through `layers.ogc.replay` as gis/wsgi.py does (the warming pass
answers each items request's first page through Django; the timed ones are later pages).

Kinds: items (100-feature pages at seeded offsets), items_cql2 and items_epsg6385 (the
`bench/ogc_bench.py` variants), tiles (from the in-process tile cache, as the bench's
warmed runs are) and tiles_uncached (TILE_CACHE_MB=0: every tile rendered by PostGIS).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SORT = os.environ.get("PROFILE_SORT", "cumulative")
KINDS = ("items", "items_cql2", "items_epsg6385", "tiles", "tiles_uncached")


def wsgi_environ(
    path: str, query: str = "", *, method: str = "GET", host: str = "127.0.0.1",
    port: str = "8000", **headers,
) -> dict:  # fmt: skip
    """A WSGI environ as gunicorn builds it for a request without a body; `headers` as
    HTTP_* names (HTTP_HOST is host:port unless given). Also the replay tests' requests."""
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": host,
        "SERVER_PORT": port,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": host if port == "80" else f"{host}:{port}",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **headers,
    }


def _requests(kind: str) -> list[tuple[str, str]]:
    from bench import ogc_bench

    if kind.startswith("tiles"):
        return [(f"/tiles/facilities/{z}/{x}/{y}.pbf", "") for z, x, y in ogc_bench.tile_list()]
    from layers.models import Facility

    variant = ogc_bench.VARIANTS[kind.removeprefix("items").lstrip("_") or "plain"]
    offsets = ogc_bench.page_offsets(Facility.objects.count())
    return [
        (
            "/ogc/collections/facilities/items",
            urlencode({"limit": ogc_bench.PAGE_SIZE, "offset": o, **variant}),
        )
        for o in offsets
    ]


def _bare_sql(kind: str) -> list[list[tuple[str, list]]]:
    from bench import ogc_bench

    if kind.startswith("tiles"):
        return ogc_bench.tile_statements(ogc_bench.tile_list())
    from layers.models import Facility

    variant = kind.removeprefix("items").lstrip("_") or "plain"
    offsets = ogc_bench.page_offsets(Facility.objects.count())
    # The view keeps numberMatched per data version: a warmed worker runs the page only.
    return ogc_bench.items_statements(offsets, with_count=False, variant=variant)


def _call(app, path: str, query: str) -> int:
    status = []
    body = app(
        wsgi_environ(path, query, HTTP_ACCEPT="*/*", HTTP_ACCEPT_ENCODING="gzip"),
        lambda s, h, exc_info=None: status.append(s),
    )
    try:
        size = sum(len(chunk) for chunk in body)
    finally:
        if hasattr(body, "close"):
            body.close()
    if not status[0].startswith(("200", "204")):
        raise RuntimeError(f"{path}?{query}: {status[0]}")
    return size


def measure(app, kind: str, count: int, profile: bool) -> dict:
    """Run `count` requests of `kind` (after one warming pass over 50 of them)."""
    from layers.tiles import cache as tilecache

    tilecache.settings.TILE_CACHE_MB = 0 if kind == "tiles_uncached" else 48
    requests = _requests(kind)
    for path, query in requests[:50] if kind != "tiles" else requests:
        _call(app, path, query)
    profiler = cProfile.Profile(time.process_time) if profile else None
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    for i in range(count):
        _call(app, *requests[i % len(requests)])
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(SORT).print_stats(60)
        print(out.getvalue())
    return {"cpu_ms": 1000 * cpu / count, "wall_ms": 1000 * wall / count}


def bare(kind: str, count: int) -> dict:
    """The same statements through one psycopg connection: wall and CPU per request."""
    import psycopg

    from bench import ogc_bench

    statements = _bare_sql(kind)
    with psycopg.connect(**ogc_bench.db_params(), autocommit=True) as conn:
        cursor = conn.cursor()
        for batch in statements[:50]:
            for sql, args in batch:
                cursor.execute(sql, args).fetchall()
        wall, cpu = time.perf_counter(), time.process_time()
        for i in range(count):
            for sql, args in statements[i % len(statements)]:
                cursor.execute(sql, args).fetchall()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"cpu_ms": 1000 * cpu / count, "wall_ms": 1000 * wall / count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    parser.add_argument("--profile", choices=KINDS, help="print cProfile's top for this kind")
    parser.add_argument(
        "--replay",
        action="store_true",
        help="through layers.ogc.replay as gis/wsgi.py serves (later items pages outside Django)",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ.setdefault("DEBUG", "0")
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    if args.replay:
        from layers.ogc.replay import KeptPagesApplication

        app = KeptPagesApplication(app)
    from layers.ogc.cql2_parsing import text_parser

    text_parser()  # built before the fork in production (gis/wsgi.py)
    print(f"load {os.getloadavg()[0]:.2f}; {args.requests} requests per kind")
    print("| kind | ours CPU ms/req | ours wall ms/req | bare SQL wall ms/req | SQL CPU ms/req |")
    print("|---|---:|---:|---:|---:|")
    for kind in args.kinds:
        ours = measure(app, kind, args.requests, args.profile == kind)
        sql = bare(kind, args.requests)
        print(
            f"| {kind} | {ours['cpu_ms']:.2f} | {ours['wall_ms']:.2f} | "
            f"{sql['wall_ms']:.2f} | {sql['cpu_ms']:.2f} |",
            flush=True,
        )
    print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
