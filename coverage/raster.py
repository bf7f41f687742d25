"""Signal-strength rasters to coverage polygons (rasterio + shapely, no database).

threshold → sieve specks → vectorize → dissolve → reproject to EPSG:4326. Raises
RasterError with a message a person can act on when the raster cannot be used.
"""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

# Regions of fewer cells than this are specks (noise, a single strong cell): dropped.
DEFAULT_SIEVE_PX = 4


class RasterError(ValueError):
    """The raster cannot be turned into coverage (no CRS, all nodata, unreadable…)."""


@dataclass
class RasterCoverage:
    """The polygons a raster yields, in EPSG:4326, and what was done to get them."""

    geometry: shapely.MultiPolygon
    crs: str
    cells_total: int
    cells_valid: int
    cells_above: int
    cells_kept: int
    warnings: list[str] = field(default_factory=list)


def signal_mask(values: np.ndarray, valid: np.ndarray, min_dbm: float) -> np.ndarray:
    """Return a uint8 mask: 1 where a valid cell's signal is at least `min_dbm` dBm."""
    return ((values >= min_dbm) & valid).astype(np.uint8)


def _read(path: Path) -> tuple[np.ndarray, np.ndarray, object, object]:
    """Return (values, valid cells, transform, crs) of band 1."""
    import rasterio  # only here: rasterio takes a noticeable time to import
    import rasterio.errors

    try:
        with rasterio.open(path) as src:
            if src.crs is None:
                raise RasterError(
                    f"{path.name}: the raster has no CRS; set one (gdal_edit.py -a_srs)."
                )
            band = src.read(1, masked=True)
            values = np.asarray(band.filled(np.nan), dtype="float64")
            valid = ~np.ma.getmaskarray(band) & np.isfinite(values)
            return values, valid, src.transform, src.crs
    except rasterio.errors.RasterioIOError as exc:
        raise RasterError(f"{path.name}: not a readable raster ({exc}).") from None


def raster_to_coverage(
    path: str | Path, *, min_dbm: float, sieve_px: int = DEFAULT_SIEVE_PX
) -> RasterCoverage:
    """Turn a signal-strength raster (dBm, band 1, any CRS) into coverage polygons.

    Cells at least `min_dbm` count; connected regions smaller than `sieve_px` cells are
    removed (8-connectivity); the rest is vectorized, dissolved and reprojected to
    EPSG:4326. Raises RasterError: no CRS, every cell nodata, no cell above the threshold.
    """
    import geopandas as gpd  # only here: geopandas and rasterio are slow to import
    import rasterio.features

    path = Path(path)
    values, valid, transform, crs = _read(path)
    if not valid.any():
        raise RasterError(f"{path.name}: every cell is nodata.")
    mask = signal_mask(values, valid, min_dbm)
    if not mask.any():
        raise RasterError(f"{path.name}: no cell reaches {min_dbm:g} dBm; nothing to import.")
    kept = rasterio.features.sieve(mask, size=sieve_px, connectivity=8) if sieve_px > 1 else mask
    polygons = [
        shapely.geometry.shape(geom)
        for geom, value in rasterio.features.shapes(kept, mask=kept == 1, transform=transform)
        if value == 1
    ]
    if not polygons:
        raise RasterError(f"{path.name}: only specks under {sieve_px} cells reach the threshold.")
    dissolved = gpd.GeoSeries([shapely.union_all(polygons)], crs=crs).to_crs(4326).iloc[0]
    dissolved = shapely.make_valid(dissolved)
    parts = [g for g in getattr(dissolved, "geoms", [dissolved]) if g.geom_type == "Polygon"]
    parts += [
        p for g in getattr(dissolved, "geoms", []) if g.geom_type == "MultiPolygon" for p in g.geoms
    ]
    return RasterCoverage(
        geometry=shapely.MultiPolygon(parts),
        crs=str(crs),
        cells_total=int(values.size),
        cells_valid=int(valid.sum()),
        cells_above=int(mask.sum()),
        cells_kept=int(kept.sum()),
    )
