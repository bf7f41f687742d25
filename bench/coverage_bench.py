"""Full coverage recomputation at a benchmark size, beside (a) a naive geopandas overlay of
the same inputs and (b) the bare SQL of the best single query, in the same run.

    export DATABASE_URL=postgis://hromada@%2Fwork%2Fmain%2Fvar%2Fpgsocket/hromada_covbench
    .venv/bin/python bench/generate.py --size M --db --replace     # once
    .venv/bin/python -u bench/coverage_bench.py                      # ≤ 10 min at M

The service (coverage.services.coverage_compute over every synthetic territory) computes
every share of the snapshot: area, households, addresses, facilities by technology group
and tier, for the territory and each village, the gaps, the unserved addresses and the H3
hexagons. Each run is rolled back afterwards, so the database stays as generated. The
naive path computes only the area and address shares, the textbook way: read everything
into geopandas, dissolve the coverage per (group, level), overlay it with the villages and
territories, spatial-join the addresses; it runs in a child process stopped after
--naive-timeout seconds. The bare SQL is one statement giving only the territory's covered
area per (group, level) (ST_Union per group and level, clipped to the territories),
cancelled after --sql-timeout seconds. A stopped path is reported as "> N s" and its ratio
as a lower bound.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
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
WITH t AS (SELECT ST_Union(ST_Transform(boundary, %(srid)s)) AS geom FROM layers_territory
           WHERE id = ANY(%(tids)s)),
src AS (SELECT technology, ST_Transform(area, %(srid)s) AS geom,
               CASE WHEN down_mbps >= 100 AND up_mbps >= 20 THEN 2
                    WHEN down_mbps >= 25 AND up_mbps >= 3 THEN 1 ELSE 0 END AS level
        FROM coverage_coveragearea
        WHERE (valid_from IS NULL OR valid_from <= CURRENT_DATE)
          AND (valid_to IS NULL OR valid_to >= CURRENT_DATE)),
grp(grp, technology) AS (VALUES {groups})
SELECT g.grp, lv.l, ST_Area(ST_Intersection(ST_Union(s.geom), t.geom))
FROM src s JOIN grp g ON g.technology = s.technology
JOIN (VALUES (0), (1), (2)) AS lv(l) ON s.level >= lv.l
CROSS JOIN t
GROUP BY g.grp, lv.l, t.geom
"""


def run_bare_sql(tids: list[int], timeout_s: float) -> tuple[float | None, int]:
    """Time the one statement through psycopg, without Django's ORM; return (s, rows), or
    (None, 0) when it was cancelled after `timeout_s`."""
    import psycopg
    from django.conf import settings
    from django.db import connection

    groups = ", ".join(f"('{g}', '{t}')" for g, techs in GROUPS.items() for t in techs)
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {int(timeout_s * 1000)}")
        started = time.perf_counter()
        try:
            cursor.execute(
                BARE_SQL.format(groups=groups), {"tids": tids, "srid": settings.METRIC_SRID}
            )
            rows = cursor.fetchall()
        except psycopg.errors.QueryCanceled:
            return None, 0
        finally:
            cursor.execute("RESET statement_timeout")
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
        "ter": "SELECT id, ST_AsBinary(boundary) AS geom FROM layers_territory "
        "WHERE id = ANY(%(tids)s)",
        "vil": "SELECT id, ST_AsBinary(boundary) AS geom FROM layers_settlement "
        "WHERE territory_id = ANY(%(tids)s) AND boundary IS NOT NULL",
        "cov": "SELECT technology, down_mbps, up_mbps, ST_AsBinary(area) AS geom "
        "FROM coverage_coveragearea",
        "adr": "SELECT a.id, a.settlement_id, a.households, ST_AsBinary(a.location) AS geom "
        "FROM addresses_address a JOIN layers_settlement s ON s.id = a.settlement_id "
        "WHERE s.territory_id = ANY(%(tids)s) AND a.status = 'active' "
        "AND a.location IS NOT NULL",
    }
    connection.ensure_connection()
    frames = {}
    for name, query in engine_sql.items():
        with connection.connection.cursor() as cursor:
            cursor.execute(query, {"tids": tids})
            cols = [c.name for c in cursor.description]
            df = pd.DataFrame(cursor.fetchall(), columns=cols)
        df["geom"] = shapely.from_wkb(df["geom"].map(bytes).to_numpy())
        frames[name] = gpd.GeoDataFrame(df, geometry="geom", crs=4326)
        print(f"naive: read {name} {time.perf_counter() - start:.1f} s", flush=True)
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
    print(f"naive: dissolve+overlay done {time.perf_counter() - start:.1f} s", flush=True)
    cov_ll = frames["cov"].assign(level=_level(frames["cov"]))
    joined = gpd.sjoin(adr, cov_ll, how="inner", predicate="intersects")
    for group, techs in GROUPS.items():
        best = joined[joined.technology.isin(techs)].groupby("id")["level"].max()
        for lv in (0, 1, 2):
            results[(group, lv, "addresses")] = int((best >= lv).sum())
    t["sjoin addresses"] = time.perf_counter() - start - sum(t.values())
    t["total"] = time.perf_counter() - start
    return t


