"""Incremental recomputation: one coverage area edited, the snapshot patched, beside a full
recomputation of the same data, with the patched snapshot checked against it.

    export DATABASE_URL=postgis://…/hromada_plan_demo      # load_demo, or for size M:
    export DATABASE_URL=postgis://…/hromada_plan_m         # bench/generate.py --size M --db
    .venv/bin/python -u bench/incremental_bench.py [--synthetic] [--edits 5] [--check]

Computes (and commits) a current snapshot when there is none with partial sums, then times
a full recomputation (median of --runs, each rolled back) and --edits edits of one area
each — a move by a few hundred metres, a new area, a deletion, in turn — through
coverage.services (the write and its patch of the snapshot, coverage.snapshot.incremental),
each rolled back. With --check, every patched snapshot is compared with a full
recomputation of the same data (`differences`, the same check as
tests/coverage/test_incremental.py). --synthetic: the generated territories (UA99…) of
bench/generate.py instead of the one loaded community.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# --- the comparison (also used by tests/coverage/test_incremental.py) --------------------------


def snapshot_state(snapshot_id: int) -> dict:
    """Everything a snapshot stores that coverage areas change."""
    from django.db import connection

    from coverage.models import CoverageSnapshot

    snapshot = CoverageSnapshot.objects.get(pk=snapshot_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT h3, area_m2, covered_pct, served_pct, fixed_served_pct, "
            "households_served_pct FROM coverage_coveragehexagon WHERE snapshot_id = %s",
            [snapshot_id],
        )
        hexes = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT address_id, settlement_id, households, best_down_mbps, best_up_mbps "
            "FROM coverage_unservedaddress WHERE snapshot_id = %s",
            [snapshot_id],
        )
        unserved = set(cursor.fetchall())
    gaps = {(g.group, g.tier, g.territory_id): g for g in snapshot.gaps.all()}
    return {
        "snapshot": snapshot,
        "results": snapshot.results,
        "partials": {k: v for k, v in snapshot.partials.items() if k != "signature"},
        "hexagons": hexes,
        "unserved": unserved,
        "gaps": gaps,
    }


def _close(a, b, path: str, out: list) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            out.append(f"{path}: keys {sorted(set(a) ^ set(b))}")
        for key in set(a) & set(b):
            _close(a[key], b[key], f"{path}.{key}", out)
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items != {len(b)}")
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            _close(x, y, f"{path}[{i}]", out)
    elif isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            if a is not b:
                out.append(f"{path}: {a} != {b}")
            return
        floor = 1e-3 if "m2" in path or "area" in path else 1e-9
        if not math.isclose(a, b, rel_tol=1e-9, abs_tol=floor):
            out.append(f"{path}: {a} != {b}")
    elif a != b:
        out.append(f"{path}: {a!r} != {b!r}")


def differences(patched: dict, full: dict) -> list[str]:
    """Return what differs between two snapshot states (empty when they agree)."""
    out: list[str] = []
    _close(patched["results"], full["results"], "results", out)
    _close(patched["partials"], full["partials"], "partials", out)
    _close(patched["hexagons"], full["hexagons"], "hexagons", out)
    if patched["unserved"] != full["unserved"]:
        out.append(f"unserved: {sorted(patched['unserved'] ^ full['unserved'])[:5]}")
    for name in ("coverage_areas", "unserved_addresses"):
        a, b = (s["snapshot"].input_counts.get(name) for s in (patched, full))
        if a != b:
            out.append(f"input_counts.{name}: {a} != {b}")
    for key, gap in full["gaps"].items():
        mine = patched["gaps"][key]
        if not math.isclose(mine.area_m2, gap.area_m2, rel_tol=1e-9, abs_tol=1e-3):
            out.append(f"gap {key}: {mine.area_m2} m² != {gap.area_m2} m²")
        out.extend(_gap_shape(mine, gap, key))
    return out


def _gap_shape(mine, gap, key) -> list[str]:
    from django.db import connection

    from coverage.snapshot.areas import GAP_GRID_M

    if (mine.area is None) != (gap.area is None):
        return [f"gap {key}: one outline is empty"]
    if gap.area is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Area(ST_Transform(ST_SymDifference(a, b), 6385)), "
            "ST_Perimeter(ST_Transform(b, 6385)) "
            "FROM (SELECT %s::geometry AS a, %s::geometry AS b) AS g",
            [mine.area.ewkt, gap.area.ewkt],
        )
        apart, perimeter = cursor.fetchone()
    # The same region to the grid the gaps are stored on (GAP_GRID_M, 1 mm): the patched
    # outline's vertices inside the edit's window may round to the next millimetre.
    if apart <= GAP_GRID_M * perimeter:
        return []
    return [f"gap {key}: outlines differ by {apart:.1f} m² (perimeter {perimeter:.0f} m)"]


# --- the bench ------------------------------------------------------------------------------------


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")
    django.setup()


def _territory_ids(synthetic: bool) -> list[int] | None:
    from layers.models import Territory

    if not synthetic:
        return None
    return list(Territory.objects.filter(katottg__startswith="UA99").values_list("id", flat=True))


def _ensure_snapshot(tids) -> None:
    from django.utils import timezone

    from coverage.models import CoverageSnapshot
    from coverage.services import coverage_compute
    from coverage.snapshot.incremental import refusal

    current = CoverageSnapshot.objects.filter(is_current=True).first()
    if refusal(current, timezone.localdate()) is None:
        return
    started = time.perf_counter()
    coverage_compute(territory_ids=tids)
    print(f"snapshot computed and kept: {time.perf_counter() - started:.2f} s", flush=True)


def _full(tids, runs: int) -> float:
    from django.db import transaction

    from coverage.services import coverage_compute

    times = []
    for i in range(runs):
        with transaction.atomic():
            started = time.perf_counter()
            coverage_compute(territory_ids=tids)
            times.append(time.perf_counter() - started)
            transaction.set_rollback(True)
        print(f"full recomputation {i + 1}: {times[-1]:.2f} s", flush=True)
    return statistics.median(times)


def _input(row, geometry=None):
    from coverage.services import AreaInput

    return AreaInput(
        row.provider.name,
        row.technology,
        row.down_mbps,
        row.up_mbps,
        (geometry or row.area).json,
        source=row.source,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        note=row.note,
    )


def _edit(kind: str, row) -> None:
    from coverage import services

    if kind == "move":
        import shapely
        import shapely.affinity
        from django.contrib.gis.geos import GEOSGeometry

        from coverage import overlay

        metric = overlay.reproject([shapely.from_wkb(bytes(row.area.wkb))], 4326, 6385)
        moved = shapely.affinity.translate(metric[0], 300.0, 200.0)  # metres east, north
        back = overlay.reproject([moved], 6385, 4326)[0]
        services.area_update(area_id=row.pk, data=_input(row, GEOSGeometry(back.wkt, 4326)))
    elif kind == "create":
        services.area_create(data=_input(row))
    else:
        services.area_delete(area_id=row.pk)


def _one_edit(kind: str, row, check: bool) -> tuple[float, int, list[str] | None]:
    """Return (s for the service call, patch ms, differences or None) of one edit, rolled
    back."""
    from django.db import transaction

    from coverage.models import CoverageSnapshot
    from coverage.services import coverage_compute

    with transaction.atomic():
        before = CoverageSnapshot.objects.get(is_current=True)
        started = time.perf_counter()
        _edit(kind, row)
        took = time.perf_counter() - started
        after = CoverageSnapshot.objects.get(is_current=True)
        patched = after.computed_at != before.computed_at
        found = None
        if check and patched:
            state = snapshot_state(after.pk)
            with transaction.atomic():
                full = snapshot_state(coverage_compute(territory_ids=_TIDS).pk)
                transaction.set_rollback(True)
            found = differences(state, full)
        transaction.set_rollback(True)
    return took, after.duration_ms if patched else -1, found


_TIDS = None


def main(argv=None) -> int:
    global _TIDS
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--synthetic", action="store_true", help="the UA99… territories (size M)")
    p.add_argument("--runs", type=int, default=3, help="full recomputations (median shown)")
    p.add_argument("--edits", type=int, default=6, help="edits timed (median shown)")
    p.add_argument("--check", action="store_true", help="compare each patch with a full run")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    _setup()
    from coverage.models import CoverageArea

    _TIDS = _territory_ids(args.synthetic)
    print(f"load average before: {os.getloadavg()}", flush=True)
    _ensure_snapshot(_TIDS)
    full = _full(_TIDS, args.runs)
    rng = random.Random(args.seed)
    ids = list(CoverageArea.objects.filter(hotspot__isnull=True).values_list("id", flat=True))
    walls, patches, bad = [], [], 0
    for i in range(args.edits):
        kind = ("move", "create", "delete")[i % 3]
        row = CoverageArea.objects.select_related("provider").get(pk=rng.choice(ids))
        took, patch_ms, found = _one_edit(kind, row, args.check)
        walls.append(took)
        patches.append(patch_ms)
        verdict = "" if found is None else ("identical" if not found else f"DIFFERS {found[:3]}")
        bad += bool(found)
        print(f"edit {i + 1} ({kind} area {row.pk}): {took:.3f} s, patch {patch_ms} ms {verdict}")
    edit = statistics.median(walls)
    print(
        f"summary: full {full:.2f} s (median of {args.runs}); one edit with its patch "
        f"{edit:.3f} s (median of {args.edits}; patch alone {statistics.median(patches)} ms); "
        f"full / incremental {full / edit:.1f}×"
        + (f"; checked: {args.edits - bad} identical, {bad} differ" if args.check else "")
    )
    print(f"load average after: {os.getloadavg()}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
