"""Step 4, addresses: the addresses and facilities located in the unions, summed by village.

Points are located in METRIC_SRID (coverage.overlay); each gets its best coverage level
per technology group, then the counts and household weights are summed per village into
the compute.VillageInputs of the results.
"""

from dataclasses import dataclass, field

import numpy as np
import shapely

from coverage import overlay, sql
from coverage.compute import VillageInputs
from coverage.snapshot.areas import Geometry
from coverage.snapshot.inputs import Inputs
from coverage.snapshot.unions import Progress


@dataclass
class PointShares:
    """Points per village (index of village_rows) by (group, level): count and weight."""

    total: np.ndarray
    weight: np.ndarray
    covered: dict
    covered_weight: dict
    levels: dict  # {group: best level per point, -1 none}
    xy: np.ndarray  # n × 2 coordinates, METRIC_SRID


def _zone_index(village_ids: np.ndarray, settlement: np.ndarray) -> np.ndarray:
    """Return the position in `village_ids` of each point's village."""
    order = np.argsort(village_ids)
    return order[np.searchsorted(village_ids, settlement, sorter=order)]


def _point_shares(found: sql.Points, xy: np.ndarray, village_ids: np.ndarray, geo: Geometry):
    """Locate points (xy: their METRIC_SRID coordinates) in the unions and sum them by
    village."""
    levels = overlay.group_point_levels(geo.unions, xy)
    zone = _zone_index(village_ids, found.settlement)
    n = len(village_ids)
    return PointShares(
        total=np.bincount(zone, minlength=n),
        weight=np.bincount(zone, weights=found.weight, minlength=n),
        covered=overlay.cumulative_by_zone(levels, zone, n),
        covered_weight=overlay.cumulative_by_zone(levels, zone, n, found.weight),
        levels=levels,
        xy=xy,
    )


def _at(values: dict, i: int) -> dict:
    return {key: float(v[i]) for key, v in values.items()}


def _village_inputs(
    inputs: Inputs, geo: Geometry, adr: PointShares | None, fac: PointShares
) -> list[VillageInputs]:
    out = []
    for i, (vid, katottg, name_uk, name_en, households) in enumerate(inputs.village_rows):
        n_fac, n_conn, n_fast = inputs.facility_totals.get(vid, (0, 0, 0))
        area = inputs.villages_m[i]
        out.append(
            VillageInputs(
                id=vid,
                katottg=katottg,
                name_uk=name_uk,
                name_en=name_en or "",
                households_register=households,
                area_m2=None if area is None else float(shapely.area(area)),
                area_covered=_at(geo.village_area, i) if area is not None else {},
                addresses=int(adr.total[i]) if adr else 0,
                address_households=float(adr.weight[i]) if adr else 0.0,
                addresses_covered=_at(adr.covered, i) if adr else {},
                address_households_covered=_at(adr.covered_weight, i) if adr else {},
                facilities=n_fac,
                facilities_connected=n_conn,
                facilities_high_speed=n_fast,
                facilities_covered=_at(fac.covered, i),
            )
        )
    return out


@dataclass
class Gathered:
    area_m2: float
    area_covered: dict
    villages: list[VillageInputs]
    counts: dict = field(default_factory=dict)


def gather(inputs: Inputs, geo: Geometry, log: Progress):
    """Measure addresses and facilities; return (Gathered, address point shares or None)."""
    index = np.asarray([row[0] for row in inputs.village_rows], dtype="int64")
    counts = {"addresses": 0, "addresses_unlocated": inputs.addresses_unlocated}
    adr = None
    if inputs.addresses is not None:
        adr = _point_shares(inputs.addresses, inputs.addresses_xy, index, geo)
        counts["addresses"] = len(inputs.addresses.id)
        log(f"addresses located: {counts['addresses']}")
    fac = _point_shares(inputs.facilities, inputs.facilities_xy, index, geo)
    villages = _village_inputs(inputs, geo, adr, fac)
    counts["villages"] = len(villages)
    counts["facilities"] = sum(n for n, _, _ in inputs.facility_totals.values())
    counts["coverage_areas"] = len(inputs.areas_m)
    gathered = Gathered(
        area_m2=float(shapely.area(inputs.territories_m).sum()),
        area_covered=geo.area_covered,
        villages=villages,
        counts=counts,
    )
    return gathered, adr


def unserved(inputs: Inputs, adr: PointShares) -> dict[str, np.ndarray]:
    """Return the located addresses below the underserved tier, with the best advertised
    speeds reaching them (-1 where nothing does)."""
    level = adr.levels["any"]
    low = np.flatnonzero(level < 1)
    reached = low[level[low] == 0]
    down = np.full(len(low), -1, dtype="int64")
    up = np.full(len(low), -1, dtype="int64")
    best = overlay.best_speeds(
        shapely.points(adr.xy[reached]), inputs.areas_m, inputs.level, inputs.down, inputs.up
    )
    pos = np.searchsorted(low, reached)
    down[pos], up[pos] = best
    p = inputs.addresses
    return {
        "address_id": p.id[low],
        "settlement_id": p.settlement[low],
        "households": p.weight[low],
        "best_down_mbps": down,
        "best_up_mbps": up,
    }
