"""Vectorized coverage geometry with shapely 2 (GEOS, the engine PostGIS uses): pure.

The snapshot's heavy geometry runs here on arrays read from PostGIS by coverage.snapshot:
unions of the coverage per (technology group, level), their parts inside zones (the
territories, villages, H3 hexagons), the best level of points (addresses, facilities)
and the best advertised speeds at a point. Every geometry is in one metric CRS (the
caller's settings.METRIC_SRID, EPSG:6385); areas are in m², coordinates in metres.
No ORM and no settings here. The names are re-exported here: callers use
`coverage.overlay.X`.

Why not SQL: PostGIS pays a per-row function call for each of the ~14 million
address × area pairs and for each per-cell union; prepared GEOS geometries tested against
numpy coordinate arrays do the same work about a hundred times faster (bench/RESULTS.md).
"""

from coverage.overlay.points import (
    FEW_PARTS,
    PARENT,
    best_speeds,
    box_pairs,
    cumulative_by_zone,
    group_point_levels,
    point_levels,
    points_in,
)
from coverage.overlay.polygons import (
    LEVEL_VALUES,
    POLYGON,
    Key,
    clip_to_zones,
    dissolve,
    dissolve_onto,
    gap,
    group_masks,
    levels_of,
    overlaps,
    polygons_of,
    unions,
)
from coverage.overlay.reproject import (
    reproject,
    reproject_xy,
)

__all__ = [
    "FEW_PARTS",
    "Key",
    "LEVEL_VALUES",
    "PARENT",
    "POLYGON",
    "best_speeds",
    "box_pairs",
    "clip_to_zones",
    "cumulative_by_zone",
    "dissolve",
    "dissolve_onto",
    "gap",
    "group_masks",
    "group_point_levels",
    "levels_of",
    "overlaps",
    "point_levels",
    "points_in",
    "polygons_of",
    "reproject",
    "reproject_xy",
    "unions",
]
