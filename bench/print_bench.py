"""Benchmark of the printed maps (not a test): the council pack of the demo community and
a single-village A3 map with 10,000 addresses.

    .venv/bin/python bench/print_bench.py [--runs 3] [--addresses 10000]

Works in a database of its own (DATABASE_URL's server, database `<name>_bench_print`,
created, migrated and given the demo data when missing; the benchmark addresses are
replaced on every run), so neither the dev database nor other benchmarks are touched.
Each measurement runs in a forked child process: its wall seconds (median of --runs) and
its peak resident memory (ru_maxrss of the child, including Django and the libraries).

Targets (issue 7): council pack < 20 s; single-village A3 map with 10,000 addresses < 5 s.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import serving  # noqa: E402

OUT = ROOT / "bench" / "out"
VILLAGE = "UA35040090010099441"  # Дмитрівка, the largest village
STREET = "Бенчмаркова"
PER_STREET = 500


def _setup(url: str) -> None:
    """Create the benchmark database when missing, set Django up, migrate, load the demo."""
    serving.migrated_database(url)
    from django.core.management import call_command

    from layers.models import Settlement

    if not Settlement.objects.filter(katottg=VILLAGE).exists():
        call_command("load_demo", verbosity=0)


def addresses_replace(count: int) -> int:
    """Put `count` synthetic addresses on a grid inside the village; return the active
    addresses of the village afterwards."""
    from django.contrib.gis.geos import Point

    from addresses.models import Address, Street
    from layers.models import Settlement

    village = Settlement.objects.get(katottg=VILLAGE)
    Address.objects.filter(street__name__startswith=STREET).delete()
    Street.objects.filter(name__startswith=STREET).delete()
    x0, y0, x1, y1 = village.boundary.extent
    streets = -(-count // PER_STREET)
    rows = []
    for s in range(streets):
        street = Street.objects.create(settlement=village, name=f"{STREET} {s + 1}")
        lat = y0 + (s + 0.5) * (y1 - y0) / streets
        for n in range(1, min(PER_STREET, count - s * PER_STREET) + 1):
            lon = x0 + n * (x1 - x0) / (PER_STREET + 1)
            rows.append(Address(
                street=street, settlement=village, house_number=str(n), number=n,
                location=Point(lon, lat, srid=4326), households=1,
            ))  # fmt: skip
    Address.objects.bulk_create(rows, batch_size=2000)
    return Address.objects.filter(settlement=village, status="active").count()


def _render(task: str) -> bytes:
    from maps import printing
    from maps.printing.pack import council_pack_pdf

    if task == "pack":
        return council_pack_pdf(printing.SYSTEM)
    options = printing.PrintOptions(
        paper="A3", extent=printing.Extent(kind="village", village=VILLAGE)
    )
    return printing.map_pdf(options, printing.SYSTEM)


def _child(task: str, queue) -> None:
    """Print once cold (a fresh worker: fonts, PROJ) and once warm; report both."""
    start, cpu = time.perf_counter(), time.process_time()
    pdf = _render(task)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    _render(task)
    warm = time.perf_counter() - start
    (OUT / f"print-{task}.pdf").write_bytes(pdf)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((seconds, peak_mb, len(pdf), cpu_seconds, warm))


def measure(task: str, runs: int) -> dict:
    """Run `task` in `runs` forked children; return median seconds and the peak memory."""
    from django.db import connections

    context = multiprocessing.get_context("fork")
    results = []
    for _ in range(runs):
        connections.close_all()  # a child opens its own connection
        queue = context.Queue()
        child = context.Process(target=_child, args=(task, queue))
        child.start()
        results.append(queue.get())
        child.join()
    return {
        "seconds": statistics.median(r[0] for r in results),
        "all_seconds": [round(r[0], 2) for r in results],
        "peak_mb": max(r[1] for r in results),
        "bytes": results[-1][2],
        "cpu": statistics.median(r[3] for r in results),
        "warm": statistics.median(r[4] for r in results),
    }


def _drawn_addresses() -> int:
    from maps import printing
    from maps.printing.sheet import map_prepare

    options = printing.PrintOptions(paper="A3", extent=printing.Extent("village", VILLAGE))
    frame = map_prepare(options, printing.SYSTEM).frames.get("addresses")
    return 0 if frame is None else len(frame)


def _line(name: str, result: dict, target_s: float) -> str:
    return (
        f"{name}: cold {result['seconds']:.2f} s median {result['all_seconds']} "
        f"(CPU {result['cpu']:.2f} s), warm {result['warm']:.2f} s, "
        f"peak {result['peak_mb']:.0f} MB, {result['bytes']:,} bytes (target < {target_s} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--addresses", type=int, default=10_000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    _setup(serving.bench_database_url("bench_print"))
    print(f"load: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} CPUs")
    pack = measure("pack", args.runs)
    print(_line("council pack", pack, 20))
    in_village = addresses_replace(args.addresses)
    print(f"village addresses: {in_village:,} active, {_drawn_addresses():,} drawn")
    village = measure("village", args.runs)
    print(_line("village A3 map", village, 5))


if __name__ == "__main__":
    main()
