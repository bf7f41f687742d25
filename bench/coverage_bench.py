"""Full coverage recomputation at a benchmark size, beside (a) a naive geopandas overlay of
the same inputs and (b) the bare SQL of the best single query, in the same run.

    export DATABASE_URL=postgis://hromada@%2Fwork%2Fmain%2Fvar%2Fpgsocket/hromada_covbench
    .venv/bin/python bench/generate.py --size M --db --replace
    .venv/bin/python bench/coverage_bench.py --runs 3

The service (coverage.services.coverage_compute over every synthetic territory) computes
every share of the snapshot: area, households, addresses, facilities by technology group
and tier, for the territory and each village, the gaps, the unserved addresses and the H3
hexagons. The naive path computes only the area and address shares, the textbook way:
read everything into geopandas, dissolve the coverage per (group, level), overlay it with
the villages and territories, spatial-join the addresses. The bare SQL is one statement
giving the territory's covered area per (group, level) (grid-cell unions, as the service).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GROUPS = {
    "fixed": ("fibre", "dsl", "cable", "fixed_wireless"),
    "fibre": ("fibre",),
    "mobile": ("4g", "5g"),
    "wifi": ("wifi",),
    "any": ("fibre", "dsl", "cable", "fixed_wireless", "3g", "4g", "5g", "wifi"),
}


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")
    django.setup()


def _territory_ids() -> list[int]:
    from layers.models import Territory

    return list(Territory.objects.filter(katottg__startswith="UA99").values_list("id", flat=True))


def run_service(tids: list[int]) -> tuple[float, list[tuple[str, float]], dict]:
    """Return (seconds, [(step, seconds since start)], input counts) of one recomputation."""
    from coverage.services import coverage_compute

    steps: list[tuple[str, float]] = []
    started = time.perf_counter()

    def step(message: str) -> None:
        steps.append((message, time.perf_counter() - started))
        print(f"    {steps[-1][1]:7.2f} s  {message}", flush=True)

    snapshot = coverage_compute(territory_ids=tids, progress=step)
    return time.perf_counter() - started, steps, snapshot.input_counts


BARE_SQL = """
WITH t AS (SELECT ST_Transform(boundary, %(srid)s) AS geom FROM layers_territory
           WHERE id = ANY(%(tids)s)),
cell AS (SELECT row_number() OVER () AS cell_id, ST_Intersection(c.geom, t.geom) AS geom
         FROM t CROSS JOIN LATERAL ST_SquareGrid(%(grid)s, t.geom) AS c
         WHERE ST_Intersects(c.geom, t.geom)),
src AS (SELECT technology, ST_Transform(area, %(srid)s) AS geom,
               CASE WHEN down_mbps >= 100 AND up_mbps >= 20 THEN 2
                    WHEN down_mbps >= 25 AND up_mbps >= 3 THEN 1 ELSE 0 END AS level
        FROM coverage_coveragearea),
grp(grp, technology) AS (VALUES {groups})
SELECT x.grp, x.l, SUM(ST_Area(x.u)) FROM (
    SELECT g.grp, lv.l, ST_Union(ST_CollectionExtract(ST_Intersection(s.geom, cell.geom), 3)) AS u
    FROM cell JOIN src s ON ST_Intersects(s.geom, cell.geom)
    JOIN grp g ON g.technology = s.technology
    JOIN (VALUES (0), (1), (2)) AS lv(l) ON s.level >= lv.l
    GROUP BY cell.cell_id, g.grp, lv.l) AS x
GROUP BY x.grp, x.l
"""


def run_bare_sql(tids: list[int]) -> tuple[float, int]:
    """Time the one statement through psycopg, without Django's ORM; return (s, rows)."""
    from django.conf import settings
    from django.db import connection

    groups = ", ".join(f"('{g}', '{t}')" for g, techs in GROUPS.items() for t in techs)
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            BARE_SQL.format(groups=groups),
            {"tids": tids, "srid": settings.METRIC_SRID, "grid": settings.COVERAGE_GRID_M},
        )
        rows = cursor.fetchall()
        return time.perf_counter() - started, len(rows)


def _level(df):
    import numpy as np

    return np.where(
        (df.down_mbps >= 100) & (df.up_mbps >= 20),
        2,
        np.where((df.down_mbps >= 25) & (df.up_mbps >= 3), 1, 0),
    )


