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


# ITU-R BT.601 luma: how a photocopier turns a colour into a grey.
LUMA = np.array([0.299, 0.587, 0.114])


def grey(colour):
    """Return a colour (anything matplotlib reads) as the RGBA grey of its luma."""
    from matplotlib.colors import to_rgba

    # "none", and "face"/"edge"/"auto" (a colour that follows another one) stay as they are.
    if colour is None or (isinstance(colour, str) and colour in ("none", "face", "edge", "auto")):
        return colour
    r, g, b, a = to_rgba(colour)
    y = float(LUMA @ (r, g, b))
    return (y, y, y, a)


def _grey_array(colours):
    colours = np.asarray(colours, dtype=float)
    if colours.ndim != 2 or colours.shape[1] != 4 or not len(colours):
        return colours
    out = colours.copy()
    out[:, :3] = (colours[:, :3] @ LUMA)[:, None]
    return out


def grayscale(figure) -> None:
    """Turn every colour on the page into its grey, in place (the `--grayscale` print):
    fills, edges, hatches, lines, markers and text. Hatches and marker shapes are what
    keep the classes apart then."""
    for artist in figure.findobj():
        if hasattr(artist, "get_facecolor") and hasattr(artist, "set_facecolor"):
            face = artist.get_facecolor()
            if np.ndim(face) == 2:
                artist.set_facecolor(_grey_array(face))
            elif face is not None:
                artist.set_facecolor(grey(face))
        if hasattr(artist, "get_edgecolor") and hasattr(artist, "set_edgecolor"):
            edge = artist.get_edgecolor()
            if np.ndim(edge) == 2:
                artist.set_edgecolor(_grey_array(edge))
            elif edge is not None:
                artist.set_edgecolor(grey(edge))
        if hasattr(artist, "get_hatchcolor") and getattr(artist, "_hatch_color", None) is not None:
            artist._hatch_color = grey(artist._hatch_color)
        if (
            hasattr(artist, "get_color")
            and hasattr(artist, "set_color")
            and not hasattr(artist, "get_facecolor")
        ):
            artist.set_color(grey(artist.get_color()))
        arrow = getattr(artist, "arrow_patch", None)
        if arrow is not None:
            # A label's leader line is drawn by its annotation, not a child artist.
            arrow.set_color(grey(arrow.get_edgecolor()))
        if hasattr(artist, "get_markerfacecolor"):
            artist.set_markerfacecolor(grey(artist.get_markerfacecolor()))
            artist.set_markeredgecolor(grey(artist.get_markeredgecolor()))
