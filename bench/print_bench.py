"""Benchmark of the printed maps (not a test): the council pack of the demo community, a
single-village A3 map with 10,000 addresses and the atlas of 150 villages (size S).

    .venv/bin/python bench/print_bench.py [--runs 3] [--addresses 10000]
                                          [--only pack,village,atlas]

Works in databases of its own (DATABASE_URL's server): `<name>_bench_print` (created,
migrated and given the demo data when missing; the benchmark addresses are replaced on
every run) and `<name>_bench_atlas` (created, migrated and given bench/synth's size S,
seed 1, when missing: 8 communities, 150 villages, 10,000 addresses, 2,000 coverage
areas), so neither the dev database nor other benchmarks are touched. Each measurement
runs in a forked child process: its wall seconds (median of --runs), its CPU seconds
(process time of the child and of the page processes it forks, maps/printing/parallel.py:
PRINT_PROCESSES, one per core by default) and its peak resident memory (ru_maxrss of the
child plus the largest page process's: each page process holds about that much, and
shares part of it with the worker by copy-on-write,
including Django and the libraries). The atlas is the council pack of the size S data
(a cover, the overview, 150 village pages, the reports), printed once per run with a
progress bar, no warm print (one page in a hundred and fifty is the same either way).

The pack is measured twice: in a fresh process (cold: every library imported on the way)
and as a task worker's first pack (`manage.py db_worker` warms the printing stack up at
its start, core/management/commands/db_worker.py), which is what a planner waits for.

Targets (issue 7): council pack < 20 s; single-village A3 map with 10,000 addresses < 5 s;
issue 19: the pack < 5 s, the atlas of 150 villages < 90 s. Beside each, the floor: bare
matplotlib drawing the same geometries (read beforehand) into a PDF with no labels,
legend, grid, inset or tables, in the same worker, and the ratio of the print to it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import subprocess
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


def _setup_atlas(url: str) -> None:
    """Create the atlas database when missing, set Django up, migrate, write size S."""
    serving.migrated_database(url)
    from bench.generate import write_db
    from bench.synth import generate
    from layers.models import Settlement

    if not Settlement.objects.exists():
        write_db(generate("S", 1), progress=False)


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
    if task == "atlas":
        from tqdm import tqdm

        from layers.models import Settlement

        with tqdm(total=Settlement.objects.count() + 3, desc="atlas", unit="page") as bar:
            return council_pack_pdf(printing.SYSTEM, progress=lambda _: bar.update())
    options = printing.PrintOptions(
        paper="A3", extent=printing.Extent(kind="village", village=VILLAGE)
    )
    return printing.map_pdf(options, printing.SYSTEM)


def _jobs(task: str) -> list:
    """Return the map jobs (layers read) of the task's map pages: the pack's overview and
    villages, or the village sheet."""
    from maps import printing
    from maps.printing.pack import ATLAS_LAYERS, OVERVIEW_LAYERS, villages_sorted
    from maps.printing.sheet import map_prepare

    if task == "village":
        options = printing.PrintOptions(paper="A3", extent=printing.Extent("village", VILLAGE))
        return [map_prepare(options, printing.SYSTEM)]
    jobs = [map_prepare(printing.PrintOptions(layers=OVERVIEW_LAYERS), printing.SYSTEM)]
    for village in villages_sorted():
        options = printing.PrintOptions(
            extent=printing.Extent("village", village.katottg), layers=ATLAS_LAYERS
        )
        jobs.append(map_prepare(options, printing.SYSTEM, layout="atlas"))
    return jobs


def floor_pdf(jobs: list) -> bytes:
    """Return a PDF of bare matplotlib drawing the jobs' geometries, one page each in the
    same map frame: plain polygons, lines and dots, no labels, legend, grid, inset or
    tables. The renderer's floor for the same drawing."""
    import io

    from matplotlib.backends.backend_pdf import PdfPages

    from maps.printing import draw
    from maps.printing.page import Page

    buffer = io.BytesIO()
    with PdfPages(buffer) as pages:
        for job in jobs:
            page = Page(*job.options.page_mm)
            ax = page.figure.add_axes(page.rect(page.box(job.layout, "map")))
            ax.set_xlim(job.bounds[0], job.bounds[2])
            ax.set_ylim(job.bounds[1], job.bounds[3])
            for frame in job.frames.values():
                kinds = set(frame.geom_type)
                if kinds & {"Polygon", "MultiPolygon"}:
                    draw.polygons(ax, frame.geometry, facecolor="#dddddd", edgecolor="#333333")
                elif kinds & {"LineString", "MultiLineString"}:
                    draw.lines(ax, frame.geometry, colors="#333333")
                elif len(frame):
                    ax.scatter(frame.geometry.x, frame.geometry.y, s=4)
            pages.savefig(page.figure)
    return buffer.getvalue()


