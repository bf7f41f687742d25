"""Points in the coverage unions: the best level of each point, sums by zone, best speeds.

Coordinates are n × 2 arrays in the metric CRS of the unions (METRIC_SRID), in metres.
"""

from collections.abc import Mapping

import numpy as np
import shapely

from coverage.compute import GROUPS
from coverage.overlay.polygons import LEVEL_VALUES, Key, polygons_of

# A point covered by a group at level L is covered by its parent at level ≥ L, so a
# group's points are looked for only among its parent's (fibre ⊂ fixed ⊂ any).
PARENT = {"any": None, "fixed": "any", "fibre": "fixed", "mobile": "any", "wifi": "any"}
FEW_PARTS = 4  # up to this many parts, points are tested against each without an index


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
