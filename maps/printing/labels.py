"""Greedy label placement: each label, most important first, takes the first candidate
position whose text box overlaps neither a placed label nor an obstacle (a symbol, the
scale bar, the north arrow) and stays inside the map frame. A label with no free position
is dropped: a map never prints one text over another.

Point labels try the eight positions around their point, then the same ring further out
(a village name steps off its own houses); line labels are written along the line at a
few places from its middle outwards, turned to the line's direction.
"""

import math
from dataclasses import dataclass

import numpy as np
import shapely
import shapely.affinity
from matplotlib import patheffects
from matplotlib.text import Text
from matplotlib.transforms import Bbox

# Offsets from the anchor in points (per unit of the ring) and the text alignment there,
# in the cartographer's order of preference: upper right, right, lower right, upper left,
# left, lower left, above, below.
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
# Rings of point positions: the offsets above times these (a village label may have to
# clear a whole street of house dots).
RINGS = (1.0, 2.0, 3.5, 5.5, 8.0, 12.0, 17.0, 24.0)
# Places along a line, as shares of its length, tried in this order.
ALONG = (0.5, 0.35, 0.65, 0.2, 0.8)
# Beside the line rather than on it, in text heights: on, above, below (the houses of a
# street stand on its line).
BESIDE = (0.0, 0.8, -0.8)
PAD_PX = 1.0


@dataclass(frozen=True)
class Label:
    """One label to place: `anchor` (x, y) in data units, or `line` (an N×2 array of data
    coordinates) for a label written along a line; size in points; `rings` of point
    positions tried (1: right beside the symbol only)."""

    text: str
    anchor: tuple[float, float] | None = None
    line: np.ndarray | None = None
    size: float = 7.5
    weight: str = "bold"
    colour: str = "#1a1a1a"
    style: str = "normal"
    rings: int = 1
    halo: bool = True
    # From the third ring on, a thin line leads from the label back to its symbol.
    leader: bool = False


# Where the anchor sits in the text's box, as shares of its width and height.
HA_SHARE = {"left": 0.0, "center": 0.5, "right": 1.0}
VA_SHARE = {"bottom": 0.0, "center": 0.5, "top": 1.0}


def text_size(ax, renderer, label: Label, cache: dict) -> tuple[float, float]:
    """Return the width and height of the label's text box in display units, measured
    once per text and font (a map writes the same house numbers and names many times)."""
    key = (label.text, label.size, label.weight, label.style)
    if key not in cache:
        probe = Text(0, 0, label.text, fontsize=label.size, weight=label.weight,
                     style=label.style, ha="left", va="bottom")  # fmt: skip
        probe.set_figure(ax.figure)
        box = probe.get_window_extent(renderer)
        cache[key] = (box.width, box.height)
    return cache[key]


def _shape(ax, xy, offset, ha, va, angle: float, size):
    """Return the text's box in display units (grown by PAD_PX) as a polygon, turned with
    the text about its anchor, the point plus offset, as rotation_mode "anchor" turns it
    (the axis-aligned box of a turned street name would block a whole block of houses).
    The same box matplotlib measures for the drawn text, computed without drawing it."""
    x, y = ax.transData.transform(xy)
    per_pt = ax.figure.dpi / 72
    origin = (x + offset[0] * per_pt, y + offset[1] * per_pt)
    width, height = size
    x0 = origin[0] - HA_SHARE[ha] * width - PAD_PX
    y0 = origin[1] - VA_SHARE[va] * height - PAD_PX
    upright = shapely.box(x0, y0, x0 + width + 2 * PAD_PX, y0 + height + 2 * PAD_PX)
    if not angle:
        return upright
    return shapely.affinity.rotate(upright, angle, origin=origin)


class Boxes:
    """Shapes already taken (placed labels, obstacles) with their bounds in one array, so
    that a candidate is tested with shapely only against the few whose bounds it meets."""

    def __init__(self, shapes=()):
        self.shapes = list(shapes)
        self.bounds = shapely.bounds(np.array(self.shapes, dtype=object)).reshape(-1, 4)

    def add(self, shape) -> None:
        self.shapes.append(shape)
        self.bounds = np.vstack([self.bounds, shapely.bounds(shape)])

    def hit(self, shape) -> bool:
        """Return True when `shape` intersects (or touches) any shape held."""
        if not self.shapes:
            return False
        x0, y0, x1, y1 = shapely.bounds(shape)
        b = self.bounds
        near = np.flatnonzero((b[:, 0] <= x1) & (b[:, 2] >= x0) & (b[:, 1] <= y1) & (b[:, 3] >= y0))
        if not len(near):
            return False
        others = np.array([self.shapes[i] for i in near], dtype=object)
        return bool(shapely.intersects(shape, others).any())


