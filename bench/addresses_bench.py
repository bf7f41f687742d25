"""Benchmark of the address register on 100,000 synthetic addresses (not a test).

    .venv/bin/python bench/addresses_bench.py [--rows 100000] [--seed 1] [--queries 300]

Works in a database of its own (DATABASE_URL's server, database `<name>_bench_addresses`,
created and migrated when missing, emptied of addresses on every run), so neither the dev
database nor other benchmarks are touched. Steps:

1. generate a seeded CSV of N addresses over 50 synthetic villages (codes "UA98…"),
2. `address_import` dry run and commit: rows/s,
3. search, geocode and reverse through the selectors (p50/p95, ms), each beside the same
   query as bare SQL through psycopg in the same run.

Targets (issue 3): import >= 5,000 rows/s; search p50 < 30 ms; reverse p50 < 10 ms.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
VILLAGES = 50
NAMES = [
    "Центральна", "Шевченка", "Садова", "Шкільна", "Польова", "Молодіжна", "Лісова",
    "Набережна", "Лесі Українки", "Івана Франка", "Незалежності", "Соборна", "Зелена",
    "Весняна", "Вишнева", "Козацька", "Героїв України", "Миру", "Степова", "Лугова",
    "Квіткова", "Джерельна", "Українська", "Григорія Сковороди", "Мʼясоїдівська",
]  # fmt: skip


def _bench_database_url() -> str:
    parts = urlsplit(os.environ.get("DATABASE_URL", "postgis:///hromada"))
    name = parts.path.lstrip("/") or "hromada"
    return urlunsplit(parts._replace(path=f"/{name}_bench_addresses"))


def _setup(url: str) -> None:
    """Create the benchmark database when missing, set Django up on it and migrate."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    server = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')
    with psycopg.connect(dbname=config["NAME"], autocommit=True, **server) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _villages(rng: random.Random):
    """Create (or reuse) 50 synthetic villages, 2 km squares on a grid; return them."""
    from django.contrib.gis.geos import MultiPolygon, Point, Polygon

    from layers.models import Settlement, Territory

    territory, _ = Territory.objects.get_or_create(
        katottg="UA98000000000000001",
        defaults={
            "name_uk": "Синтетична громада",
            "boundary": MultiPolygon(Polygon.from_bbox((31.0, 47.7, 33.9, 49.2)), srid=4326),
        },
    )
    villages = []
    for index in range(VILLAGES):
        lon, lat = 31.2 + (index % 10) * 0.25, 47.9 + (index // 10) * 0.25
        box = Polygon.from_bbox((lon - 0.015, lat - 0.01, lon + 0.015, lat + 0.01))
        village, _ = Settlement.objects.get_or_create(
            katottg=f"UA98{index:015d}",
            defaults={
                "name_uk": f"Синтетичне-{index + 1:02d}",
                "boundary": MultiPolygon(box, srid=4326),
                "centre": Point(lon, lat, srid=4326),
                "territory": territory,
            },
        )
        villages.append(village)
    return villages


def generate_csv(path: Path, rows: int, rng: random.Random, villages) -> list[tuple]:
    """Write `rows` addresses (streets of 80 houses) to CSV; return (village, street, no, x, y)."""
    per_village = rows // len(villages)
    records = []
    for village in villages:
        x0, y0, x1, y1 = village.boundary.extent
        streets = per_village // 80 + 1
        for s in range(streets):
            name = f"{NAMES[s % len(NAMES)]}" + ("" if s < len(NAMES) else f" {s // len(NAMES)}")
            y = y0 + (s + 0.5) * (y1 - y0) / streets
            for n in range(1, 81):
                if len(records) >= (villages.index(village) + 1) * per_village:
                    break
                x = x0 + 0.0005 + (n - 1) * (x1 - x0 - 0.001) / 80
                records.append((village.katottg, name, str(n), round(x, 7), round(y, 7)))
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["settlement", "street_kind", "street", "house_number", "lon", "lat"])
        for code, name, number, x, y in records:
            writer.writerow([code, "вулиця", name, number, x, y])
    return records


