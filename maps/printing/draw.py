"""Shapely geometries as matplotlib collections, added straight to the axes.

Faster than GeoSeries.plot (no per-call autoscaling or redraw requests), and the same
drawing order every time: one compound path per feature, holes kept.
"""

import numpy as np
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.path import Path


def _ring_codes(count: int) -> np.ndarray:
    codes = np.full(count, Path.LINETO, dtype=Path.code_type)
    codes[0], codes[-1] = Path.MOVETO, Path.CLOSEPOLY
    return codes


def polygon_path(geometry) -> Path | None:
    """Return a Polygon or MultiPolygon as one compound Path (holes included)."""
    parts = getattr(geometry, "geoms", [geometry])
    vertices, codes = [], []
    for part in parts:
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        for ring in (part.exterior, *part.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            vertices.append(xy)
            codes.append(_ring_codes(len(xy)))
    if not vertices:
        return None
    return Path(np.concatenate(vertices), np.concatenate(codes))


def polygons(ax, geometries, **style) -> PathCollection | None:
    """Add polygons to `ax` in their order; `style` as for a PathCollection."""
    paths = [p for p in (polygon_path(g) for g in geometries) if p is not None]
    if not paths:
        return None
    collection = PathCollection(paths, **style)
    ax.add_collection(collection, autolim=False)
    return collection


def _lines(geometry) -> list[np.ndarray]:
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        geometry = geometry.boundary
    parts = getattr(geometry, "geoms", [geometry])
    return [np.asarray(part.coords)[:, :2] for part in parts if not part.is_empty]


def lines(ax, geometries, **style) -> LineCollection | None:
    """Add lines (or polygon outlines) to `ax`; `style` as for a LineCollection."""
    segments = [segment for g in geometries for segment in _lines(g)]
    if not segments:
        return None
    collection = LineCollection(segments, **style)
    ax.add_collection(collection, autolim=False)
    return collection
