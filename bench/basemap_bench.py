"""Benchmark of the basemap proxy (not a test): cached tiles beside a static file.

Issue 15's target: a cached basemap tile is served at least at 80% of the rate of a
static file of the same bytes through WhiteNoise, both measured with wrk in the same run.

What it does, on the cluster of DATABASE_URL (a database of its own, `<name>_basemap`):
1. one territory over Dmytrivska, so the proxy fetches the tiles around it;
2. a local fake upstream (an http.server thread on 127.0.0.1) answers every tile with the
   same PNG of noise (about the size of an OpenStreetMap tile), cacheable for a day;
3. our service under gunicorn (as `./hromada up` runs it) with the proxy pointed at the
   fake upstream, its tile cache and STATIC_ROOT in a temporary folder; the static root
   holds one file, the same PNG, which WhiteNoise serves;
4. every tile is asked for once (fetched and stored), then wrk drives the cached tiles and
   the static file in turn at each connection count, and the ratio is printed.

    DATABASE_URL=… .venv/bin/python -u bench/basemap_bench.py [--duration 8] [--connections 1 8 32]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import serving  # noqa: E402
from bench.fake_tiles import FakeTileServer, noise_png  # noqa: E402
from bench.ogc_bench import wrk  # noqa: E402

CENTRE = (32.72, 48.80)  # Dmytrivka, lon/lat degrees
ZOOMS = (12, 13, 14, 15)
TILES_PER_SIDE = 5  # around the centre at each zoom: 100 tiles in all
TARGET_RATIO = 0.8


def tile_paths() -> list[str]:
    """The /basemap/ paths of TILES_PER_SIDE² tiles around CENTRE at each of ZOOMS."""
    from layers.basemap import compute

    paths = []
    for z in ZOOMS:
        n = 2**z
        for x0, y0 in [_tile_of(*CENTRE, n)]:
            for dx in range(TILES_PER_SIDE):
                for dy in range(TILES_PER_SIDE):
                    x, y = x0 + dx - TILES_PER_SIDE // 2, y0 + dy - TILES_PER_SIDE // 2
                    compute.parse_tile(str(z), str(x), str(y))
                    paths.append(f"/basemap/{z}/{x}/{y}.png")
    return paths


def _tile_of(lon: float, lat: float, n: int) -> tuple[int, int]:
    import math

    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


def territory_ensure() -> None:
    """Create the one territory the proxy needs (a 0.4° square over Dmytrivska)."""
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from layers.models import Territory

    lon, lat = CENTRE
    box = Polygon.from_bbox((lon - 0.2, lat - 0.2, lon + 0.2, lat + 0.2))
    Territory.objects.update_or_create(
        katottg="UA35040090000082553",
        defaults={"name_uk": "Дмитрівська громада", "boundary": MultiPolygon(box, srid=4326)},
    )


def warm(base: str, paths: list[str]) -> int:
    """Ask for every tile once (fetched upstream and stored); return how many were real."""
    real = 0
    for path in paths:
        with urllib.request.urlopen(base + path, timeout=10) as response:  # noqa: S310
            real += response.headers.get("X-Basemap-Placeholder") is None
    return real


def run(args, workdir: Path) -> list[dict]:
    body = noise_png()
    static_root = workdir / "static"
    static_root.mkdir()
    (static_root / "bench-tile.png").write_bytes(body)
    upstream = FakeTileServer(body, cache_control="max-age=86400").start()
    env = {
        "BASEMAP_URL": "",
        "BASEMAP_UPSTREAM": upstream.template,
        "BASEMAP_CACHE_DIR": str(workdir / "tiles"),
        "STATIC_ROOT": str(static_root),
        "DATABASE_URL": os.environ["DATABASE_URL"],
    }
    port = serving.free_port()
    server = serving.start_gunicorn(port, args.workers, env)
    base = f"http://127.0.0.1:{port}"
    try:
        serving.wait_for(base + "/healthz")
        paths = tile_paths()
        stored = warm(base, paths)
        print(f"{stored} of {len(paths)} tiles fetched and stored; {len(body):,} bytes each")
        rows = []
        for connections in args.connections:
            wrk(base, paths, connections, 2, workdir)  # warm-up
            tiles = wrk(base, paths, connections, args.duration, workdir)
            static = wrk(base, ["/static/bench-tile.png"], connections, args.duration, workdir)
            rows.append({"connections": connections, "tiles": tiles, "static": static})
        return rows
    finally:
        serving.stop(server)
        upstream.stop()


def table(rows: list[dict]) -> str:
    lines = [
        "| connections | cached tiles/s | static file/s | ratio | tiles p50 ms | static p50 ms |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        tiles, static = row["tiles"], row["static"]
        ratio = tiles["rps"] / static["rps"]
        mark = "✓" if ratio >= TARGET_RATIO else "✗"
        lines.append(
            f"| {row['connections']} | {tiles['rps']:,.0f} | {static['rps']:,.0f} | "
            f"{ratio:.2f} {mark} | {tiles['p50_ms']} | {static['p50_ms']} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    serving.migrated_database(serving.bench_database_url("basemap"))
    territory_ensure()
    with tempfile.TemporaryDirectory(prefix="basemap-bench-") as tmp:
        rows = run(args, Path(tmp))
    errors = [r for r in rows if r["tiles"]["non_2xx"] or r["static"]["non_2xx"]]
    print(table(rows))
    print(f"target: cached tiles at least {TARGET_RATIO:.0%} of the static file's rate")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
