"""Step 3, areas: the unions measured inside the territories and villages, and the gaps.

Areas are in m², measured in METRIC_SRID; the gaps (the territory outside any coverage of
a tier) are stored as METRIC_SRID WKB snapped to GAP_GRID_M.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import shapely

from coverage import overlay
from coverage.compute import GAP_CHOICES, LEVELS
from coverage.snapshot.inputs import Inputs, Rows, area_inputs
from coverage.snapshot.unions import Progress, copies, unions_of

GAP_GRID_M = 0.001  # precision of the stored gap outlines, metres


@dataclass
class Geometry:
    """The coverage unions (METRIC_SRID) and what was measured with them."""

    unions: dict  # {(group, level): MultiPolygon, not clipped}
    clipped: dict  # {(group, level): polygons of the union inside the territories}
    clipped_zone: dict  # {(group, level): the territory (index) of each of those polygons}
    area_covered: dict  # {(group, level): m² inside the territories}
    village_area: dict  # {(group, level): m² per village (index of village_rows)}


def areas_measured(rows: Rows, params: dict, log: Progress, workers: int):
    """Return (the Inputs of the areas, their Geometry)."""
    inputs = area_inputs(rows, params["thresholds"], params["srid"])
    return inputs, measure_areas(inputs, log, workers)


def measure_areas(inputs: Inputs, log: Progress, workers: int) -> Geometry:
    """Union the coverage areas (step 2) and measure each union inside the territories and
    villages, one union per thread."""
    unions = unions_of(inputs, log, workers)
    has = np.asarray([g is not None for g in inputs.villages_m], dtype=bool)

    def measure(union):
        # Each thread works on its own copies: GEOS prepares a geometry lazily on first
        # use, which is not safe from two threads at once.
        territories, villages = copies(inputs.territories_m), copies(inputs.villages_m[has])
        areas, pieces, zone = overlay.clip_to_zones(union, territories)
        per_village = np.zeros(len(has))
        per_village[has] = overlay.overlaps(overlay.polygons_of([union]), villages)[0]
        return float(areas.sum()), pieces, zone, per_village

    distinct = {id(u): u for u in unions.values()}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        done = dict(zip(distinct, pool.map(measure, distinct.values()), strict=True))
    parts = [{key: done[id(u)][i] for key, u in unions.items()} for i in range(4)]
    log("territory and village areas measured")
    return Geometry(unions, parts[1], parts[2], parts[0], parts[3])


def gaps(inputs: Inputs, geo: Geometry) -> list[tuple[str, str, int, float, bytes | None]]:
    """Return (group, tier, territory index, m², WKB METRIC_SRID or None) of each
    territory's part outside any coverage of the group at the tier's level, for each of
    compute.GAP_CHOICES. Each territory's gap is kept apart (not joined across borders), so
    that an edit rewrites only the gaps of the territories it touches."""
    out = []
    for group, tier in GAP_CHOICES:
        key = (group, LEVELS[tier])
        pieces, where = geo.clipped[key], geo.clipped_zone[key]
        for i, zone in enumerate(inputs.territories_m):
            gap = overlay.gap(zone, pieces[where == i])
            area = float(shapely.area(gap))
            # Slivers of a few nm² left by the overlay collapse in degrees: snap to 1 mm.
            gap = shapely.set_precision(gap, GAP_GRID_M)
            wkb = None if gap.is_empty else shapely.to_wkb(gap)
            out.append((group, tier, i, area, wkb))
    return out
