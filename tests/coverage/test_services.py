"""coverage_compute in PostGIS, checked against an independent geopandas computation."""

from datetime import date

import pytest
import shapely
from django.contrib.gis.geos import Point
from django.db import connection

from core.errors import Conflict, InvalidInput
from coverage.models import CoverageArea, CoverageGap, CoverageSnapshot, UnservedAddress
from coverage.services import coverage_compute, hotspot_save
from tests.coverage import independent
from tests.coverage.conftest import make_addresses, make_area

TOLERANCE_PP = 0.01
AS_OF = date(2025, 6, 1)


def cumulative_pct(tiers: dict, level: int, measure: str) -> float | None:
    """Turn a snapshot's tier split back into "level ≥ L" percentages."""
    key = f"{measure.removesuffix('_m2')}_pct"
    if tiers["served"][key] is None:
        return None
    if level == 2:
        return tiers["served"][key]
    if level == 1:
        return tiers["served"][key] + tiers["underserved"][key]
    return tiers["covered"][key]


def snapshot_pct(results: dict) -> dict:
    out = {}
    entities = [("territory", results["territory"])]
    entities += [(s["katottg"], s) for s in results["settlements"]]
    for code, entity in entities:
        for group, tiers in entity["groups"].items():
            for level in (0, 1, 2):
                for measure in ("area_m2", "households", "addresses", "facilities"):
                    value = cumulative_pct(tiers, level, measure)
                    if value is not None:
                        out[(code, group, level, measure.removesuffix("_m2"))] = value
    return out


@pytest.mark.parametrize("random_world", [1, 2, 3], indirect=True)
def test_postgis_shares_agree_with_geopandas_within_a_hundredth_of_a_point(random_world):
    snapshot = coverage_compute(as_of=AS_OF)
    ours = snapshot_pct(snapshot.results)
    theirs = independent.shares(AS_OF)
    assert set(theirs) == set(ours)
    worst = max(abs(ours[key] - theirs[key]) for key in theirs)
    assert worst < TOLERANCE_PP, [
        (key, ours[key], theirs[key]) for key in theirs if abs(ours[key] - theirs[key]) >= 0.01
    ]


def test_compute_makes_the_new_snapshot_the_only_current_one(random_world):
    first = coverage_compute(as_of=AS_OF)
    second = coverage_compute(as_of=AS_OF)
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert CoverageSnapshot.objects.filter(is_current=True).get() == second


def test_results_are_stored_whole_as_json_and_read_back_equal(random_world):
    import json

    snapshot = coverage_compute(as_of=AS_OF)
    stored = CoverageSnapshot.objects.get(pk=snapshot.pk)
    assert stored.results == json.loads(json.dumps(snapshot.results))
    assert stored.results["settlements"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_typeof(results)::text FROM coverage_coveragesnapshot WHERE id = %s",
            [snapshot.pk],
        )
        assert cursor.fetchone()[0] == "json"
    # The ORM writes the column too (admin, fixtures).
    stored.results = {"territory": {"name": "Дмитрівська"}, "values": [1, 2.5, None]}
    stored.save(update_fields=["results"])
    stored.refresh_from_db()
    assert stored.results == {"territory": {"name": "Дмитрівська"}, "values": [1, 2.5, None]}


def test_compute_stores_gaps_whose_area_is_the_uncovered_rest_of_the_territory(random_world):
    snapshot = coverage_compute(as_of=AS_OF)
    territory = snapshot.results["territory"]
    for tier in ("served", "underserved", "covered"):
        gap = CoverageGap.objects.get(snapshot=snapshot, group="any", tier=tier)
        level_pct = cumulative_pct(
            territory["groups"]["any"], {"served": 2, "underserved": 1}.get(tier, 0), "area_m2"
        )
        expected = territory["area_m2"] * (100 - level_pct) / 100
        assert gap.area_m2 == pytest.approx(expected, rel=1e-6, abs=1.0)
        assert gap.area is None or gap.area.srid == 4326


def test_expired_and_outside_areas_count_nowhere(territory, settlement, providers):
    make_area(
        providers["ProstoNet"],
        "fibre",
        300,
        100,
        shapely.box(32.5, 48.6, 32.9, 49.0),
        valid_to=date(2020, 12, 31),
    )
    make_area(providers["ProstoNet"], "fibre", 300, 100, shapely.box(34.0, 50.0, 34.1, 50.1))
    results = coverage_compute(as_of=AS_OF).results
    assert results["territory"]["groups"]["any"]["covered"]["area_m2"] == 0
    past = coverage_compute(as_of=date(2020, 6, 1)).results
    assert past["territory"]["groups"]["fibre"]["served"]["area_pct"] > 20


def test_a_village_is_connected_when_half_its_households_have_served_fixed_broadband(
    territory, settlement, providers
):
    c = settlement.centre
    make_addresses(settlement, [(c.x - 0.01, c.y), (c.x + 0.01, c.y)], [3, 2])
    west = shapely.box(c.x - 0.02, c.y - 0.02, c.x, c.y + 0.02)
    make_area(providers["ProstoNet"], "fibre", 100, 20, west)
    results = coverage_compute(as_of=AS_OF).results
    village = results["settlements"][0]
    assert village["groups"]["fixed"]["served"]["households_pct"] == pytest.approx(60)
    assert village["connected"] is True
    assert results["villages"] == {
        "total": 1,
        "connected": 1,
        "connected_pct": 100.0,
        "priority_total": 0,
        "priority_connected": 0,
    }


