"""Coverage shares by H3 hexagon (resolution 8) for the public map, made at snapshot time.

`h3` lists the cells that touch the territory and draws their outlines (straight edges
between the cell's vertices in EPSG:4326, as stored); coverage.overlay measures each
hexagon's part inside the territory, the coverage within it (the territory-clipped unions)
and the households of the addresses inside it. Nothing here runs in a GET: the rows are
stored with the snapshot (coverage.models.CoverageHexagon).
"""

from collections.abc import Mapping

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


def suppressed_pct(part: float | None, total: float | None, n: int, minimum: int) -> float | None:
    """Return part/total in percent, or None when fewer than `minimum` items stand behind it
    (too few homes to publish a share without telling about one of them) or total is 0."""
    if n < minimum or not total or part is None:
        return None
    return 100.0 * part / total


# --- the snapshot's hexagons -------------------------------------------------------------------


def outlines(cells: list[str]) -> np.ndarray:
    """Return the cells' outlines as shapely Polygons in EPSG:4326, as cell_wkt draws them."""
    if not cells:
        return np.empty(0, dtype=object)
    rings = np.array([h3.cell_to_boundary(c) for c in cells])[:, :, ::-1].round(9)
    return shapely.polygons(np.concatenate([rings, rings[:, :1]], axis=1))


def areas(
    cells: list[str],
    hex_m: np.ndarray,
    zones_m: np.ndarray,
    clipped: Mapping[tuple[str, int], np.ndarray],
) -> dict[str, dict]:
    """Return {h3: {"inside": m², (group, level): m² covered}} for the hexagons
    that overlap the zones (territories); `clipped` holds the coverage pieces inside the
    zones per (group, level) of HEX_PIECES. Metric geometry (METRIC_SRID)."""
    inside = overlay.overlaps(zones_m, hex_m)[0]
    covered = {key: overlay.overlaps(clipped[key], hex_m)[0] for key in HEX_PIECES}
    return areas_of(cells, inside, covered)


def areas_of(
    cells: list[str], inside: np.ndarray, covered: Mapping[tuple[str, int], np.ndarray]
) -> dict[str, dict]:
    """Return what `areas` does from the measured overlaps: per hexagon, the m² inside the
    zones (`inside`) and covered by each (group, level) of HEX_PIECES (`covered`)."""
    out = {cells[i]: {"inside": float(inside[i])} for i in np.flatnonzero(inside > 0)}
    for key in HEX_PIECES:
        for i in np.flatnonzero(covered[key] > 0):
            if cells[i] in out:
                out[cells[i]][key] = float(covered[key][i])
    return out


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


def households(cells: list[str], where: tuple[np.ndarray, ...], weight: np.ndarray, served):
    """Return {h3: (addresses, households, households served by fixed broadband)}.

    where: (point index, hexagon index) from `locate`; weight: households per point;
    served: per point, whether fixed broadband reaches it at the served tier.
    """
    pt, cell = where
    n = len(cells)
    weight = weight[pt]
    count = np.bincount(cell, minlength=n)
    total = np.bincount(cell, weights=weight, minlength=n)
    good = served[pt]
    fast = np.bincount(cell[good], weights=weight[good], minlength=n)
    return {
        cells[i]: (int(count[i]), float(total[i]), float(fast[i])) for i in np.flatnonzero(count)
    }


def rows(
    measured: dict[str, dict],
    homes: dict[str, tuple[int, float, float]],
    population: dict[str, tuple[float, float]] | None,
    *,
    min_addresses: int,
) -> list[tuple]:
    """Return (h3, area_m2, covered_pct, served_pct, fixed_served_pct, households_served_pct,
    population_served_pct) per hexagon inside the territory, sorted by cell."""
    out = []
    for cell in sorted(measured):
        m = measured[cell]
        inside = m["inside"]
        n, hh, hh_served = homes.get(cell, (0, 0.0, 0.0))
        pop_total, pop_served = (population or {}).get(cell, (0.0, 0.0))
        out.append(
            (
                cell,
                inside,
                min(100.0, 100.0 * m.get(("any", 0), 0.0) / inside),
                min(100.0, 100.0 * m.get(("any", 2), 0.0) / inside),
                min(100.0, 100.0 * m.get(("fixed", 2), 0.0) / inside),
                suppressed_pct(hh_served, hh, n, min_addresses),
                (100.0 * pop_served / pop_total) if population is not None and pop_total else None,
            )
        )
    return out


def _copy_field(value) -> str:
    return "\\N" if value is None else repr(float(value))


def insert(cursor, snapshot_id: int, table: list[tuple], outline: Mapping[str, object]) -> int:
    """Store the hexagon rows of a snapshot by COPY; `outline` maps a cell to its shapely
    Polygon in EPSG:4326. Return how many."""
    if not table:
        return 0
    # bytes.hex is several times faster than to_wkb(hex=True) and spells the same (upper).
    wkb = [w.hex().upper() for w in shapely.to_wkb(np.asarray([outline[row[0]] for row in table]))]
    lines = [
        f"{snapshot_id}\t{row[0]}\tSRID=4326;{w}\t" + "\t".join(_copy_field(v) for v in row[1:])
        for row, w in zip(table, wkb, strict=True)
    ]
    with cursor.cursor.copy(
        """COPY coverage_coveragehexagon (snapshot_id, h3, area, area_m2, covered_pct,
           served_pct, fixed_served_pct, households_served_pct, population_served_pct)
           FROM STDIN"""
    ) as copy:
        copy.write("\n".join(lines) + "\n")
    return len(lines)
