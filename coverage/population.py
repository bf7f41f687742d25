"""Population rasters: loading one (`population_set`) and its zonal sums at compute time.

A population GeoTIFF holds people per cell in band 1, in any CRS. A cell counts wholly
for a zone when its centre lies inside the zone (rasterio's rasterize, all_touched off);
nodata cells count as nobody. The sums run inside coverage_compute, never in a GET.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from django.core.files import File
from django.db import transaction

from core.errors import InvalidInput
from coverage.models import PopulationRaster
from coverage.raster import RasterError


@dataclass
class Grid:
    """Band 1 of a population raster: values (nodata → 0), transform and CRS."""

    values: np.ndarray
    transform: object
    crs: object

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape


def read_grid(path: str | Path) -> Grid:
    """Read a population raster; RasterError when unreadable, without CRS, all nodata, or
    holding negative or infinite counts."""
    import rasterio  # only here: rasterio takes a noticeable time to import
    import rasterio.errors

    path = Path(path)
    try:
        with rasterio.open(path) as src:
            if src.crs is None:
                raise RasterError(
                    f"{path.name}: the raster has no CRS; set one (gdal_edit.py -a_srs)."
                )
            band = src.read(1, masked=True)
            transform, crs = src.transform, src.crs
    except rasterio.errors.RasterioIOError as exc:
        raise RasterError(f"{path.name}: not a readable raster ({exc}).") from None
    values = np.asarray(band.filled(np.nan), dtype="float64")
    valid = ~np.ma.getmaskarray(band) & ~np.isnan(values)
    if not valid.any():
        raise RasterError(f"{path.name}: every cell is nodata.")
    if np.isinf(values[valid]).any() or (values[valid] < 0).any():
        raise RasterError(f"{path.name}: population counts must be finite and not negative.")
    return Grid(values=np.where(valid, values, 0.0), transform=transform, crs=crs)


@transaction.atomic
def population_set(*, path: str | Path, name: str | None = None) -> PopulationRaster:
    """Check a population GeoTIFF and make it the current one (a copy is kept in media).

    Raises InvalidInput (code "bad_raster"): unreadable, no CRS, all nodata, negative
    counts. Nothing is written then.
    """
    path = Path(path)
    try:
        grid = read_grid(path)
    except RasterError as exc:
        raise InvalidInput(str(exc), code="bad_raster") from None
    PopulationRaster.objects.filter(is_current=True).update(is_current=False)
    row = PopulationRaster(
        name=name or path.name,
        crs=str(grid.crs),
        width=grid.shape[1],
        height=grid.shape[0],
        total=float(grid.values.sum()),
        is_current=True,
    )
    with path.open("rb") as handle:
        row.file.save(path.name, File(handle), save=False)
    stored = row.file.name
    try:
        row.save()
    except Exception:
        row.file.storage.delete(stored)
        raise
    return row


def current() -> PopulationRaster | None:
    """Return the current population raster, or None."""
    return PopulationRaster.objects.filter(is_current=True).first()


# --- zonal sums ------------------------------------------------------------------------------


def _to_grid_crs(geoms, grid: Grid, crs=4326) -> list:
    import geopandas as gpd  # only here: geopandas takes a noticeable time to import

    return list(gpd.GeoSeries(list(geoms), crs=crs).to_crs(grid.crs))


def _burn(geoms: list, grid: Grid, values: list[int] | None = None) -> np.ndarray:
    """Rasterize geometries on the grid: the value of the zone whose polygon holds a cell's
    centre (1 when `values` is None), 0 elsewhere."""
    shapes = [(g, v) for g, v in zip(geoms, values or [1] * len(geoms), strict=True) if g]
    shapes = [(g, v) for g, v in shapes if not shapely.is_empty(g)]
    if not shapes:
        return np.zeros(grid.shape, dtype="int32")
    import rasterio.features  # only here: rasterio takes a noticeable time to import

    return rasterio.features.rasterize(
        shapes, out_shape=grid.shape, transform=grid.transform, fill=0, dtype="int32"
    )


@dataclass
class Zones:
    """The zones people are summed over: the territories and villages (EPSG:4326), the
    coverage inside the territories per (group, level) (polygons in `srid`, metric) and
    the H3 hexagons (EPSG:4326 outlines)."""

    territories: list
    village_ids: list[int]
    villages: list
    covered: dict
    srid: int
    cells: list[str]
    hexagons: list


@dataclass
class Zonal:
    """People per zone: the territory's, each village's and each hexagon's, total and
    covered by (group, level) (hexagons: served at level 2, any technology)."""

    territory: float
    territory_covered: dict
    villages: dict  # {village id: (total, {(group, level): people})}
    hexagons: dict  # {h3: (total, served)}


def zonal_sums(grid: Grid, zones: Zones) -> Zonal:
    """Sum the population raster over the territory, its villages, the coverage of each
    (group, level) and the H3 hexagons."""
    territory = shapely.union_all(zones.territories)
    inside = _burn(_to_grid_crs([territory], grid), grid).astype(bool)
    people = np.where(inside, grid.values, 0.0)
    ids = zones.village_ids
    labels = _burn(_to_grid_crs(zones.villages, grid), grid, list(range(1, len(ids) + 1)))
    covered, by_village = {}, {vid: {} for vid in ids}
    served_mask = np.zeros(grid.shape, dtype=bool)
    for (grp, level), pieces in sorted(zones.covered.items()):
        shape = shapely.multipolygons(list(pieces)) if len(pieces) else None
        mask = _burn(_to_grid_crs([shape], grid, zones.srid), grid).astype(bool)
        covered[(grp, level)] = float(people[mask].sum())
        sums = np.bincount(labels[mask], weights=grid.values[mask], minlength=len(ids) + 1)
        for i, vid in enumerate(ids, start=1):
            by_village[vid][(grp, level)] = float(sums[i])
        if (grp, level) == ("any", 2):
            served_mask = mask
    totals = np.bincount(labels.ravel(), weights=grid.values.ravel(), minlength=len(ids) + 1)
    villages = {vid: (float(totals[i]), by_village[vid]) for i, vid in enumerate(ids, start=1)}
    return Zonal(
        territory=float(people.sum()),
        territory_covered=covered,
        villages=villages,
        hexagons=_hexagon_sums(zones, grid, people, served_mask),
    )


def _hexagon_sums(zones: Zones, grid: Grid, people: np.ndarray, served: np.ndarray) -> dict:
    if not zones.cells:
        return {}
    n = len(zones.cells)
    labels = _burn(_to_grid_crs(zones.hexagons, grid), grid, list(range(1, n + 1)))
    total = np.bincount(labels.ravel(), weights=people.ravel(), minlength=n + 1)
    served_sum = np.bincount(labels[served], weights=people[served], minlength=n + 1)
    return {
        cell: (float(total[i]), float(served_sum[i]))
        for i, cell in enumerate(zones.cells, start=1)
        if total[i] > 0
    }
