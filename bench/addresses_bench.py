"""Benchmark of the address register on 100,000 synthetic addresses (not a test).

    .venv/bin/python bench/addresses_bench.py [--rows 100000] [--seed 1] [--queries 300]
    .venv/bin/python bench/addresses_bench.py --queries-only bench/out/addresses_1000000.csv

Works in a database of its own (DATABASE_URL's server, database `<name>_bench_addresses`,
created and migrated when missing, emptied of addresses on every run), so neither the dev
database nor other benchmarks are touched. Steps:

1. generate N addresses with the one seeded generator (bench/synth: size S's 8 hromadas and
   150 villages, `addresses` set to N), COPY the territories and villages in, and write the
   addresses (with their streets' kind and name) to a CSV,
2. `address_import` dry run and commit: rows/s,
3. search (a typo: two letters swapped), Latin search (the official transliteration,
   with a swap), geocode and reverse through the selectors (p50/p95, ms), each beside
   the same query as bare SQL through psycopg in the same run.

Targets (issue 3): import >= 5,000 rows/s; search p50 < 30 ms; reverse p50 < 10 ms.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import serving  # noqa: E402

OUT = ROOT / "bench" / "out"


def generate_csv(path: Path, rows: int, seed: int) -> tuple[list[tuple], dict]:
    """Generate `rows` addresses (bench.synth, size S), COPY size S's territories and
    villages into the database, write the addresses to CSV; return the records
    (village code, street, number, lon, lat) and {village code: name}."""
    import dataclasses

    import shapely

    from bench import generate as cli
    from bench.synth import SIZES, generate

    tables = generate(dataclasses.replace(SIZES["S"], addresses=rows), seed)
    cli.write_db({name: tables[name] for name in ("territories", "settlements")}, replace=True)
    streets = tables["streets"].set_index("registry_id")
    addresses = tables["addresses"]
    street = streets.loc[addresses["street_registry_id"]]
    xy = shapely.get_coordinates(addresses["location"].to_numpy())
    columns = {
        "settlement": addresses["settlement_katottg"].to_numpy(),
        "street_kind": street["kind"].to_numpy(),
        "street": street["name"].to_numpy(),
        "house_number": addresses["house_number"].to_numpy(),
        "households": addresses["households"].to_numpy(),
        "registry_id": addresses["registry_id"].to_numpy(),
        "lon": xy[:, 0],
        "lat": xy[:, 1],
    }
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(list(columns))
        writer.writerows(zip(*columns.values(), strict=True))
    keys = ("settlement", "street", "house_number", "lon", "lat")
    records = list(zip(*(columns[key] for key in keys), strict=True))
    settlements = tables["settlements"]
    names = dict(zip(settlements["katottg"], settlements["name_uk"], strict=True))
    return records, names


def read_csv(path: Path) -> tuple[list[tuple], dict]:
    """Read back a CSV written by generate_csv and the database's village names; return
    what generate_csv returns (for --queries-only, against the addresses already in)."""
    from layers.models import Settlement

    with path.open(encoding="utf-8", newline="") as source:
        rows = csv.DictReader(source)
        records = [
            (r["settlement"], r["street"], r["house_number"], float(r["lon"]), float(r["lat"]))
            for r in rows
        ]
    return records, dict(Settlement.objects.values_list("katottg", "name_uk"))


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


def bench_queries(records, rng: random.Random, count: int, names: dict) -> None:
    """Time search, geocode and reverse through the selectors and, in the same run, the
    very statements they execute (selectors.address_search_sql / address_reverse_sql) as
    bare SQL through psycopg."""
    import psycopg
    from django.db import connection

    from addresses import selectors

    sample = rng.sample(records, count)
    params = connection.get_connection_params()
    bare = psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
    bare.autocommit = True
    settings = selectors.SEARCH_SETTINGS_SQL.replace(", true)", ", false)")
    bare.execute(settings, [str(selectors.WORD_SIMILARITY_THRESHOLD)])
    from core.translit import to_latin

    results = {"search": ([], []), "latin": ([], []), "geocode": ([], []), "reverse": ([], [])}
    for code, street, number, x, y in sample:
        text = f"{names[code]} {street} {number}"
        q, latin = _typo(text, rng), _typo(to_latin(text), rng)
        for name, located, limit, words in (
            ("search", False, 20, q),
            ("latin", False, 20, latin),
            ("geocode", True, 5, q),
        ):
            fn = selectors.address_geocode_geojson if located else selectors.address_search_geojson
            results[name][0].append(_timed(fn, q=words, limit=limit))
            query = selectors.search_query_parse(words, None)
            sql = selectors.address_search_sql(query, limit=limit, located=located)
            results[name][1].append(_timed(_sql, bare, *sql))
        lon, lat = x + rng.uniform(-0.0003, 0.0003), y + rng.uniform(-0.0003, 0.0003)
        results["reverse"][0].append(_timed(_reverse_or_none, selectors, lat, lon))
        sql = selectors.address_reverse_sql(lat=lat, lon=lon, max_m=selectors.REVERSE_MAX_M)
        results["reverse"][1].append(_timed(_sql, bare, *sql))
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
    parser.add_argument(
        "--queries-only",
        metavar="CSV",
        type=Path,
        help="skip generation and import: time the queries against the addresses already "
        "in the benchmark database, sampled from the CSV the last full run wrote",
    )
    args = parser.parse_args(argv)
    serving.migrated_database(serving.bench_database_url("bench_addresses"))
    from django.db import connection

    from addresses.services import address_import

    rng = random.Random(args.seed)
    if args.queries_only:
        records, names = read_csv(args.queries_only)
        print(f"{len(records)} addresses in {len(names)} villages <- {args.queries_only}")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE addresses_address")
            cursor.execute("ANALYZE addresses_streetkey")
        bench_queries(records, rng, args.queries, names)
        return 0
    with connection.cursor() as cursor:  # the benchmark database only
        cursor.execute(
            "TRUNCATE addresses_historicaladdress, addresses_historicalstreet, "
            "addresses_facilityaddress, addresses_address, addresses_street CASCADE"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"addresses_{args.rows}.csv"
    records, names = generate_csv(path, args.rows, args.seed)
    print(f"{len(records)} addresses in {len(names)} villages -> {path}")
    for commit in (False, True):
        start = time.perf_counter()
        report = address_import(path=path, commit=commit, reason="benchmark")
        seconds = time.perf_counter() - start
        label = "commit " if commit else "dry run"
        rate = report.rows / seconds
        print(f"import {label}: {rate:8.0f} rows/s ({seconds:.1f} s) {report.summary()}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE addresses_address")
        cursor.execute("ANALYZE addresses_streetkey")
    bench_queries(records, rng, args.queries, names)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
