"""Incremental recomputation (coverage.snapshot.incremental): after each edit of one coverage
area through the services, the patched snapshot equals a full recomputation of the same data.

Counts and unserved addresses exactly; areas and shares within 1e-9 relative (with a floor
of 1e-3 m² / 1e-9 points where a figure is zero); gaps the same region to 1 m² over a
territory of about 1,300 km² (their outlines carry extra vertices along the edit's window).
"""

import math
import random

import pytest
import shapely
from django.db import connection, transaction

from coverage import services
from coverage.models import CoverageArea, CoverageSnapshot
from coverage.snapshot import partials
from tests.coverage.conftest import TECH_SPEEDS, random_polygon

pytestmark = pytest.mark.django_db

CENTRES = [(32.72, 48.79), (32.80, 48.86), (32.74, 48.80), (32.71, 48.78)]


def _state(snapshot_id: int) -> dict:
    """Everything a snapshot stores that coverage areas change."""
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
    gaps = {(g.group, g.tier): g for g in snapshot.gaps.all()}
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
    if (mine.area is None) != (gap.area is None):
        return [f"gap {key}: one outline is empty"]
    if gap.area is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Area(ST_Transform(ST_SymDifference(%s::geometry, %s::geometry), 6385))",
            [mine.area.ewkt, gap.area.ewkt],
        )
        apart = cursor.fetchone()[0]
    return [] if apart < 1.0 else [f"gap {key}: outlines differ by {apart:.1f} m²"]


def full_recomputation() -> dict:
    """Recompute from scratch in a savepoint rolled back afterwards; return its state."""
    with transaction.atomic():
        state = _state(services.coverage_compute().pk)
        transaction.set_rollback(True)
    return state


def _geojson(geom) -> dict:
    return shapely.geometry.mapping(geom)


def _random_edit(rng: random.Random, provider: str, action: str) -> None:
    """Create, move or delete one random area (a moved or deleted one made by an earlier
    edit; the fixture's expired and far-away areas stay)."""
    mine = list(CoverageArea.objects.filter(note="edit").values_list("id", flat=True))
    tech, down, up = rng.choice(TECH_SPEEDS)
    geom = random_polygon(rng, rng.choice(CENTRES), 0.02)
    data = services.AreaInput(provider, tech, down, up, _geojson(geom), note="edit")
    if action == "create":
        services.area_create(data=data)
    elif action == "move":
        services.area_update(area_id=rng.choice(mine), data=data)
    else:
        services.area_delete(area_id=rng.choice(mine))


@pytest.mark.parametrize("random_world", [3, 11], indirect=True)
def test_patched_snapshot_equals_a_full_recomputation_after_random_edits(random_world):
    rng = random.Random(random_world)
    first = services.coverage_compute()
    done = []
    for action in ("create", "create", "move", "create", "delete", "move", "delete"):
        before = CoverageSnapshot.objects.get(is_current=True).computed_at
        _random_edit(rng, "ProstoNet", action)
        done.append(action)
        current = CoverageSnapshot.objects.get(is_current=True)
        assert current.pk == first.pk
        assert current.computed_at > before, "the edit patched the current snapshot"
        patched = _state(current.pk)
        assert differences(patched, full_recomputation()) == [], done


def test_edit_of_overlapping_areas_keeps_figures_equal(random_world):
    """Two areas over the same village, one moved across the other, then deleted."""
    first = services.coverage_compute()
    square_a = shapely.box(32.70, 48.77, 32.73, 48.80)
    square_b = shapely.box(32.715, 48.785, 32.745, 48.815)
    a, _ = services.area_create(
        data=services.AreaInput("ProstoNet", "fibre", 300, 100, _geojson(square_a))
    )
    b, _ = services.area_create(
        data=services.AreaInput("Укртелеком", "dsl", 20, 1, _geojson(square_b))
    )
    services.area_update(
        area_id=b.pk,
        data=services.AreaInput("Укртелеком", "fibre", 100, 20, _geojson(square_a.buffer(0.002))),
    )
    assert differences(_state(first.pk), full_recomputation()) == []
    services.area_delete(area_id=a.pk)
    assert differences(_state(first.pk), full_recomputation()) == []


def test_equality_check_fails_when_the_patch_skips_a_touched_cell(random_world, monkeypatch):
    """The comparison is able to fail: a window one kilometre short of the edited area
    leaves villages, hexagons and addresses it touches unpatched, and differences says so."""
    first = services.coverage_compute()
    real = partials.window_of

    def short(geoms, pad_m=1.0):
        return real(geoms, pad_m=-1000.0)

    monkeypatch.setattr(partials, "window_of", short)
    big = shapely.box(32.69, 48.76, 32.75, 48.82)  # over Dmytrivka and its addresses
    services.area_create(data=services.AreaInput("ProstoNet", "fibre", 300, 100, _geojson(big)))
    found = differences(_state(first.pk), full_recomputation())
    assert any(line.startswith("results") for line in found)
    assert any(line.startswith("hexagons") for line in found)


def test_an_edit_not_seen_by_the_snapshot_refuses_the_next_patch(random_world):
    """An area changed without a patch (an import, the admin) makes the snapshot's signature
    stale: the next edit leaves it as it was instead of patching wrong figures."""
    first = services.coverage_compute()
    area = CoverageArea.objects.filter(note="").exclude(valid_to__isnull=False).first()
    area.down_mbps = 1  # saved behind the services' back
    area.save()
    before = CoverageSnapshot.objects.get(pk=first.pk).results
    services.area_create(
        data=services.AreaInput(
            "ProstoNet", "fibre", 300, 100, _geojson(shapely.box(32.70, 48.77, 32.73, 48.80))
        )
    )
    after = CoverageSnapshot.objects.get(pk=first.pk)
    assert after.results == before
    assert after.computed_at == first.computed_at


def test_a_snapshot_computed_for_another_day_is_not_patched(random_world):
    from datetime import date

    first = services.coverage_compute(as_of=date(2024, 1, 1))
    services.area_create(
        data=services.AreaInput(
            "ProstoNet", "fibre", 300, 100, _geojson(shapely.box(32.70, 48.77, 32.73, 48.80))
        )
    )
    assert CoverageSnapshot.objects.get(pk=first.pk).computed_at == first.computed_at