def _cpu() -> float:
    """CPU seconds of this process and of the processes it waited for (the page
    processes of maps/printing/parallel.py)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _child(task: str, queue) -> None:
    """Print once cold (a fresh worker: fonts, PROJ) and once warm; report both, and the
    floor: bare matplotlib drawing the same geometries (read beforehand, not timed).
    `pack-worker`: the task worker's first pack, after its start-up warm-up (untimed)."""
    if task == "pack-worker":
        from core.management.commands.db_worker import warm_up

        warm_up()
    printed = "pack" if task == "pack-worker" else task
    start, cpu = time.perf_counter(), _cpu()
    pdf = _render(printed)
    seconds, cpu_seconds = time.perf_counter() - start, _cpu() - cpu
    warm, warm_cpu = None, None
    if task not in ("atlas", "pack-worker"):
        start, cpu = time.perf_counter(), _cpu()
        _render(printed)
        warm, warm_cpu = time.perf_counter() - start, _cpu() - cpu
    jobs = _jobs(printed)
    start, cpu = time.perf_counter(), time.process_time()
    floor_pdf(jobs)
    floor, floor_cpu = time.perf_counter() - start, time.process_time() - cpu
    from maps.printing.parallel import processes_for  # imported by the print already

    print(f"  ({task}: {processes_for(15)} page processes, PRINT_PROCESSES)", flush=True)
    (OUT / f"print-{task}.pdf").write_bytes(pdf)
    # The worker's peak plus the largest page process's (one of them runs beside it).
    own, pages = (resource.getrusage(who).ru_maxrss / 1024 for who in (
        resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))  # fmt: skip
    peak_mb = own + pages
    queue.put((seconds, peak_mb, len(pdf), cpu_seconds, warm, warm_cpu, floor, floor_cpu))


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
        "warm": _median(r[4] for r in results),
        "warm_cpu": _median(r[5] for r in results),
        "floor": statistics.median(r[6] for r in results),
        "floor_cpu": statistics.median(r[7] for r in results),
    }


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _drawn_addresses() -> int:
    from maps import printing
    from maps.printing.sheet import map_prepare

    options = printing.PrintOptions(paper="A3", extent=printing.Extent("village", VILLAGE))
    frame = map_prepare(options, printing.SYSTEM).frames.get("addresses")
    return 0 if frame is None else len(frame)


def _line(name: str, result: dict, target_s: float) -> str:
    # The atlas has no warm print: its ratio to the floor is the cold print's.
    warm = "cold" if result["warm"] is None else "warm"
    seconds = result["seconds"] if result["warm"] is None else result["warm"]
    cpu = result["cpu"] if result["warm"] is None else result["warm_cpu"]
    warm_text = (
        ""
        if result["warm"] is None
        else (f", warm {result['warm']:.2f} s (CPU {result['warm_cpu']:.2f} s)")
    )
    return (
        f"{name}: cold {result['seconds']:.2f} s median {result['all_seconds']} "
        f"(CPU {result['cpu']:.2f} s){warm_text}, peak {result['peak_mb']:.0f} MB, "
        f"{result['bytes']:,} bytes (target < {target_s} s)\n"
        f"  matplotlib floor (same geometries, no labels, legend, grid, inset, tables): "
        f"{result['floor']:.2f} s (CPU {result['floor_cpu']:.2f} s); "
        f"{warm} / floor {seconds / result['floor']:.1f}x, "
        f"CPU {cpu / result['floor_cpu']:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--addresses", type=int, default=10_000)
    parser.add_argument(
        "--only", default="pack,village,atlas", help="comma-separated: pack, village, atlas"
    )
    args = parser.parse_args()
    only = set(args.only.split(","))
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"load: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} CPUs", flush=True)
    if only == {"atlas"}:
        _setup_atlas(serving.bench_database_url("bench_atlas"))
        print(_line("atlas, 150 villages (size S)", measure("atlas", args.runs), 90))
        return
    _setup(serving.bench_database_url("bench_print"))
    if "pack" in only:
        print(_line("council pack", measure("pack", args.runs), 5), flush=True)
        worker = measure("pack-worker", args.runs)
        print(_line("council pack, a task worker's first (warmed up at its start)", worker, 5))
    if "village" in only:
        in_village = addresses_replace(args.addresses)
        print(f"village addresses: {in_village:,} active, {_drawn_addresses():,} drawn")
        print(_line("village A3 map", measure("village", args.runs), 5), flush=True)
    if "atlas" in only:
        # Django is set up on one database per process: the atlas runs in a process of
        # its own, on the atlas database.
        command = [sys.executable, __file__, "--runs", str(args.runs), "--only", "atlas"]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