def _timed(fn, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - start) * 1000


def _stats(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"p50 {statistics.median(values):7.2f} ms   p95 {p95:7.2f} ms"


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 5:
        return text
    i = rng.randrange(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


SEARCH_SQL = """
    SELECT a.id, word_similarity(%(key)s, a.search_text) AS sim
    FROM addresses_address a
    WHERE a.status = 'active' AND a.search_text %%> %(key)s
    ORDER BY sim DESC, a.id LIMIT 20
"""
REVERSE_SQL = """
    SELECT a.id, ST_Distance(ST_Transform(a.location, 6385), p.g)
    FROM addresses_address a,
         (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4326), 6385) AS g) p
    WHERE a.status = 'active' AND ST_DWithin(ST_Transform(a.location, 6385), p.g, 150)
    ORDER BY ST_Transform(a.location, 6385) <-> p.g LIMIT 1
"""


def bench_queries(records, rng: random.Random, count: int) -> None:
    import psycopg
    from django.db import connection

    from addresses import compute, selectors

    sample = rng.sample(records, count)
    params = connection.get_connection_params()
    bare = psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
    bare.execute(
        "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
        [str(selectors.WORD_SIMILARITY_THRESHOLD)],
    )
    names = {v.katottg: v.name_uk for v in _villages(rng)}
    results = {"search": ([], []), "geocode": ([], []), "reverse": ([], [])}
    for code, street, number, x, y in sample:
        q = _typo(f"{names[code]} {street} {number}", rng)
        key = compute.parse_search_query(q).key
        results["search"][0].append(_timed(selectors.address_search_geojson, q=q))
        results["search"][1].append(_timed(_sql, bare, SEARCH_SQL, {"key": key}))
        results["geocode"][0].append(_timed(selectors.address_geocode_geojson, q=q))
        results["geocode"][1].append(_timed(_sql, bare, SEARCH_SQL, {"key": key}))
        lon, lat = x + rng.uniform(-0.0003, 0.0003), y + rng.uniform(-0.0003, 0.0003)
        results["reverse"][0].append(_timed(_reverse_or_none, selectors, lat, lon))
        results["reverse"][1].append(_timed(_sql, bare, REVERSE_SQL, [lon, lat]))
    for name, (ours, sql) in results.items():
        print(f"{name:8s} selector {_stats(ours)}   |   bare SQL {_stats(sql)}")
    bare.close()


def _sql(connection, sql: str, params) -> list:
    return connection.execute(sql, params).fetchall()


def _reverse_or_none(selectors, lat, lon):
    try:
        return selectors.address_reverse_geojson(lat=lat, lon=lon)
    except Exception:  # noqa: BLE001 — a miss (NotFound) is timed like a hit
        return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args(argv)
    _setup(_bench_database_url())
    from django.db import connection

    from addresses.imports import address_import

    rng = random.Random(args.seed)
    with connection.cursor() as cursor:  # the benchmark database only
        cursor.execute(
            "TRUNCATE addresses_historicaladdress, addresses_historicalstreet, "
            "addresses_facilityaddress, addresses_address, addresses_street CASCADE"
        )
    villages = _villages(rng)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"addresses_{args.rows}.csv"
    records = generate_csv(path, args.rows, rng, villages)
    print(f"{len(records)} addresses in {len(villages)} villages -> {path}")
    for commit in (False, True):
        start = time.perf_counter()
        report = address_import(path=path, commit=commit, reason="benchmark")
        seconds = time.perf_counter() - start
        label = "commit " if commit else "dry run"
        rate = report.rows / seconds
        print(f"import {label}: {rate:8.0f} rows/s ({seconds:.1f} s) {report.summary()}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE addresses_address")
    bench_queries(records, rng, args.queries)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
