"""Greedy label placement: each label, most important first, takes the first position
around its point whose text box overlaps neither a placed label nor a symbol and stays
inside the map frame; when none is free, the position overlapping least.
"""

from matplotlib import patheffects
from matplotlib.transforms import Bbox

# Offsets from the anchor in points and the text alignment there, in the cartographer's
# order of preference: upper right, right, lower right, upper left, left, lower left,
# above, below.
POSITIONS = (
    ((4, 3), "left", "bottom"),
    ((5, 0), "left", "center"),
    ((4, -3), "left", "top"),
    ((-4, 3), "right", "bottom"),
    ((-5, 0), "right", "center"),
    ((-4, -3), "right", "top"),
    ((0, 5), "center", "bottom"),
    ((0, -5), "center", "top"),
)
LABEL_WEIGHT = 10.0
PAD_PX = 1.5


def _overlap(a: Bbox, b: Bbox) -> float:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return width * height if width > 0 and height > 0 else 0.0


def _cost(box: Bbox, frame: Bbox, labels: list[Bbox], symbols: list[Bbox]) -> float:
    if not frame.contains(box.x0, box.y0) or not frame.contains(box.x1, box.y1):
        return float("inf")
    cost = sum(_overlap(box, other) for other in labels) * LABEL_WEIGHT
    return cost + sum(_overlap(box, other) for other in symbols)


def _text(ax, text, xy, offset, ha, va, size, halo: bool):
    # The halo is a separate artist drawn as a stroke only, so that the label itself stays
    # real text in the PDF (a path effect would turn it into outlines, unextractable).
    effects = [patheffects.Stroke(linewidth=2.2, foreground="#ffffff")] if halo else None
    return ax.annotate(
        text, xy, xytext=offset, textcoords="offset points", ha=ha, va=va, fontsize=size,
        color="#1a1a1a", weight="bold", zorder=29 if halo else 30, path_effects=effects,
    )  # fmt: skip


def _place(ax, renderer, text, xy, size, frame, placed, symbols):
    best = None
    for offset, ha, va in POSITIONS:
        artist = _text(ax, text, xy, offset, ha, va, size, halo=False)
        box = artist.get_window_extent(renderer).padded(PAD_PX)
        cost = _cost(box, frame, placed, symbols)
        if best is None or cost < best[0]:
            if best is not None:
                best[1].remove()
            best = (cost, artist, box, (offset, ha, va))
        else:
            artist.remove()
        if cost == 0:
            break
    return best


def labels_place(ax, renderer, points, texts, *, size: float, symbols=()) -> list[str]:
    """Label `points` ((x, y) in data units) with `texts`, in the order given (most
    important first); return the texts placed. A label that cannot stay inside the frame
    is left out; `symbols` are display-space Bboxes labels should not cover."""
    frame = ax.get_window_extent(renderer)
    placed: list[Bbox] = []
    done = []
    for xy, text in zip(points, texts, strict=True):
        best = _place(ax, renderer, text, xy, size, frame, placed, list(symbols))
        if best is None or best[0] == float("inf"):
            if best is not None:
                best[1].remove()
            continue
        offset, ha, va = best[3]
        _text(ax, text, xy, offset, ha, va, size, halo=True)
        placed.append(best[2])
        done.append(text)
    return done


def symbol_boxes(ax, xs, ys, size_pt: float) -> list[Bbox]:
    """Return the display-space boxes of point symbols of `size_pt` diameter."""
    half = size_pt / 2 * ax.figure.dpi / 72
    coords = ax.transData.transform(list(zip(xs, ys, strict=True))) if len(xs) else []
    return [Bbox.from_extents(x - half, y - half, x + half, y + half) for x, y in coords]
