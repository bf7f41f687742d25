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


def _shape(artist, renderer, angle: float):
    """Return the text's box in display units as a polygon, turned with the text (the
    axis-aligned box of a turned street name would block a whole block of houses)."""
    if not angle:
        box = artist.get_window_extent(renderer).padded(PAD_PX)
        return shapely.box(box.x0, box.y0, box.x1, box.y1)
    artist.set_rotation(0)
    box = artist.get_window_extent(renderer).padded(PAD_PX)
    artist.set_rotation(angle)
    # With rotation_mode "anchor" the text turns about its anchor: the point plus offset.
    x, y = artist.axes.transData.transform(artist.xy)
    per_pt = artist.figure.dpi / 72
    origin = (x + artist.xyann[0] * per_pt, y + artist.xyann[1] * per_pt)
    upright = shapely.box(box.x0, box.y0, box.x1, box.y1)
    return shapely.affinity.rotate(upright, angle, origin=origin)


def _free(shape, frame, placed, blocked) -> bool:
    if not frame.contains(shape):
        return False
    for others in (placed, blocked):
        if len(others) and shapely.intersects(shape, others).any():
            return False
    return True


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
    out. The boxes tested are the axis-aligned boxes of the (possibly turned) texts.
    """
    box = ax.get_window_extent(renderer)
    frame = shapely.box(box.x0, box.y0, box.x1, box.y1)
    placed = np.array([], dtype=object)
    blocked = np.array([shapely.box(b.x0, b.y0, b.x1, b.y1) for b in obstacles], dtype=object)
    done = []
    for label in labels:
        for xy, offset, ha, va, angle, far in _candidates(ax, label):
            artist = _text(ax, label, xy, offset, ha, va, angle, halo=False)
            shape = _shape(artist, renderer, angle)
            if _free(shape, frame, placed, blocked):
                if far and label.leader:
                    artist.remove()
                    _text(ax, label, xy, offset, ha, va, angle, halo=False, leader=True)
                if label.halo:
                    _text(ax, label, xy, offset, ha, va, angle, halo=True)
                placed = np.append(placed, shape)
                done.append(label.text)
                break
            artist.remove()
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