def _free(shape, frame, placed: Boxes, blocked: Boxes) -> bool:
    if not frame.contains(shape):
        return False
    return not (placed.hit(shape) or blocked.hit(shape))


def _text(ax, label: Label, xy, offset, ha, va, angle: float, halo: bool, leader=False):
    # The halo is a separate artist drawn as a stroke only, so that the label itself stays
    # real text in the PDF (a path effect would turn it into outlines, unextractable).
    effects = [patheffects.Stroke(linewidth=2.2, foreground="#ffffff")] if halo else None
    return ax.annotate(
        label.text, xy, xytext=offset, textcoords="offset points", ha=ha, va=va,
        fontsize=label.size, color=label.colour, weight=label.weight, style=label.style,
        rotation=angle, rotation_mode="anchor", zorder=29 if halo else 30,
        path_effects=effects, annotation_clip=False,
        arrowprops={"arrowstyle": "-", "linewidth": 0.4, "color": label.colour,
                    "shrinkA": 1, "shrinkB": 2} if leader else None,
    )  # fmt: skip


def _point_candidates(label: Label):
    for ring in RINGS[: max(label.rings, 1)]:
        for (dx, dy), ha, va in POSITIONS:
            yield label.anchor, (dx * ring, dy * ring), ha, va, 0.0, ring >= RINGS[2]


def _line_candidates(ax, label: Label):
    """Yield places along the line: the point at each share of its length, the text
    turned to the local direction and kept upright (−90°…90°)."""
    coords = np.asarray(label.line, dtype=float)
    if len(coords) < 2:
        return
    steps = np.hypot(*np.diff(coords, axis=0).T)
    total = steps.sum()
    if total <= 0:
        return
    ends = np.cumsum(steps)
    for share in ALONG:
        i = min(int(np.searchsorted(ends, share * total)), len(steps) - 1)
        start = ends[i] - steps[i]
        t = (share * total - start) / steps[i] if steps[i] else 0.0
        xy = tuple(coords[i] + t * (coords[i + 1] - coords[i]))
        (x0, y0), (x1, y1) = ax.transData.transform([coords[i], coords[i + 1]])
        angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
        angle = angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle
        normal = (-math.sin(math.radians(angle)), math.cos(math.radians(angle)))
        for beside in BESIDE:
            shift = beside * label.size
            yield xy, (normal[0] * shift, normal[1] * shift), "center", "center", angle, False


def _candidates(ax, label: Label):
    if label.line is not None:
        return _line_candidates(ax, label)
    return _point_candidates(label)


def place(ax, renderer, labels: list[Label], obstacles=()) -> list[str]:
    """Place `labels` in the order given (most important first); return the texts placed.

    `obstacles` are display-space Bboxes no label may cover (symbols, furniture). A label
    whose every candidate leaves the frame or covers a placed label or an obstacle is left
    out. Each text is measured once; its candidate boxes are computed from that size and
    only the position taken is drawn.
    """
    box = ax.get_window_extent(renderer)
    frame = shapely.box(box.x0, box.y0, box.x1, box.y1)
    placed = Boxes()
    blocked = Boxes(shapely.box(b.x0, b.y0, b.x1, b.y1) for b in obstacles)
    sizes: dict = {}
    done = []
    for label in labels:
        size = text_size(ax, renderer, label, sizes)
        for xy, offset, ha, va, angle, far in _candidates(ax, label):
            shape = _shape(ax, xy, offset, ha, va, angle, size)
            if _free(shape, frame, placed, blocked):
                _text(ax, label, xy, offset, ha, va, angle, halo=False,
                      leader=far and label.leader)  # fmt: skip
                if label.halo:
                    _text(ax, label, xy, offset, ha, va, angle, halo=True)
                placed.add(shape)
                done.append(label.text)
                break
    return done


def labels_place(ax, renderer, points, texts, *, size: float, symbols=(), rings=1) -> list[str]:
    """Label `points` ((x, y) in data units) with `texts`, most important first; return
    the texts placed (see `place`)."""
    labels = [
        Label(t, anchor=xy, size=size, rings=rings) for xy, t in zip(points, texts, strict=True)
    ]
    return place(ax, renderer, labels, symbols)


def symbol_boxes(ax, xs, ys, size_pt: float) -> list[Bbox]:
    """Return the display-space boxes of point symbols of `size_pt` diameter."""
    half = size_pt / 2 * ax.figure.dpi / 72
    coords = ax.transData.transform(list(zip(xs, ys, strict=True))) if len(xs) else []
    return [Bbox.from_extents(x - half, y - half, x + half, y + half) for x, y in coords]
