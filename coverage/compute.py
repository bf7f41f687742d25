"""Pure coverage arithmetic: speed tiers, technology groups, shares, greedy site choice.

No ORM and no settings here: the services pass thresholds in and get plain values back.
Speeds are in Mbit/s, areas in m² (measured by the caller in METRIC_SRID), shares in
percent (0–100).
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np

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

    The share of "area_m2" is called "area_pct".
    """
    out: dict[str, dict[str, dict]] = {}
    measures = list(measures)
    for group in GROUPS:
        tiers: dict[str, dict] = {tier: {} for tier in (SERVED, UNDERSERVED, UNSERVED, "covered")}
        for measure in measures:
            cumulative = {lv: measure.covered.get((group, lv), 0.0) for lv in (0, 1, 2)}
            split = tier_split(cumulative, measure.total)
            for tier, amount in split.items():
                tiers[tier][measure.name] = amount if measure.total is not None else None
                pct_key = f"{measure.name.removesuffix('_m2')}_pct"
                tiers[tier][pct_key] = share_pct(amount, measure.total)
        out[group] = tiers
    return out


def estimate_households(
    households: int | None, area_m2: float | None, area_covered: Mapping[tuple[str, int], float]
) -> tuple[float | None, dict[tuple[str, int], float]]:
    """Spread a village's households evenly over its area (no address register there).

    Returns (total, covered by (group, level)); (None, {}) when either is unknown.
    """
    if not households or not area_m2:
        return (None, {})
    return (
        float(households),
        {key: households * value / area_m2 for key, value in area_covered.items()},
    )


def village_connected(fixed_served_households_pct: float | None, min_share: float) -> bool:
    """Tell whether a village counts as connected: at least `min_share` (0–1) of its
    households are served by fixed broadband."""
    if fixed_served_households_pct is None:
        return False
    return fixed_served_households_pct >= 100.0 * min_share - 1e-9


def priority_list(villages: Iterable[Mapping]) -> list[dict]:
    """Rank villages for connection: most households without served fixed broadband
    first, then most facilities not connected. Each village needs `katottg`, `name_uk`,
    `households_unserved_fixed` and `facilities_not_connected`."""
    rows = [
        {
            "katottg": v["katottg"],
            "name_uk": v["name_uk"],
            "name_en": v.get("name_en", ""),
            "households_unserved_fixed": round(v["households_unserved_fixed"] or 0.0, 1),
            "facilities_not_connected": v["facilities_not_connected"],
            "connected": v.get("connected", False),
        }
        for v in villages
    ]
    rows.sort(
        key=lambda r: (
            -r["households_unserved_fixed"],
            -r["facilities_not_connected"],
            r["name_uk"],
        )
    )
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


@dataclass(frozen=True)
class SitePick:
    """One chosen site: what it newly covers given the sites chosen before it."""

    site: Hashable
    gain: float
    elements: frozenset


