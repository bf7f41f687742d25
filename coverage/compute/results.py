"""The results document of a snapshot, assembled from what was measured per village.

Amounts are cumulative by level (see coverage.compute.tiers); areas in m², shares in
percent. The Free Wi-Fi zone and electronic appeal counts of the strategy's targets are
summed here too.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from coverage.compute.tiers import SERVED, Measure, entity_groups, share_pct


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
                # One facility count everywhere: "connected" means on high-speed internet,
                # the strategy's indicator (a school on 10 Mbit/s DSL still needs a line).
                "facilities_not_connected": s["facilities"]["total"]
                - s["facilities"]["high_speed"],
            }
            for s in settlements
        ),
        "wifi_zones": dict(wifi_zones or {}),
        "appeals": dict(appeals or {}),
    }
