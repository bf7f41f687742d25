"""The demo coverage reproduces the strategy's 2020 baseline."""

import pytest

from coverage import demo
from coverage.models import CoverageArea, CoverageSnapshot, WifiHotspot
from layers.demo import load_layers
from tests.helpers.db import rolled_back

PRIORITY = {"Makarykha", "Tsybuleve"}


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker):
    """The layers and coverage demo, loaded once for the module and rolled back after it."""
    with rolled_back(django_db_blocker):
        lines = []
        load_layers(lines.append)
        demo.load(lines.append)
        yield


@pytest.fixture
def demo_loaded(demo_once, db):
    return CoverageSnapshot.objects.get(is_current=True)


def test_demo_fibre_reaches_about_80_percent_of_households(demo_loaded):
    fibre = demo_loaded.results["territory"]["groups"]["fibre"]["covered"]
    assert 75 <= fibre["households_pct"] <= 85


def test_demo_high_speed_covers_about_a_quarter_of_the_territory(demo_loaded):
    served = demo_loaded.results["territory"]["groups"]["any"]["served"]
    assert 23 <= served["area_pct"] <= 27


def test_demo_makarykha_and_tsybuleve_have_no_fixed_broadband(demo_loaded):
    villages = {s["name_en"]: s for s in demo_loaded.results["settlements"]}
    for name in PRIORITY:
        fixed = villages[name]["groups"]["fixed"]
        assert fixed["covered"]["area_pct"] == 0
        assert fixed["covered"]["households_pct"] == 0
        assert villages[name]["connected"] is False
    assert demo_loaded.results["villages"]["priority_connected"] == 0


def test_demo_has_4g_in_the_centre_two_hotspots_and_yearly_snapshots(demo_loaded):
    villages = {s["name_en"]: s for s in demo_loaded.results["settlements"]}
    assert villages["Dmytrivka"]["groups"]["mobile"]["covered"]["area_pct"] == pytest.approx(100)
    assert WifiHotspot.objects.count() == 2
    assert demo_loaded.results["wifi_zones"] == {"open": 2, "new_since_2020": 2}
    years = sorted(s.as_of.year for s in CoverageSnapshot.objects.exclude(pk=demo_loaded.pk))
    assert years == [2020, 2021, 2022]


def test_demo_loads_twice_to_the_same_rows(demo_loaded):
    areas = sorted(CoverageArea.objects.values_list("note", "down_mbps"))
    demo.load(lambda line: None)
    assert sorted(CoverageArea.objects.values_list("note", "down_mbps")) == areas
    assert CoverageSnapshot.objects.count() == 4


def test_demo_targets_table_compares_each_year_with_its_snapshot(demo_loaded):
    from coverage.selectors import targets_table

    rows = {(r["indicator"], r["year"]): r for r in targets_table()}
    assert rows[("new_wifi_zones", 2021)]["actual"] == 1
    assert rows[("new_wifi_zones", 2021)]["met"] is False
    assert rows[("new_wifi_zones", 2022)]["actual"] == 2
    assert rows[("priority_villages_connected", 2022)]["actual"] == 0
    assert 85 <= rows[("territory_coverage_pct", 2022)]["actual"] < 100