def run_naive_child(timeout_s: float) -> tuple[float | None, str]:
    """Run the naive path in a child process; return (total s or None if stopped, its
    report line)."""
    cmd = [sys.executable, "-u", __file__, "--only-naive"]
    started = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired as stopped:
        last = (stopped.stdout or b"").decode().strip().splitlines()[-1:] or ["nothing"]
        return None, f"stopped after {time.perf_counter() - started:.0f} s; last: {last[0]}"
    if done.returncode:
        raise RuntimeError(f"the naive path failed:\n{done.stderr}")
    line = [x for x in done.stdout.splitlines() if x.startswith("naive geopandas:")][-1]
    total = float(line.rsplit("total ", 1)[1].split()[0])
    return total, line


def _ratio(other: float | None, limit: float, service: float) -> str:
    if other is None:
        return f"> {limit:.0f} s (stopped), ≥ {limit / service:.0f}× slower than the service"
    return f"{other:.2f} s, {other / service:.1f}× the service's time"


def calibrate() -> float:
    """Time one plain shapely.union_all of every coverage area in EPSG:6385: a yardstick of
    how loaded the machine is (about 1.0 s on a quiet 2-vCPU machine at size M)."""
    import shapely
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_AsBinary(ST_Transform(area, 6385)) FROM coverage_coveragearea")
        geoms = shapely.from_wkb([bytes(w) for (w,) in cursor.fetchall()])
    started = time.perf_counter()
    shapely.union_all(geoms)
    return time.perf_counter() - started


def _measure_service(tids: list[int], runs: int) -> float:
    from django.db import transaction

    times = []
    for i in range(runs):
        with transaction.atomic():
            seconds, steps, counts = run_service(tids)
            transaction.set_rollback(True)
        times.append(seconds)
        print(f"service run {i + 1}: {seconds:.2f} s; inputs {counts}", flush=True)
    return statistics.median(times)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3, help="service runs (median shown)")
    p.add_argument("--skip-naive", action="store_true")
    p.add_argument("--skip-sql", action="store_true")
    p.add_argument("--only-naive", action="store_true", help="time the naive path alone")
    p.add_argument("--naive-timeout", type=float, default=420, help="stop the naive path (s)")
    p.add_argument("--sql-timeout", type=float, default=120, help="cancel the bare SQL (s)")
    args = p.parse_args(argv)
    _setup()
    tids = _territory_ids()
    if not tids:
        print("error: no synthetic territories; run bench/generate.py --db first", file=sys.stderr)
        return 2
    if args.only_naive:
        naive = run_naive(tids)
        print("naive geopandas: " + ", ".join(f"{k} {v:.1f} s" for k, v in naive.items()))
        return 0
    print(f"load average before: {os.getloadavg()}", flush=True)
    print(f"yardstick: union_all of all areas {calibrate():.2f} s (≈1.0 s quiet)", flush=True)
    service = _measure_service(tids, args.runs)
    lines = [f"full recomputation (median of {args.runs}): {service:.2f} s (target < 10 s)"]
    print(lines[-1], flush=True)
    if not args.skip_sql:
        bare, n = run_bare_sql(tids, args.sql_timeout)
        lines.append(
            f"(b) bare SQL, territory area per group and level only, one statement ({n} rows): "
            + _ratio(bare, args.sql_timeout, service)
        )
        print(lines[-1], flush=True)
    if not args.skip_naive:
        naive, report = run_naive_child(args.naive_timeout)
        print(f"    {report}")
        lines.append(
            "(a) naive geopandas (area and address shares only): "
            + _ratio(naive, args.naive_timeout, service)
            + " (target ≥ 10×)"
        )
    print("summary:\n  " + "\n  ".join(lines))
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
