"""Vectorized coverage geometry with shapely 2 (GEOS, the engine PostGIS uses): pure.

The snapshot's heavy geometry runs here on arrays read from PostGIS by coverage.services:
unions of the coverage per (technology group, level), their parts inside zones (the
territories, villages, H3 hexagons), the best level of points (addresses, facilities)
and the best advertised speeds at a point. Every geometry is in one metric CRS (the
caller's settings.METRIC_SRID, EPSG:6385); areas are in m², coordinates in metres.
No ORM and no settings here.

Why not SQL: PostGIS pays a per-row function call for each of the ~14 million
address × area pairs and for each per-cell union; prepared GEOS geometries tested against
numpy coordinate arrays do the same work about a hundred times faster (bench/RESULTS.md).
"""

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np
import pyproj
import shapely

from coverage.compute import GROUPS, TECHNOLOGY_GROUPS, Thresholds

Key = tuple[str, int]  # (technology group, level)
LEVEL_VALUES = (0, 1, 2)
# A point covered by a group at level L is covered by its parent at level ≥ L, so a
# group's points are looked for only among its parent's (fibre ⊂ fixed ⊂ any).
PARENT = {"any": None, "fixed": "any", "fibre": "fixed", "mobile": "any", "wifi": "any"}
POLYGON = 3  # shapely type id
FEW_PARTS = 4  # up to this many parts, points are tested against each without an index


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


# --- points ----------------------------------------------------------------------------------


