"""The planners' gap switch: each technology / speed choice's gap and its figures (km²,
addresses, households) against an independent geopandas/shapely computation on the same
fixtures, the API of each choice, and bad choices."""

from datetime import date

import pytest
import shapely

from coverage.compute import GAP_CHOICES, LEVELS
from coverage.models import CoverageGap
from coverage.selectors.planning import gap_choices
from coverage.services import coverage_compute
from tests.coverage import independent

AS_OF = date(2025, 6, 1)


def _oracle(group: str, tier: str) -> dict:
    """The gap of `group` below `tier` computed with geopandas/shapely alone (METRIC)."""
    ter, vil, cov, adr, _ = independent.load(AS_OF)
    ter_m = ter.to_crs(independent.METRIC).iloc[0]
    union = independent.union_of(cov, group, LEVELS[tier], crs=independent.METRIC)
    gap = ter_m.difference(union)
    adr_m = adr.to_crs(independent.METRIC)
    outside = adr_m[~adr_m.geometry.intersects(union)]
    households = float(outside["households"].sum())
    with_addresses = set(adr["settlement"])
    for row, geom in zip(vil.itertuples(), vil.to_crs(independent.METRIC).geometry, strict=True):
        if row.id not in with_addresses and row.households:
            # No register there: households spread evenly over the village's area.
            households += row.households * geom.difference(union).area / geom.area
    return {"area_km2": gap.area / 1e6, "addresses": len(outside), "households": households}


@pytest.mark.parametrize("random_world", [1, 2], indirect=True)
def test_each_gap_choice_matches_an_independent_computation(random_world):
    snapshot = coverage_compute(as_of=AS_OF)
    figures = {c["key"]: c for c in gap_choices(snapshot.results)}
    assert set(figures) == {f"{g}-{t}" for g, t in GAP_CHOICES}
    for group, tier in GAP_CHOICES:
        expected = _oracle(group, tier)
        shown = figures[f"{group}-{tier}"]
        stored = CoverageGap.objects.get(snapshot=snapshot, group=group, tier=tier)
        assert stored.area_m2 / 1e6 == pytest.approx(expected["area_km2"], rel=1e-6, abs=1e-6)
        assert shown["area_km2"] == pytest.approx(expected["area_km2"], rel=1e-6, abs=1e-6)
        assert shown["addresses"] == pytest.approx(expected["addresses"])
        assert shown["households"] == pytest.approx(expected["households"], rel=1e-6)
        assert shown["population"] is None  # no population grid loaded
        if stored.area is not None:
            area = shapely.from_wkb(bytes(stored.area.wkb))
            assert area.is_valid


def test_the_choices_differ_where_the_technologies_do(random_world):
    figures = {c["key"]: c for c in gap_choices(coverage_compute(as_of=AS_OF).results)}
    # Below 100/20 by any technology is never smaller than no coverage at all, and no
    # fibre never smaller than no fixed broadband (fibre is fixed broadband).
    assert figures["any-served"]["area_km2"] >= figures["any-covered"]["area_km2"]
    assert figures["fibre-covered"]["area_km2"] >= figures["fixed-covered"]["area_km2"]
    assert len({round(c["area_km2"], 6) for c in figures.values()}) >= 4


def test_the_gaps_api_gives_each_choice_and_refuses_an_unknown_one(random_world, planner_client):
    coverage_compute(as_of=AS_OF)
    for group, tier in GAP_CHOICES:
        response = planner_client.get(f"/api/v1/coverage/gaps/?group={group}&tier={tier}")
        assert response.status_code == 200
        features = response.json()["features"]
        stored = CoverageGap.objects.get(snapshot__is_current=True, group=group, tier=tier)
        assert len(features) == (0 if stored.area is None else 1)
        if features:
            assert features[0]["properties"]["group"] == group
    for query in ("group=wifi&tier=served", "group=cable&tier=served", "tier=best"):
        response = planner_client.get(f"/api/v1/coverage/gaps/?{query}")
        assert response.status_code == 400, query
        assert "error" in response.json()
