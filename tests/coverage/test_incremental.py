"""Incremental recomputation (coverage.snapshot.incremental): after each edit of one coverage
area through the services, the patched snapshot equals a full recomputation of the same data.

Counts and unserved addresses exactly; areas and shares within 1e-9 relative (with a floor
of 1e-3 m² / 1e-9 points where a figure is zero); gaps the same region to the 1 mm grid
they are stored on (symmetric difference ≤ 1 mm × perimeter). The comparison is
bench/incremental_bench.py's `differences`, which the bench runs at demo size and size M.
"""

import json
import random

import pytest
import shapely
from django.db import transaction

from bench.incremental_bench import differences, snapshot_state
from coverage import services
from coverage.models import CoverageArea, CoverageGap, CoverageSnapshot
from coverage.selectors import gaps_geojson
from coverage.snapshot import partials
from layers.models import Territory
from tests.conftest import square
from tests.coverage.conftest import TECH_SPEEDS, random_polygon

pytestmark = pytest.mark.django_db

CENTRES = [(32.72, 48.79), (32.80, 48.86), (32.74, 48.80), (32.71, 48.78)]


def full_recomputation(territory_ids=None) -> dict:
    """Recompute from scratch in a savepoint rolled back afterwards; return its state."""
    with transaction.atomic():
        state = snapshot_state(services.coverage_compute(territory_ids=territory_ids).pk)
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
        patched = snapshot_state(current.pk)
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
    assert differences(snapshot_state(first.pk), full_recomputation()) == []
    services.area_delete(area_id=a.pk)
    assert differences(snapshot_state(first.pk), full_recomputation()) == []


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
    found = differences(snapshot_state(first.pk), full_recomputation())
    assert any(line.startswith("results") for line in found)
    assert any(line.startswith("hexagons") for line in found)


def _gap_areas(snapshot_id: int) -> dict:
    rows = CoverageGap.objects.filter(snapshot_id=snapshot_id, group="any", tier="covered")
    return {gap.territory_id: gap.area_m2 for gap in rows}


def test_an_edit_across_two_territories_patches_the_gap_of_each(random_world, territory):
    """Computed over two neighbouring territories together (as the size-M bench does), each
    territory's gap is stored apart; an area across their border patches both gaps, and the
    snapshot equals a full recomputation after it is created, moved and deleted."""
    east = Territory.objects.create(
        katottg="UA35040110000000001",
        name_uk="Східна громада",
        name_en="East community",
        boundary=square(33.12, 48.80, 0.2),  # shares the meridian 32.92° with `territory`
    )
    tids = [territory.pk, east.pk]
    first = services.coverage_compute(territory_ids=tids)
    start = _gap_areas(first.pk)
    assert set(start) == set(tids)
    across = shapely.box(32.88, 48.78, 32.96, 48.84)
    area, _ = services.area_create(
        data=services.AreaInput("ProstoNet", "fibre", 300, 100, _geojson(across))
    )
    after = _gap_areas(first.pk)
    assert CoverageSnapshot.objects.get(pk=first.pk).computed_at > first.computed_at
    assert all(after[tid] < start[tid] - 1e6 for tid in tids), (start, after)
    assert differences(snapshot_state(first.pk), full_recomputation(tids)) == []
    moved = shapely.box(32.90, 48.80, 32.99, 48.86)
    services.area_update(
        area_id=area.pk,
        data=services.AreaInput("ProstoNet", "fibre", 300, 100, _geojson(moved)),
    )
    assert differences(snapshot_state(first.pk), full_recomputation(tids)) == []
    services.area_delete(area_id=area.pk)
    assert _gap_areas(first.pk) == pytest.approx(start, rel=1e-9)
    assert differences(snapshot_state(first.pk), full_recomputation(tids)) == []
    # The gap's export has one feature per territory, each saying which.
    features = json.loads(gaps_geojson(tier="covered"))["features"]
    codes = sorted(f["properties"]["territory_katottg"] for f in features)
    assert codes == sorted([territory.katottg, east.katottg])


def test_a_snapshot_whose_territory_was_deleted_is_not_patched(random_world, territory):
    """The patch pairs each territory with its gap; a territory gone since the snapshot
    leaves the snapshot as it was (its age shown, the recompute button there)."""
    east = Territory.objects.create(
        katottg="UA35040110000000001",
        name_uk="Східна громада",
        name_en="East community",
        boundary=square(33.12, 48.80, 0.2),
    )
    first = services.coverage_compute(territory_ids=[territory.pk, east.pk])
    east.delete()
    services.area_create(
        data=services.AreaInput(
            "ProstoNet", "fibre", 300, 100, _geojson(shapely.box(32.70, 48.77, 32.73, 48.80))
        )
    )
    assert CoverageSnapshot.objects.get(pk=first.pk).computed_at == first.computed_at


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


def test_a_new_or_moved_hotspot_patches_the_snapshot(random_world):
    from django.contrib.gis.geos import Point

    first = services.coverage_compute()
    services.hotspot_save(
        name="Бібліотека", provider="Громада Wi-Fi", location=Point(32.721, 48.791), radius_m=300
    )
    assert differences(snapshot_state(first.pk), full_recomputation()) == []
    services.hotspot_save(
        name="Бібліотека", provider="Громада Wi-Fi", location=Point(32.715, 48.785), radius_m=500
    )
    patched = snapshot_state(first.pk)
    assert patched["snapshot"].computed_at > first.computed_at
    assert differences(patched, full_recomputation()) == []


def test_an_area_changed_in_the_admin_patches_the_snapshot(random_world, admin_client):
    area = CoverageArea.objects.filter(technology="fibre", valid_to__isnull=True).first()
    first = services.coverage_compute()
    response = admin_client.post(f"/admin/coverage/coveragearea/{area.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    patched = snapshot_state(first.pk)
    assert patched["snapshot"].computed_at > first.computed_at
    assert differences(patched, full_recomputation()) == []


def test_a_partial_sum_that_is_not_a_number_fails_loudly():
    """orjson would store a NaN as null: the sums are checked before they are stored."""
    partials.finite_or_fail(1.0, {"fixed:2": 3.5}, [{"addresses": 4, "population": None}])
    for broken in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(ValueError):
            partials.finite_or_fail(1.0, [{"area_covered": {"any:0": broken}}])
