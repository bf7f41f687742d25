"""Pure coverage arithmetic: tiers, groups, shares, greedy site choice."""

from datetime import date
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coverage import compute
from coverage.compute import Thresholds

T = Thresholds()


@pytest.mark.parametrize(
    ("down", "up", "tier"),
    [
        (100, 20, "served"),
        (1000, 19, "underserved"),
        (25, 3, "underserved"),
        (99, 100, "underserved"),
        (24, 100, "unserved"),
        (30, 2, "unserved"),
        (None, 20, "unserved"),
    ],
)
def test_speed_tier_needs_both_download_and_upload(down, up, tier):
    assert compute.speed_tier(down, up, T) == tier


def test_thresholds_come_from_settings_pairs_and_must_be_ordered():
    assert Thresholds.from_pairs((50, 10), (10, 1)).served_down == 50
    with pytest.raises(ValueError):
        Thresholds.from_pairs((10, 1), (50, 10))


def test_technology_groups_put_fibre_in_fixed_and_3g_only_in_any():
    assert compute.groups_of("fibre") == ("fixed", "fibre", "any")
    assert compute.groups_of("3g") == ("any",)
    assert compute.groups_of("5g") == ("mobile", "any")
    assert compute.groups_of("telegraph") == ()


def test_share_is_none_without_a_total():
    assert compute.share_pct(1, 4) == 25.0
    assert compute.share_pct(1, 0) is None and compute.share_pct(None, 5) is None


def test_tier_split_turns_cumulative_levels_into_bands_that_sum_to_the_total():
    split = compute.tier_split({0: 90.0, 1: 60.0, 2: 25.0}, 100.0)
    assert split == {"served": 25.0, "underserved": 35.0, "unserved": 40.0, "covered": 90.0}


def test_village_connected_at_exactly_the_share():
    assert compute.village_connected(50.0, 0.5)
    assert not compute.village_connected(49.99, 0.5)
    assert not compute.village_connected(None, 0.5)


def test_greedy_picks_the_biggest_new_gain_and_counts_each_household_once():
    picks = compute.greedy_max_coverage(
        {"a": {1, 2, 3}, "b": {3, 4}, "c": {5}}, {1: 1, 2: 1, 3: 5, 4: 2, 5: 1}, k=3
    )
    assert [(p.site, p.gain) for p in picks] == [("a", 7), ("b", 2), ("c", 1)]


def test_greedy_stops_when_nothing_new_is_reached():
    picks = compute.greedy_max_coverage({"a": {1}, "b": {1}}, {1: 3}, k=5)
    assert [p.site for p in picks] == ["a"]


def test_greedy_refuses_k_below_one():
    with pytest.raises(ValueError):
        compute.greedy_max_coverage({"a": {1}}, {1: 1}, k=0)


sites = st.dictionaries(
    st.sampled_from("abcdef"), st.frozensets(st.integers(0, 12), max_size=6), min_size=1
)


@given(sites, st.integers(1, 3))
def test_greedy_reaches_at_least_63_percent_of_the_best_choice(candidates, k):
    weights = {e: 1 + e % 4 for e in range(13)}
    greedy = sum(p.gain for p in compute.greedy_max_coverage(candidates, weights, k))
    best = max(
        sum(weights[e] for e in set().union(*(candidates[s] for s in combo)))
        for combo in combinations(candidates, min(k, len(candidates)))
    )
    assert greedy >= (1 - 1 / 2.718281828) * best - 1e-9
    assert greedy <= best


@pytest.mark.parametrize("radius", [0, -1, float("inf"), float("nan"), 2001])
def test_radius_must_be_positive_and_sane(radius):
    with pytest.raises(ValueError):
        compute.validate_radius_m(radius)


def test_wifi_zones_count_those_open_and_those_new_since_a_year():
    opened = [date(2019, 5, 1), date(2021, 8, 24), date(2023, 1, 1), None]
    assert compute.wifi_zone_counts(opened, as_of=date(2022, 12, 31), since_year=2020) == {
        "open": 3,
        "new_since_2020": 1,
    }


def test_appeals_by_year_give_the_electronic_share():
    rows = [(2021, True, 3), (2021, False, 1), (2022, False, 2)]
    assert compute.appeals_by_year(rows) == {
        "2021": {"total": 4, "electronic": 3, "electronic_pct": 75.0},
        "2022": {"total": 2, "electronic": 0, "electronic_pct": 0.0},
    }


def test_priority_list_ranks_most_unserved_households_first():
    villages = [
        {
            "katottg": "A",
            "name_uk": "А",
            "households_unserved_fixed": 10,
            "facilities_not_connected": 0,
        },
        {
            "katottg": "B",
            "name_uk": "Б",
            "households_unserved_fixed": 90,
            "facilities_not_connected": 1,
        },
        {
            "katottg": "C",
            "name_uk": "В",
            "households_unserved_fixed": 10,
            "facilities_not_connected": 3,
        },
    ]
    assert [v["katottg"] for v in compute.priority_list(villages)] == ["B", "C", "A"]
