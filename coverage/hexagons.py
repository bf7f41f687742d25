"""Coverage shares by H3 hexagon (resolution 8) for the public map, made at snapshot time.

`h3` lists the cells that touch the territory and draws their outlines (straight edges
between the cell's vertices in EPSG:4326, as stored); coverage.overlay measures each
hexagon's part inside the territory, the coverage within it (the territory-clipped unions)
and the households of the addresses inside it. Nothing here runs in a GET: the rows are
stored with the snapshot (coverage.models.CoverageHexagon).
"""

from collections.abc import Mapping
from dataclasses import dataclass

import h3
import numpy as np
import shapely

from coverage import overlay

H3_RESOLUTION = 8

# (group, level) pairs stored per hexagon: any coverage, high-speed, fixed broadband served.
HEX_PIECES = (("any", 0), ("any", 2), ("fixed", 2))


def cells_of(geojson: dict, resolution: int = H3_RESOLUTION) -> list[str]:
    """Return the H3 cells that overlap a GeoJSON (Multi)Polygon in EPSG:4326, sorted."""
    shape = h3.geo_to_h3shape(geojson)
    return sorted(h3.h3shape_to_cells_experimental(shape, resolution, contain="overlap"))


def cell_wkt(cell: str) -> str:
    """Return the outline of an H3 cell as WKT (lon lat, EPSG:4326), ring closed."""
    ring = [(lng, lat) for lat, lng in h3.cell_to_boundary(cell)]
    ring.append(ring[0])
    return "POLYGON((" + ", ".join(f"{x:.9f} {y:.9f}" for x, y in ring) + "))"


def suppressed_pct(part, total, n, minimum: int) -> np.ndarray:
    """Return part/total in percent per item, NaN where fewer than `minimum` items stand
    behind it (too few homes to publish a share without telling about one of them) or
    total is 0. Arrays (or numbers) of the same length."""
    part, total = np.asarray(part, dtype=float), np.asarray(total, dtype=float)
    shown = (np.asarray(n) >= minimum) & (total != 0) & ~np.isnan(part)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(shown, 100.0 * part / total, np.nan)


# --- the snapshot's hexagons -------------------------------------------------------------------


def outline_rings(cells: list[str]) -> np.ndarray:
    """Return the cells' closed outlines as an n × 7 × 2 array of lon, lat (EPSG:4326),
    rounded to 1e-9° as cell_wkt writes them."""
    if not cells:
        return np.empty((0, 7, 2))
    rings = np.array([h3.cell_to_boundary(c) for c in cells])[:, :, ::-1].round(9)
    return np.concatenate([rings, rings[:, :1]], axis=1)


def outlines(cells: list[str]) -> np.ndarray:
    """Return the cells' outlines as shapely Polygons in EPSG:4326, as cell_wkt draws them."""
    if not cells:
        return np.empty(0, dtype=object)
    return shapely.polygons(outline_rings(cells))


@dataclass
class Table:
    """The hexagon rows of a snapshot, a column each, one row per hexagon that overlaps the
    zones (territories), in the order of the cells. Areas in m² (METRIC_SRID), shares in
    percent; NaN where a share is not published."""

    index: np.ndarray  # position of each row's cell in the cells
    area_m2: np.ndarray
    covered_pct: np.ndarray  # any coverage
    served_pct: np.ndarray  # any coverage at the served tier
    fixed_served_pct: np.ndarray
    households_served_pct: np.ndarray
    population_served_pct: np.ndarray