def greedy_max_coverage(
    candidates: Mapping[Hashable, Iterable[Hashable]],
    weights: Mapping[Hashable, float],
    k: int,
    *,
    already_covered: Iterable[Hashable] = (),
) -> list[SitePick]:
    """Pick up to k candidate sites that together newly cover the most weight (greedy).

    `candidates` maps a site to the elements (addresses) it would cover; `weights` gives
    each element's weight (households). Elements in `already_covered` gain nothing. Ties
    go to the site listed first. Stops early when no site adds anything. The greedy
    choice is within (1 − 1/e) of the optimum. Raises ValueError when k < 1.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    covered = set(already_covered)
    remaining = {site: frozenset(elements) for site, elements in candidates.items()}
    picks: list[SitePick] = []
    while remaining and len(picks) < k:
        best, best_gain, best_new = None, 0.0, frozenset()
        for site, elements in remaining.items():
            new = elements - covered
            gain = float(sum(weights.get(e, 0.0) for e in new))
            if gain > best_gain:
                best, best_gain, best_new = site, gain, new
        if best is None:
            break
        picks.append(SitePick(site=best, gain=best_gain, elements=best_new))
        covered |= best_new
        del remaining[best]
    return picks


def validate_radius_m(radius_m: float, *, maximum: float = HOTSPOT_MAX_RADIUS_M) -> float:
    """Return the radius when 0 < radius_m ≤ maximum and finite; ValueError otherwise."""
    if radius_m is None or not np.isfinite(radius_m) or radius_m <= 0:
        raise ValueError("radius_m must be a positive number of metres")
    if radius_m > maximum:
        raise ValueError(f"radius_m must be at most {maximum:g} m")
    return float(radius_m)


def wifi_zone_counts(opened: Iterable[date | None], *, as_of: date, since_year: int) -> dict:
    """Count Free Wi-Fi zones open on `as_of`, and those opened since `since_year`.

    A zone without an opening date counts as open but not as new.
    """
    opened = list(opened)
    open_now = [d for d in opened if d is None or d <= as_of]
    new = [d for d in open_now if d is not None and d.year >= since_year]
    return {"open": len(open_now), f"new_since_{since_year}": len(new)}


def appeals_by_year(rows: Iterable[tuple[int, bool, int]]) -> dict[str, dict]:
    """Sum report counts into {year: {total, electronic, electronic_pct}}.

    rows: (year, filed electronically?, count).
    """
    out: dict[str, dict] = {}
    for year, electronic, count in rows:
        entry = out.setdefault(str(year), {"total": 0, "electronic": 0})
        entry["total"] += count
        if electronic:
            entry["electronic"] += count
    for entry in out.values():
        entry["electronic_pct"] = share_pct(entry["electronic"], entry["total"])
    return dict(sorted(out.items()))


# --- assembling a snapshot's results --------------------------------------------------------

Cumulative = Mapping[tuple[str, int], float]


@dataclass
class VillageInputs:
    """What the database measured for one village (amounts cumulative by level)."""

    id: int
    katottg: str
    name_uk: str
    name_en: str
    households_register: int | None
    area_m2: float | None
    area_covered: Cumulative
    addresses: int = 0
    address_households: float = 0.0
    addresses_covered: Cumulative | None = None
    address_households_covered: Cumulative | None = None
    facilities: int = 0
    facilities_connected: int = 0
    facilities_high_speed: int = 0
    facilities_covered: Cumulative | None = None
    population: float | None = None
    population_covered: Cumulative | None = None


def _households(v: VillageInputs) -> tuple[str | None, float | None, Cumulative]:
    """Return (method, total, covered): the register's households, else an estimate."""
    if v.addresses:
        return ("register", v.address_households, v.address_households_covered or {})
    total, covered = estimate_households(v.households_register, v.area_m2, v.area_covered)
    return ("estimate" if total is not None else None, total, covered)


def _facilities(total: int, connected: int, high_speed: int) -> dict:
    return {
        "total": total,
        "connected": connected,
        "connected_pct": share_pct(connected, total),
        "high_speed": high_speed,
        "high_speed_pct": share_pct(high_speed, total),
    }


def village_result(v: VillageInputs, *, min_share: float) -> dict:
    """Return one village's results: totals, the facilities and every group × tier."""
    method, households, households_covered = _households(v)
    groups = entity_groups(
        [
            Measure("area_m2", v.area_m2, v.area_covered),
            Measure("households", households, households_covered),
            Measure(
                "addresses", float(v.addresses) if v.addresses else None, v.addresses_covered or {}
            ),
            Measure(
                "facilities",
                float(v.facilities) if v.facilities else None,
                v.facilities_covered or {},
            ),
            Measure("population", v.population, v.population_covered or {}),
        ]
    )
    fixed_served = groups["fixed"][SERVED]
    return {
        "id": v.id,
        "katottg": v.katottg,
        "name_uk": v.name_uk,
        "name_en": v.name_en,
        "area_m2": v.area_m2,
        "households_total": households,
        "households_method": method,
        "addresses_total": v.addresses,
        "population_total": v.population,
        "facilities": _facilities(v.facilities, v.facilities_connected, v.facilities_high_speed),
        "groups": groups,
        "connected": village_connected(fixed_served["households_pct"], min_share),
        "households_unserved_fixed": None
        if households is None
        else households - (fixed_served["households"] or 0.0),
    }