def box_pairs(bounds: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (point index, box index) of the points inside or on the edge of boxes
    (bounds: n × 4, x0 y0 x1 y1), sorted by point then box, without making geometries.

    The boxes are put into the cells of a grid (a box into each cell it reaches) and each
    point looks only at the boxes of its cell: the cell of a coordinate is a monotone
    function of it, so a point inside a box always falls in a cell the box reaches.
    """
    empty = np.empty(0, dtype="int64")
    bounds = np.asarray(bounds, dtype=float).reshape(-1, 4)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.flatnonzero(~np.isnan(bounds).any(axis=1))
    if len(ok) == 0 or len(x) == 0:
        return empty, empty
    b = bounds[ok]
    gx0, gy0 = b[:, 0].min(), b[:, 1].min()
    span = max(b[:, 2].max() - gx0, b[:, 3].max() - gy0)
    # Cells a third of a typical box (a point then looks at few boxes beyond its own), no
    # more of them than 36 per box.
    side = int(np.sqrt(36 * len(b))) + 1
    size = max(np.median(np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1])) / 3, span / side)
    if not size > 0:
        size = 1.0
    n_cells = int(span // size) + 1

    def cell(v, origin):
        return np.clip(np.floor((v - origin) / size), 0, n_cells - 1).astype("int64")

    bx0, bx1 = cell(b[:, 0], gx0), cell(b[:, 2], gx0)
    by0, by1 = cell(b[:, 1], gy0), cell(b[:, 3], gy0)
    nx, ny = bx1 - bx0 + 1, by1 - by0 + 1
    per_box = nx * ny
    box = np.repeat(np.arange(len(b)), per_box)
    k = np.arange(len(box)) - np.repeat(np.cumsum(per_box) - per_box, per_box)
    box_cell = (by0[box] + k // nx[box]) * n_cells + bx0[box] + k % nx[box]
    order = np.argsort(box_cell, kind="stable")
    box, box_cell = box[order], box_cell[order]
    start = np.searchsorted(box_cell, np.arange(n_cells * n_cells + 1))
    valid = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    pc = cell(y[valid], gy0) * n_cells + cell(x[valid], gx0)
    first, count = start[pc], start[pc + 1] - start[pc]
    pt = np.repeat(valid, count)
    j = box[np.repeat(first - np.cumsum(count) + count, count) + np.arange(len(pt))]
    keep = (x[pt] >= b[j, 0]) & (x[pt] <= b[j, 2]) & (y[pt] >= b[j, 1]) & (y[pt] <= b[j, 3])
    # Sorted by point, and by box within a point's cell (the sort by cell was stable).
    return pt[keep], ok[j[keep]]


def points_in(geom: shapely.Geometry, xy: np.ndarray) -> np.ndarray:
    """Return which points (xy: n × 2 coordinates) lie in `geom` or on its edge.

    The union's disjoint parts are tested each against the points inside its box (see
    box_pairs) with prepared geometries: a prepared MultiPolygon of thousands of parts is
    slow for points, as its point locator scans every edge crossing the point's y across
    all parts.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    hit = np.zeros(len(xy), dtype=bool)
    parts = polygons_of([geom])
    if len(parts) == 0 or len(xy) == 0:
        return hit
    shapely.prepare(parts)
    if len(parts) <= FEW_PARTS:
        for part, (x0, y0, x1, y1) in zip(parts, shapely.bounds(parts), strict=True):
            near = np.flatnonzero(
                (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
            )
            hit[near[shapely.intersects_xy(part, xy[near, 0], xy[near, 1])]] = True
        return hit
    pt, part = box_pairs(shapely.bounds(parts), xy[:, 0], xy[:, 1])
    inside = shapely.intersects_xy(parts[part], xy[pt, 0], xy[pt, 1])
    hit[pt[inside]] = True
    return hit


def point_levels(
    by_level: Mapping[int, shapely.Geometry],
    xy: np.ndarray,
    ceiling: np.ndarray | None = None,
) -> np.ndarray:
    """Return the best level L (-1 none) at which each point lies in `by_level[L]`.

    `by_level` is nested (L+1 inside L). Points on an edge count as inside (intersects).
    `ceiling`: an upper bound per point (a parent group's level); a point is looked for at
    level L only when its ceiling is ≥ L. When most of the coverage is of the top level the
    levels are tried from the top (a point found there needs no other test), else from the
    bottom (a point outside level 0 needs no other test).
    """
    top = shapely.area(by_level[2]) >= 0.5 * shapely.area(by_level[0])
    walk = _levels_top_down if top else _levels_bottom_up
    return walk(by_level, np.asarray(xy, dtype=float).reshape(-1, 2), ceiling)


def _allowed(ceiling: np.ndarray | None, n: int, lv: int) -> np.ndarray:
    return np.ones(n, dtype=bool) if ceiling is None else ceiling >= lv


def _levels_bottom_up(by_level, xy, ceiling) -> np.ndarray:
    level = np.full(len(xy), -1, dtype="int8")
    candidate = np.ones(len(xy), dtype=bool)
    for lv in LEVEL_VALUES:
        candidate &= _allowed(ceiling, len(xy), lv)
        idx = np.flatnonzero(candidate)
        if lv and by_level[lv] is by_level[lv - 1]:
            hit = idx  # the same union as the level below: no new test
        else:
            hit = idx[points_in(by_level[lv], xy[idx])]
        level[hit] = lv
        candidate = np.zeros(len(xy), dtype=bool)
        candidate[hit] = True
    return level


def _levels_top_down(by_level, xy, ceiling) -> np.ndarray:
    level = np.full(len(xy), -1, dtype="int8")
    remaining = np.ones(len(xy), dtype=bool)
    tested = np.zeros(len(xy), dtype=bool)  # against the union of the level above
    for lv in reversed(LEVEL_VALUES):
        same = lv < 2 and by_level[lv] is by_level[lv + 1]
        candidate = remaining & _allowed(ceiling, len(xy), lv)
        if same:
            candidate &= ~tested  # already found outside this very union
        idx = np.flatnonzero(candidate)
        hit = idx[points_in(by_level[lv], xy[idx])]
        level[hit] = lv
        remaining[hit] = False
        tested = (tested | candidate) if same else candidate
    return level


def group_point_levels(
    unions_: Mapping[Key, shapely.Geometry], xy: np.ndarray
) -> dict[str, np.ndarray]:
    """Return {group: best level per point (xy: n × 2 coordinates; -1 none)}, parents
    first."""
    out: dict[str, np.ndarray] = {}
    for group in sorted(GROUPS, key=_depth):
        by_level = {lv: unions_[(group, lv)] for lv in LEVEL_VALUES}
        out[group] = point_levels(by_level, xy, out.get(PARENT[group]))
    return out


def _depth(group: str) -> int:
    return 0 if PARENT[group] is None else 1 + _depth(PARENT[group])


def cumulative_by_zone(
    levels: Mapping[str, np.ndarray],
    zone: np.ndarray,
    n_zones: int,
    weights: np.ndarray | None = None,
) -> dict[Key, np.ndarray]:
    """Return {(group, L): per zone, the points (or weights) at level ≥ L}."""
    out = {}
    for group, level in levels.items():
        for lv in LEVEL_VALUES:
            hit = level >= lv
            w = None if weights is None else weights[hit]
            out[(group, lv)] = np.bincount(zone[hit], weights=w, minlength=n_zones)
    return out


def best_speeds(
    points: np.ndarray, geoms: np.ndarray, level: np.ndarray, down: np.ndarray, up: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return (down, up) Mbit/s of the best area at each point: highest level, then down,
    then up; -1 where no area reaches the point."""
    best_down = np.full(len(points), -1, dtype="int64")
    best_up = np.full(len(points), -1, dtype="int64")
    if len(points) == 0 or len(geoms) == 0:
        return best_down, best_up
    pt, area = shapely.STRtree(geoms).query(points, predicate="intersects")
    order = np.lexsort((-up[area], -down[area], -level[area], pt))
    pt, area = pt[order], area[order]
    first = np.ones(len(pt), dtype=bool)
    first[1:] = pt[1:] != pt[:-1]
    best_down[pt[first]] = down[area[first]]
    best_up[pt[first]] = up[area[first]]
    return best_down, best_up


# --- reprojection ------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _transformer(src: int, dst: int) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(src, dst, always_xy=True)


def reproject_xy(x: np.ndarray, y: np.ndarray, src: int, dst: int) -> tuple[np.ndarray, ...]:
    """Return coordinates transformed from EPSG:`src` to EPSG:`dst` (x = lon/easting)."""
    if len(x) == 0:
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return _transformer(src, dst).transform(np.asarray(x), np.asarray(y))


def reproject(geoms, src: int, dst: int) -> np.ndarray:
    """Return geometries with every vertex transformed (as PostGIS ST_Transform does)."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return geoms
    xy = shapely.get_coordinates(geoms)
    x, y = reproject_xy(xy[:, 0], xy[:, 1], src, dst)
    return shapely.set_coordinates(geoms.copy(), np.column_stack([x, y]))
