"""Server time of the planners' page, /planning/, at a benchmark size.

    export DATABASE_URL=postgis://…/hromada_planning_m   # a database of its own
    .venv/bin/python bench/generate.py --size M --db --replace     # once
    .venv/bin/python -u bench/planning_bench.py --runs 15

Computes a snapshot over every synthetic territory when there is none, then times the page
(and the page with a Free Wi-Fi suggestion and one village chosen) through Django's test
client in this process: the view, its queries and the template, without a network or a
web server. Prints the load average before and after, the median and the spread.
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

TARGET_MS = 300


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")
    django.setup()


def _snapshot() -> None:
    from coverage.models import CoverageSnapshot
    from coverage.services import coverage_compute
    from layers.models import Territory

    if CoverageSnapshot.objects.filter(is_current=True).exists():
        return
    started = time.perf_counter()
    tids = list(Territory.objects.values_list("id", flat=True))
    coverage_compute(territory_ids=tids)
    took = time.perf_counter() - started
    print(f"snapshot computed over {len(tids)} territories in {took:.1f} s")


def _client():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username="bench-planner", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get_or_create(name="planners")[0])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def _time(client, url: str, runs: int) -> tuple[list[float], list[float]]:
    """(wall ms, this process's CPU ms) of each run; the CPU time leaves out PostgreSQL and
    the waits of a loaded machine, so it says more when others share the cores."""
    client.get(url)  # warm: imports, templates, translations, the decoded snapshot
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    return times, cpu


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--wifi", action="store_true", help="also time a Free Wi-Fi suggestion")
    args = p.parse_args(argv)
    _setup()
    from layers.models import Settlement

    print(f"load average before: {os.getloadavg()}")
    _snapshot()
    village = Settlement.objects.order_by("katottg").values_list("katottg", flat=True).first()
    client = _client()
    pages = [
        ("/planning/", "/planning/"),
        ("/planning/?village=…", f"/planning/?village={village}"),
    ]
    if args.wifi:
        pages.append(("/planning/?k=3&radius_m=500 (Wi-Fi)", "/planning/?k=3&radius_m=500"))
    for label, url in pages:
        times, cpu = _time(client, url, args.runs)
        median = statistics.median(times)
        verdict = "met" if median < TARGET_MS else "NOT met"
        print(
            f"{label}: median {median:.0f} ms (min {min(times):.0f}, max {max(times):.0f}, "
            f"{args.runs} runs; Python CPU median {statistics.median(cpu):.0f} ms) — "
            f"target {TARGET_MS} ms {verdict}"
        )
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
