"""compute.tiers.entity_groups, written out for speed, equals its definition: per group,
tier_split of each measure's cumulative amounts and share_pct of each amount."""

import random

from coverage.compute.tiers import GROUPS, Measure, entity_groups, share_pct, tier_split


def _by_definition(measures: list[Measure]) -> dict:
    out = {}
    for group in GROUPS:
        tiers = {tier: {} for tier in ("served", "underserved", "unserved", "covered")}
        for m in measures:
            split = tier_split({lv: m.covered.get((group, lv), 0.0) for lv in (0, 1, 2)}, m.total)
            for tier, amount in split.items():
                tiers[tier][m.name] = amount if m.total is not None else None
                tiers[tier][f"{m.name.removesuffix('_m2')}_pct"] = share_pct(amount, m.total)
        out[group] = tiers
    return out


def _ordered(value):
    """The value with every dict as a list of (key, value): the order counts too."""
    if isinstance(value, dict):
        return [(key, _ordered(v)) for key, v in value.items()]
    return value


def test_entity_groups_equals_its_definition_on_random_measures():
    rng = random.Random(7)
    names = ("area_m2", "households", "addresses", "facilities", "population")
    for _ in range(500):
        measures = [
            Measure(
                name,
                rng.choice([None, 0.0, rng.uniform(0, 100), float(rng.randint(1, 9))]),
                {
                    (group, level): rng.choice([0.0, rng.uniform(0, 120)])
                    for group in GROUPS
                    for level in (0, 1, 2)
                    if rng.random() < 0.7
                },
            )
            for name in names
        ]
        assert _ordered(entity_groups(measures)) == _ordered(_by_definition(measures))
