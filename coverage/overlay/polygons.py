"""Coverage polygons on arrays: unions per (technology group, level), parts inside zones.

Every geometry is in one metric CRS (the caller's settings.METRIC_SRID, EPSG:6385); areas
are in m². The unions run on several threads: GEOS releases the GIL.
"""

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely

from coverage.compute import GROUPS, TECHNOLOGY_GROUPS, Thresholds

Key = tuple[str, int]  # (technology group, level)
LEVEL_VALUES = (0, 1, 2)
POLYGON = 3  # shapely type id


def levels_of(down_mbps: np.ndarray, up_mbps: np.ndarray, t: Thresholds) -> np.ndarray:
    """Return the tier level (2 served, 1 underserved, 0 below) of each pair of speeds."""
    down, up = np.asarray(down_mbps), np.asarray(up_mbps)
    served = (down >= t.served_down) & (up >= t.served_up)
    under = (down >= t.under_down) & (up >= t.under_up)
    return np.where(served, 2, np.where(under, 1, 0)).astype("int8")


def group_masks(technology: np.ndarray, level: np.ndarray) -> dict[Key, np.ndarray]:
    """Return {(group, L): which areas count for the group at level ≥ L}."""
    technology = np.asarray(technology)
    out = {}
    for group in GROUPS:
        member = np.isin(technology, TECHNOLOGY_GROUPS[group])
        for lv in LEVEL_VALUES:
            out[(group, lv)] = member & (level >= lv)
    return out


# --- unions ----------------------------------------------------------------------------------


def polygons_of(geoms, *, return_index: bool = False):
    """Return the polygons inside geometries (collections flattened, lines/points dropped);
    with `return_index`, also the index of the geometry each polygon came from."""
    outer, i = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    parts, j = shapely.get_parts(outer, return_index=True)
    keep = shapely.get_type_id(parts) == POLYGON
    return (parts[keep], i[j][keep]) if return_index else parts[keep]


def _components(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """Label the connected components of n nodes joined by edges (a[i], b[i])."""
    label = np.arange(n)
    while True:
        low = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, label):
            return label
        label = new


def dissolve(geoms: np.ndarray) -> shapely.Geometry:
    """Return the union of polygons as a MultiPolygon (empty for none).

    Areas far apart need no overlay against each other: the polygons are first grouped
    into chains of intersecting polygons, each group is unioned alone and the groups'
    disjoint parts are collected. When one group holds most polygons this is plain
    shapely.union_all.
    """
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return shapely.MultiPolygon()
    a, b = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    label = _components(a, b, len(geoms))
    order = np.argsort(label, kind="stable")
    groups = np.split(order, np.flatnonzero(np.diff(label[order])) + 1)
    merged = [geoms[g[0]] if len(g) == 1 else shapely.union_all(geoms[g]) for g in groups]
    return shapely.multipolygons(polygons_of(merged))


def dissolve_onto(base: shapely.Geometry, geoms: np.ndarray) -> shapely.Geometry:
    """Return the union of a dissolved MultiPolygon and more polygons; those the base
    already covers are dropped first, and base parts no new polygon touches are kept."""
    parts = polygons_of([base])
    geoms = np.asarray(geoms, dtype=object)
    if len(parts) and len(geoms):
        shapely.prepare(parts)
        # Boxes first, then `covers` with the base's parts prepared: STRtree's own predicate
        # would prepare each new polygon and pass over a whole large part for it.
        new, part = shapely.STRtree(parts).query(geoms)
        inside = new[shapely.covers(parts[part], geoms[new])]
        geoms = np.delete(geoms, np.unique(inside))
    if len(geoms) == 0:
        return base
    return dissolve(np.concatenate([parts, geoms]))


