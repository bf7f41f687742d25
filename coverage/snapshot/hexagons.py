"""Step 5, hexagons: the H3 cells of the public map, drawn, located and tabulated.

The cells touching the territories are drawn from EPSG:4326 (coverage.hexagons), with
their outlines also in METRIC_SRID for the areas; the addresses are located in them and
each cell's row of the hexagon table is assembled for the COPY (coverage.hexagons.insert).
"""

from dataclasses import dataclass

import numpy as np
import shapely
import shapely.geometry
from django.conf import settings

from coverage import hexagons, overlay, sql
from coverage.snapshot.addresses import PointShares
from coverage.snapshot.inputs import Inputs


@dataclass
class Hexagons:
    cells: list[str]  # sorted
    outline_ll: np.ndarray  # EPSG:4326
    outline_m: np.ndarray  # METRIC_SRID
    copy_prefixes: list[str]  # the cells and outlines, for the COPY (hexagons.insert)


def hexagons_draw(territories_ll: np.ndarray, srid: int) -> Hexagons:
    """Draw the H3 cells touching the territories (EPSG:4326)."""
    territory = shapely.union_all(territories_ll)
    cells = hexagons.cells_of(shapely.geometry.mapping(territory))
    rings = hexagons.outline_rings(cells)
    # The metric outlines are the stored ones with each vertex moved (overlay.reproject),
    # from the rings directly: no second pass through GEOS coordinates.
    x, y = overlay.reproject_xy(rings[..., 0].ravel(), rings[..., 1].ravel(), 4326, srid)
    outline_ll = shapely.polygons(rings)
    return Hexagons(
        cells=cells,
        outline_ll=outline_ll,
        outline_m=shapely.polygons(np.stack([x, y], axis=-1).reshape(rings.shape)),
        copy_prefixes=hexagons.copy_prefixes(cells, outline_ll),
    )


@dataclass
class Background:
    """What is computed beside the points' coverage levels (needs only the unions)."""

    hexes: Hexagons
    inside: np.ndarray  # m² of each hexagon inside the territories
    covered: dict  # {(group, level) of hexagons.HEX_PIECES: m² covered per hexagon}
    homes_at: tuple[np.ndarray, ...] | None  # (address index, hexagon index)
    gaps: list[tuple[str, float, bytes | None]]


def homes_locate(drawing, found: sql.Points | None) -> tuple[np.ndarray, ...] | None:
    """Return (address index, hexagon index) of the addresses in the H3 hexagons (the
    future `drawing`), None without addresses."""
    if found is None:
        return None
    return hexagons.locate(drawing.result().outline_ll, found.lon, found.lat)


def hexagon_rows(back: Background, inputs: Inputs, adr: PointShares | None, zonal):
    homes = None
    n = len(back.hexes.cells)
    if adr is not None and back.homes_at is not None:
        served = adr.levels["fixed"] >= 2
        homes = hexagons.household_sums(n, back.homes_at, inputs.addresses.weight, served)
    people = None
    if zonal is not None:
        people = np.asarray(
            [zonal.hexagons.get(cell, (0.0, 0.0)) for cell in back.hexes.cells], dtype=float
        ).reshape(n, 2)
    return hexagons.table(
        back.inside,
        back.covered,
        homes,
        people,
        min_addresses=settings.COVERAGE_H3_MIN_ADDRESSES,
    )