def _sum_cumulative(parts: Iterable[Cumulative]) -> dict[tuple[str, int], float]:
    total: dict[tuple[str, int], float] = {}
    for part in parts:
        for key, value in part.items():
            total[key] = total.get(key, 0.0) + value
    return total


def territory_result(
    territory: Mapping,
    area_covered: Cumulative,
    villages: list[VillageInputs],
    population: tuple[float, Cumulative] | None = None,
) -> dict:
    """Return the territory's results: its area, and the villages' people and facilities.

    `population`: (people in the territory, people covered by (group, level)) from a
    population raster, or None when none is loaded.
    """
    pop_total, pop_covered = population if population is not None else (None, {})
    households = [_households(v) for v in villages]
    known = [(total, covered) for _, total, covered in households if total is not None]
    methods = {method for method, total, _ in households if total is not None}
    n_addresses = sum(v.addresses for v in villages)
    n_facilities = sum(v.facilities for v in villages)
    groups = entity_groups(
        [
            Measure("area_m2", territory["area_m2"], area_covered),
            Measure(
                "households",
                sum(total for total, _ in known) if known else None,
                _sum_cumulative(covered for _, covered in known),
            ),
            Measure(
                "addresses",
                float(n_addresses) if n_addresses else None,
                _sum_cumulative(v.addresses_covered or {} for v in villages),
            ),
            Measure(
                "facilities",
                float(n_facilities) if n_facilities else None,
                _sum_cumulative(v.facilities_covered or {} for v in villages),
            ),
            Measure("population", pop_total, pop_covered),
        ]
    )
    return {
        **dict(territory),
        "population_total": pop_total,
        "households_total": sum(total for total, _ in known) if known else None,
        "households_method": methods.pop() if len(methods) == 1 else ("mixed" if methods else None),
        "addresses_total": n_addresses,
        "facilities": _facilities(
            n_facilities,
            sum(v.facilities_connected for v in villages),
            sum(v.facilities_high_speed for v in villages),
        ),
        "groups": groups,
    }


def snapshot_results(
    *,
    territory: Mapping,
    area_covered: Cumulative,
    villages: list[VillageInputs],
    min_share: float,
    priority_codes: Iterable[str] = (),
    wifi_zones: Mapping | None = None,
    appeals: Mapping | None = None,
    population: tuple[float, Cumulative] | None = None,
) -> dict:
    """Assemble the results stored in a CoverageSnapshot (JSON-ready).

    `population` as in territory_result; villages carry their own population figures.
    """
    settlements = [village_result(v, min_share=min_share) for v in villages]
    connected = [s for s in settlements if s["connected"]]
    priority_codes = tuple(priority_codes)
    priority = [s for s in settlements if s["katottg"] in priority_codes]
    return {
        "territory": territory_result(territory, area_covered, villages, population),
        "settlements": settlements,
        "villages": {
            "total": len(settlements),
            "connected": len(connected),
            "connected_pct": share_pct(len(connected), len(settlements)),
            "priority_total": len(priority),
            "priority_connected": sum(1 for s in priority if s["connected"]),
        },
        "priorities": priority_list(
            {
                **s,
                "facilities_not_connected": s["facilities"]["total"] - s["facilities"]["connected"],
            }
            for s in settlements
        ),
        "wifi_zones": dict(wifi_zones or {}),
        "appeals": dict(appeals or {}),
    }