def _plan(masks: Mapping[Key, np.ndarray], weight: np.ndarray) -> list[tuple]:
    """Order the distinct selections smallest first, each with the biggest (by summed
    `weight`) earlier selection it contains as its base: [(keys, mask, base index)]."""
    distinct: dict[bytes, list[Key]] = {}
    for key, mask in masks.items():
        distinct.setdefault(np.packbits(mask).tobytes(), []).append(key)
    jobs = sorted(distinct.values(), key=lambda keys: int(masks[keys[0]].sum()))
    plan = []
    for keys in jobs:
        mask = masks[keys[0]]
        subsets = [i for i, (_, m, _) in enumerate(plan) if not (m & ~mask).any()]
        base = max(subsets, key=lambda i: float(weight[plan[i][1]].sum()), default=None)
        plan.append((keys, mask, base))
    return plan


def unions(
    geoms: np.ndarray, masks: Mapping[Key, np.ndarray], *, workers: int = 2
) -> dict[Key, shapely.Geometry]:
    """Dissolve the areas selected by each mask, reusing work: equal selections are
    dissolved once, and a selection containing an earlier one is dissolved onto it (the
    earlier one covering the most area), so served coverage is unioned once for all tiers
    and a group's areas once for the groups containing it.

    Runs `workers` threads (GEOS releases the GIL).
    """
    plan = _plan(masks, shapely.area(geoms))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures: list = []
        for _, mask, base in plan:
            futures.append(pool.submit(_union_job, geoms, mask, plan, futures, base))
        return {
            key: f.result() for (keys, _, _), f in zip(plan, futures, strict=True) for key in keys
        }


def _union_job(geoms, mask, plan, futures, base):
    if base is None:
        return dissolve(geoms[mask])
    # Jobs are submitted in plan order and run first in, first out: the base is running
    # or done, never waiting behind this one.
    return dissolve_onto(futures[base].result(), geoms[mask & ~plan[base][1]])


# --- zones -----------------------------------------------------------------------------------


def overlaps(pieces: np.ndarray, zones: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Measure, per zone, the area (m²) of its overlap with disjoint polygons `pieces`.

    A zone a piece covers whole takes its own area, a piece inside a zone its own, without
    an intersection. Returns (areas per zone, zone index per overlap, overlap geometry).
    """
    zones = np.asarray(zones, dtype=object)
    pieces = np.asarray(pieces, dtype=object)
    if len(pieces) == 0 or len(zones) == 0:
        return np.zeros(len(zones)), np.empty(0, dtype="int64"), np.empty(0, dtype=object)
    # Pairs whose boxes overlap; the predicate is then tested here, with the pieces
    # prepared: STRtree's own predicate prepares each zone instead, which costs a pass
    # over the large piece for every small zone (10–20× slower for the H3 hexagons).
    z, p = shapely.STRtree(pieces).query(zones)
    shapely.prepare(pieces)
    shapely.prepare(zones)
    whole = shapely.covers(pieces[p], zones[z])
    within = ~whole & shapely.covers(zones[z], pieces[p])
    rest = np.flatnonzero(~whole & ~within)
    keep = whole | within
    keep[rest[shapely.intersects(pieces[p[rest]], zones[z[rest]])]] = True
    z, p, whole, within = z[keep], p[keep], whole[keep], within[keep]
    cut = ~whole & ~within
    parts = np.empty(len(z), dtype=object)
    parts[whole] = zones[z[whole]]
    parts[within] = pieces[p[within]]
    parts[cut] = shapely.intersection(zones[z[cut]], pieces[p[cut]])
    return np.bincount(z, weights=shapely.area(parts), minlength=len(zones)), z, parts


def clip_to_zones(union: shapely.Geometry, zones: np.ndarray) -> tuple[np.ndarray, ...]:
    """Return (area inside each zone, polygons of union ∩ zones, their zone index) of a
    dissolved union."""
    areas, z, parts = overlaps(polygons_of([union]), zones)
    pieces, i = polygons_of(parts, return_index=True)
    return areas, pieces, z[i]


def gap(zone: shapely.Geometry, pieces: Sequence) -> shapely.Geometry:
    """Return the part of a zone outside disjoint polygons (already clipped to it)."""
    if not len(pieces):
        return zone
    return shapely.difference(zone, shapely.multipolygons(list(pieces)))