def table(
    inside: np.ndarray,
    covered: Mapping[tuple[str, int], np.ndarray],
    homes: tuple[np.ndarray, ...] | None,
    population: np.ndarray | None,
    *,
    min_addresses: int,
) -> Table:
    """Return the hexagon rows from per-cell measures: `inside` m² of each cell inside the
    zones, `covered` m² per (group, level) of HEX_PIECES, `homes` (addresses, households,
    households served by fixed broadband) from household_sums, `population` (total,
    served) per cell as an n × 2 array or None without a population raster."""
    keep = np.flatnonzero(inside > 0)
    area = inside[keep]

    def share(key):
        return np.minimum(100.0, 100.0 * covered[key][keep] / area)

    if homes is None:
        homes = (np.zeros(len(inside), dtype="int64"), np.zeros(len(inside)), np.zeros(len(inside)))
    count, total, fast = (h[keep] for h in homes)
    people = np.full(len(keep), np.nan)
    if population is not None:
        pop_total, pop_served = population[keep, 0], population[keep, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            people = np.where(pop_total != 0, 100.0 * pop_served / pop_total, np.nan)
    return Table(
        index=keep,
        area_m2=area,
        covered_pct=share(("any", 0)),
        served_pct=share(("any", 2)),
        fixed_served_pct=share(("fixed", 2)),
        households_served_pct=suppressed_pct(fast, total, count, min_addresses),
        population_served_pct=people,
    )


def locate(outline_ll: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, ...]:
    """Return (point index, hexagon index) of the points (EPSG:4326) inside or on the edge
    of the hexagons' stored EPSG:4326 outlines (a point on a shared edge is in both),
    sorted by point then hexagon. Prepares the outlines."""
    if len(lon) == 0 or len(outline_ll) == 0:
        return np.empty(0, dtype="int64"), np.empty(0, dtype="int64")
    pt, cell = overlay.box_pairs(shapely.bounds(outline_ll), lon, lat)
    shapely.prepare(outline_ll)
    inside = shapely.intersects_xy(outline_ll[cell], lon[pt], lat[pt])
    return pt[inside], cell[inside]


def household_sums(n: int, where: tuple[np.ndarray, ...], weight: np.ndarray, served):
    """Return per cell (addresses, households, households served by fixed broadband) as
    three arrays of length n.

    where: (point index, hexagon index) from `locate`; weight: households per point;
    served: per point, whether fixed broadband reaches it at the served tier.
    """
    pt, cell = where
    weight = weight[pt]
    good = served[pt]
    return (
        np.bincount(cell, minlength=n),
        np.bincount(cell, weights=weight, minlength=n),
        np.bincount(cell[good], weights=weight[good], minlength=n),
    )


def _copy_column(values: np.ndarray) -> list[str]:
    # repr of a float is exact and what PostgreSQL parses back to the same double.
    return ["\\N" if v != v else repr(v) for v in values.tolist()]


def copy_prefixes(cells: list[str], outline: np.ndarray) -> list[str]:
    """Return, per cell, the start of its COPY line for `insert`: the cell and its EPSG:4326
    outline (shapely Polygon) as hex WKB. Made once the cells are drawn, ahead of the rows."""
    # bytes.hex is several times faster than to_wkb(hex=True) and spells the same (upper).
    wkb = [w.hex().upper() for w in shapely.to_wkb(outline)]
    return [f"{cell}\tSRID=4326;{w}\t" for cell, w in zip(cells, wkb, strict=True)]


def insert(cursor, snapshot_id: int, rows: Table, prefixes: list[str]) -> int:
    """Store the hexagon rows of a snapshot by COPY; `prefixes`: copy_prefixes of the
    cells. Return how many."""
    if not len(rows.index):
        return 0
    columns = zip(
        [prefixes[i] for i in rows.index.tolist()],
        *(
            _copy_column(getattr(rows, name))
            for name in (
                "area_m2",
                "covered_pct",
                "served_pct",
                "fixed_served_pct",
                "households_served_pct",
                "population_served_pct",
            )
        ),
        strict=True,
    )
    end = f"\t{snapshot_id}\n"
    lines = [start + "\t".join(rest) + end for start, *rest in columns]
    with cursor.cursor.copy(
        """COPY coverage_coveragehexagon (h3, area, area_m2, covered_pct, served_pct,
           fixed_served_pct, households_served_pct, population_served_pct, snapshot_id)
           FROM STDIN"""
    ) as copy:
        copy.write("".join(lines))
    return len(lines)
