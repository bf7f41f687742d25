"""Speed tiers and technology groups, and the shares of one entity by group and tier.

Speeds are in Mbit/s, shares in percent (0–100); amounts are whatever the caller measured
(areas in m² in METRIC_SRID, households, addresses, people).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

COVERAGE_TECHNOLOGIES = ("fibre", "dsl", "cable", "fixed_wireless", "3g", "4g", "5g", "wifi")
FIXED = ("fibre", "dsl", "cable", "fixed_wireless")
# Technology groups the planners read shares for; a technology may sit in several.
TECHNOLOGY_GROUPS: dict[str, tuple[str, ...]] = {
    "fixed": FIXED,
    "fibre": ("fibre",),
    "mobile": ("4g", "5g"),
    "wifi": ("wifi",),
    "any": COVERAGE_TECHNOLOGIES,
}
GROUPS = tuple(TECHNOLOGY_GROUPS)

# Speed tiers, best first. A "level" is the tier as a number: an area of level L also
# counts for every lower level (served coverage is also at least underserved).
SERVED, UNDERSERVED, UNSERVED = "served", "underserved", "unserved"
LEVELS = {SERVED: 2, UNDERSERVED: 1, "covered": 0}
# Gap tiers: where the territory lacks coverage of at least this tier ("covered": any).
TIERS = (SERVED, UNDERSERVED, "covered")
# The gaps a planner switches between (group, tier): the territory without coverage of
# the group at the tier's level — below 100/20 or 25/3 by any technology, no coverage at
# all, no fixed broadband (at all, or at 100/20), no mobile 4G/5G, no fibre.
GAP_CHOICES = (
    ("any", SERVED),
    ("any", UNDERSERVED),
    ("any", "covered"),
    ("fixed", "covered"),
    ("fixed", SERVED),
    ("mobile", "covered"),
    ("fibre", "covered"),
)
# A Free Wi-Fi access point reaching further than this is a typing error, not a plan.
HOTSPOT_MAX_RADIUS_M = 2000
WIFI_SITES_MAX_K = 50
# Advertised speeds assumed for a signal raster when none are given, (down, up) Mbit/s.
TYPICAL_MBPS = {
    "3g": (5, 1),
    "4g": (30, 10),
    "5g": (200, 50),
    "fixed_wireless": (50, 10),
    "wifi": (50, 10),
}


@dataclass(frozen=True)
class Thresholds:
    """Speed thresholds of the tiers, Mbit/s: served ≥ served_*, underserved ≥ under_*."""

    served_down: float = 100
    served_up: float = 20
    under_down: float = 25
    under_up: float = 3

    @classmethod
    def from_pairs(cls, served: Iterable[float], underserved: Iterable[float]) -> "Thresholds":
        (sd, su), (ud, uu) = tuple(served), tuple(underserved)
        if sd < ud or su < uu:
            raise ValueError("served thresholds must not be below the underserved ones")
        return cls(served_down=sd, served_up=su, under_down=ud, under_up=uu)

    def as_dict(self) -> dict:
        return {
            "served_mbps": [self.served_down, self.served_up],
            "underserved_mbps": [self.under_down, self.under_up],
        }


def speed_level(down_mbps: float | None, up_mbps: float | None, t: Thresholds) -> int:
    """Return the tier level of advertised speeds: 2 served, 1 underserved, 0 below.

    Unknown speeds (None) count as below every tier.
    """
    if down_mbps is None or up_mbps is None:
        return 0
    if down_mbps >= t.served_down and up_mbps >= t.served_up:
        return 2
    if down_mbps >= t.under_down and up_mbps >= t.under_up:
        return 1
    return 0


def speed_tier(down_mbps: float | None, up_mbps: float | None, t: Thresholds) -> str:
    """Return "served", "underserved" or "unserved" for advertised speeds."""
    return (UNSERVED, UNDERSERVED, SERVED)[speed_level(down_mbps, up_mbps, t)]


def groups_of(technology: str) -> tuple[str, ...]:
    """Return the technology groups a technology belongs to; () when it is unknown."""
    return tuple(group for group, members in TECHNOLOGY_GROUPS.items() if technology in members)


def share_pct(part: float | None, total: float | None) -> float | None:
    """Return part/total in percent; None when the total is unknown or zero."""
    if part is None or not total:
        return None
    return 100.0 * part / total


def tier_split(cumulative: Mapping[int, float], total: float | None) -> dict[str, float | None]:
    """Split cumulative counts by level into the tiers.

    `cumulative[L]` counts what has coverage of level ≥ L (missing levels count 0).
    Returns served, underserved (level 1 but not 2), unserved (the rest of `total`,
    coverage below 25/3 or none) and covered (any coverage at all).
    """
    c0, c1, c2 = (float(cumulative.get(level, 0.0)) for level in (0, 1, 2))
    return {
        SERVED: c2,
        UNDERSERVED: c1 - c2,
        UNSERVED: None if total is None else max(total - c1, 0.0),
        "covered": c0,
    }


@dataclass
class Measure:
    """One quantity measured over an entity: its total and cumulative covered amounts.

    `covered[(group, level)]` is the amount with coverage of that group at level ≥ level.
    """

    name: str
    total: float | None
    covered: Mapping[tuple[str, int], float]


def entity_groups(measures: Iterable[Measure]) -> dict[str, dict[str, dict]]:
    """Return {group: {tier: {measure: amount, measure_pct: share}}} for one entity.

    The share of "area_m2" is called "area_pct". The tiers are tier_split's, written out
    here: the results of every village are assembled again at each coverage edit (1,500
    villages at oblast size), so this loop is kept tight.
    """
    named = [(m.name, f"{m.name.removesuffix('_m2')}_pct", m.total, m.covered) for m in measures]
    out: dict[str, dict[str, dict]] = {}
    for group in GROUPS:
        served: dict = {}
        underserved: dict = {}
        unserved: dict = {}
        covered: dict = {}
        for name, pct_key, total, amounts in named:
            c0 = float(amounts.get((group, 0), 0.0))
            c1 = float(amounts.get((group, 1), 0.0))
            c2 = float(amounts.get((group, 2), 0.0))
            rest = None if total is None else max(total - c1, 0.0)
            for tier, amount in ((served, c2), (underserved, c1 - c2), (unserved, rest),
                                 (covered, c0)):  # fmt: skip
                tier[name] = None if total is None else amount
                tier[pct_key] = None if amount is None or not total else 100.0 * amount / total
        out[group] = {
            SERVED: served,
            UNDERSERVED: underserved,
            UNSERVED: unserved,
            "covered": covered,
        }
    return out