def test_slow_fixed_coverage_does_not_connect_a_village(territory, settlement, providers):
    c = settlement.centre
    make_addresses(settlement, [(c.x, c.y)], [4])
    make_area(providers["Укртелеком"], "dsl", 10, 1, shapely.Point(c.x, c.y).buffer(0.01))
    results = coverage_compute(as_of=AS_OF).results
    village = results["settlements"][0]
    assert village["groups"]["fixed"]["covered"]["households_pct"] == 100
    assert village["groups"]["fixed"]["unserved"]["households_pct"] == 100
    assert village["connected"] is False
    assert UnservedAddress.objects.filter(snapshot__is_current=True).count() == 1


def test_households_of_a_village_without_addresses_are_estimated_from_its_area(
    territory, village2, providers
):
    b = village2.boundary.extent
    half = shapely.box(b[0], b[1], (b[0] + b[2]) / 2, b[3])
    make_area(providers["ProstoNet"], "fibre", 300, 100, half)
    village = coverage_compute(as_of=AS_OF).results["settlements"][0]
    assert village["households_method"] == "estimate"
    assert village["groups"]["fibre"]["served"]["households"] == pytest.approx(52, rel=1e-3)


def test_facilities_connected_and_high_speed_come_from_their_internet_status(
    territory, settlement, facility, providers
):
    from layers.models import Facility

    Facility.objects.create(
        kind="library",
        name="Бібліотека",
        settlement=settlement,
        location=Point(32.72, 48.79, srid=4326),
        internet="connected",
        technology="dsl",
        down_mbps=10,
        up_mbps=1,
    )
    results = coverage_compute(as_of=AS_OF).results
    assert results["territory"]["facilities"] == {
        "total": 2,
        "connected": 2,
        "connected_pct": 100.0,
        "high_speed": 0,  # the lyceum's upload speed is unknown
        "high_speed_pct": 0.0,
    }


def test_wifi_zones_open_on_the_date_are_counted_and_covered(territory, settlement, providers):
    for name, opened in [("Площа", date(2021, 5, 1)), ("Школа", date(2022, 9, 1))]:
        hotspot_save(
            name=name,
            provider="Громада Wi-Fi",
            location=settlement.centre,
            radius_m=100,
            opened_on=opened,
        )
    assert coverage_compute(as_of=date(2021, 12, 31)).results["wifi_zones"] == {
        "open": 1,
        "new_since_2020": 1,
    }
    results = coverage_compute(as_of=AS_OF).results
    assert results["wifi_zones"]["open"] == 2
    wifi_m2 = results["territory"]["groups"]["wifi"]["served"]["area_m2"]
    assert wifi_m2 == pytest.approx(3.14159 * 100**2, rel=0.01)


def test_hotspot_buffer_is_round_in_metres(settlement, providers):
    hotspot = hotspot_save(
        name="Площа", provider="Громада Wi-Fi", location=settlement.centre, radius_m=250
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Area(ST_Transform(area, 6385)) FROM coverage_coveragearea "
            "WHERE hotspot_id = %s",
            [hotspot.id],
        )
        area = cursor.fetchone()[0]
    assert area == pytest.approx(3.14159 * 250**2, rel=0.002)


@pytest.mark.parametrize("radius", [0, -5, 1e6, float("nan")])
def test_hotspot_with_a_bad_radius_is_refused_and_nothing_is_written(settlement, providers, radius):
    with pytest.raises(InvalidInput):
        hotspot_save(
            name="Погана", provider="Громада Wi-Fi", location=settlement.centre, radius_m=radius
        )
    assert not CoverageArea.objects.exists()


def test_hotspot_of_an_unknown_provider_is_refused_and_nothing_is_written(settlement, providers):
    with pytest.raises(InvalidInput, match="provider"):
        hotspot_save(name="X", provider="Nobody", location=settlement.centre, radius_m=50)
    assert not CoverageArea.objects.exists()


def test_compute_without_a_territory_is_a_conflict_and_writes_nothing(db):
    with pytest.raises(Conflict):
        coverage_compute()
    assert not CoverageSnapshot.objects.exists()


def test_addresses_are_read_in_one_packed_row_with_their_points(territory, settlement):
    from coverage import sql

    made = make_addresses(settlement, [(32.71, 48.79), (32.735, 48.805)], [3, 0])
    from addresses.models import Address

    # Active, without a point: only counted.
    Address.objects.create(
        street=made[0].street, settlement=settlement, house_number="99", number=99, households=2
    )
    with connection.cursor() as cursor:
        found, unlocated = sql.addresses(cursor, [territory.id])
    assert unlocated == 1
    columns = (found.id, found.weight, found.lon, found.lat)
    got = sorted(zip(*(c.tolist() for c in columns), strict=True))
    expected = sorted((a.id, float(a.households), a.location.x, a.location.y) for a in made)
    assert got == expected
    assert set(found.settlement.tolist()) == {settlement.id}


def test_unserved_addresses_keep_the_best_speeds_that_reach_them(territory, settlement, providers):
    c = settlement.centre
    near, far = make_addresses(settlement, [(c.x, c.y), (c.x + 0.05, c.y)], [2, 1])
    disc = shapely.Point(c.x, c.y).buffer(0.01)
    make_area(providers["Укртелеком"], "dsl", 10, 1, disc)
    make_area(providers["Укртелеком"], "dsl", 20, 1, disc)
    make_area(providers["Київстар"], "3g", 20, 2, disc)
    coverage_compute(as_of=AS_OF)
    rows = {
        u.address_id: (u.households, u.best_down_mbps, u.best_up_mbps)
        for u in UnservedAddress.objects.filter(snapshot__is_current=True)
    }
    assert rows == {near.id: (2, 20, 2), far.id: (1, None, None)}