def run_naive(tids: list[int]) -> dict[str, float]:
    """The textbook geopandas path; return seconds per stage and the total."""
    import geopandas as gpd
    import pandas as pd
    import shapely
    from django.conf import settings
    from django.db import connection

    t: dict[str, float] = {}
    start = time.perf_counter()
    engine_sql = {
        "ter": "SELECT id, boundary AS geom FROM layers_territory WHERE id = ANY(%(tids)s)",
        "vil": "SELECT id, boundary AS geom FROM layers_settlement "
        "WHERE territory_id = ANY(%(tids)s) AND boundary IS NOT NULL",
        "cov": "SELECT technology, down_mbps, up_mbps, area AS geom FROM coverage_coveragearea",
        "adr": "SELECT a.id, a.settlement_id, a.households, a.location AS geom "
        "FROM addresses_address a JOIN layers_settlement s ON s.id = a.settlement_id "
        "WHERE s.territory_id = ANY(%(tids)s) AND a.status = 'active' "
        "AND a.location IS NOT NULL",
    }
    connection.ensure_connection()
    frames = {}
    for name, query in engine_sql.items():
        with connection.connection.cursor() as cursor:
            cursor.execute(query.replace("geom", "ST_AsBinary(geom) AS geom", 1), {"tids": tids})
            cols = [c.name for c in cursor.description]
            df = pd.DataFrame(cursor.fetchall(), columns=cols)
        df["geom"] = shapely.from_wkb(df["geom"].map(bytes).to_numpy())
        frames[name] = gpd.GeoDataFrame(df, geometry="geom", crs=4326)
    t["read"] = time.perf_counter() - start
    srid = settings.METRIC_SRID
    ter, vil, cov = (frames[k].to_crs(srid) for k in ("ter", "vil", "cov"))
    cov["level"] = _level(cov)
    adr = frames["adr"]
    t["reproject"] = time.perf_counter() - start - sum(t.values())
    results = {}
    for group, techs in GROUPS.items():
        for lv in (0, 1, 2):
            sel = cov[cov.technology.isin(techs) & (cov.level >= lv)]
            dissolved = gpd.GeoDataFrame(geometry=[shapely.union_all(sel.geometry)], crs=srid)
            over_t = gpd.overlay(ter, dissolved, how="intersection")
            over_v = gpd.overlay(vil, dissolved, how="intersection")
            results[(group, lv)] = (over_t.area.sum(), over_v.area.groupby(over_v["id"]).sum())
    t["dissolve+overlay"] = time.perf_counter() - start - sum(t.values())
    cov_ll = frames["cov"].assign(level=_level(frames["cov"]))
    joined = gpd.sjoin(adr, cov_ll, how="inner", predicate="intersects")
    for group, techs in GROUPS.items():
        best = joined[joined.technology.isin(techs)].groupby("id")["level"].max()
        for lv in (0, 1, 2):
            results[(group, lv, "addresses")] = int((best >= lv).sum())
    t["sjoin addresses"] = time.perf_counter() - start - sum(t.values())
    t["total"] = time.perf_counter() - start
    return t


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3, help="service runs (median shown)")
    p.add_argument("--skip-naive", action="store_true")
    p.add_argument("--only-naive", action="store_true", help="time the naive path alone")
    args = p.parse_args(argv)
    _setup()
    tids = _territory_ids()
    if not tids:
        print("error: no synthetic territories; run bench/generate.py --db first", file=sys.stderr)
        return 2
    print(f"load average: {os.getloadavg()}")
    if args.only_naive:
        naive = run_naive(tids)
        print("naive geopandas: " + ", ".join(f"{k} {v:.1f} s" for k, v in naive.items()))
        return 0
    times = []
    for i in range(args.runs):
        seconds, steps, counts = run_service(tids)
        times.append(seconds)
        print(f"service run {i + 1}: {seconds:.2f} s; inputs {counts}", flush=True)
    service = statistics.median(times)
    bare, n = run_bare_sql(tids)
    print(f"bare SQL (territory area per group and level, one statement): {bare:.2f} s, {n} rows")
    print(f"full recomputation (median of {args.runs}): {service:.2f} s")
    if not args.skip_naive:
        naive = run_naive(tids)
        print("naive geopandas: " + ", ".join(f"{k} {v:.1f} s" for k, v in naive.items()))
        print(f"speed-up of the service over the naive path: {naive['total'] / service:.1f}×")
    print(f"load average: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
