"""Reprojection of coordinate arrays and geometries with pyproj (as PostGIS ST_Transform)."""

from functools import lru_cache

import numpy as np
import pyproj
import shapely


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
