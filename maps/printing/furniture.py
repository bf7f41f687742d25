"""Map furniture: the graphic scale bar, the north arrow, the locator inset, the legend."""

import functools
import math

from matplotlib.patches import Polygon as PolygonPatch
from matplotlib.patches import Rectangle
from pyproj import Transformer

from maps.printing import draw
from maps.printing.page import INK, MUTED, Page, thousands
from maps.printing.style import LegendGroup, Swatch

NICE_STEPS = (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 10)
BOX_ALPHA = 0.88


def nice_scale(denominator: float) -> int:
    """Return the smallest round scale denominator (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5
    × 10^k) not below `denominator`."""
    power = 10 ** math.floor(math.log10(denominator))
    for step in NICE_STEPS:
        if step * power >= denominator - 1e-6:
            return int(round(step * power))
    return int(10 * power)


def fit_extent(bounds, frame_mm: tuple[float, float]) -> tuple[tuple, int]:
    """Return (bounds, scale denominator): `bounds` (metres) grown about their centre to
    the frame's proportions at the round scale that shows all of them."""
    minx, miny, maxx, maxy = bounds
    width_m, height_m = frame_mm[0] / 1000, frame_mm[1] / 1000
    scale = nice_scale(max((maxx - minx) / width_m, (maxy - miny) / height_m, 1.0))
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    hx, hy = width_m * scale / 2, height_m * scale / 2
    return (cx - hx, cy - hy, cx + hx, cy + hy), scale


def bar_length_m(map_width_m: float) -> float:
    """Return a round scale-bar length (1, 2 or 5 × 10^k metres) near a fifth of the map."""
    target = map_width_m / 5
    power = 10 ** math.floor(math.log10(target))
    return max(step * power for step in (1, 2, 5) if step * power <= target)


def _distance(metres: float, unit_km: bool) -> str:
    value = metres / 1000 if unit_km else metres
    return f"{value:g}".replace(".", ",")


def scale_bar(page: Page, ax, bounds, scale: int):
    """Draw a black-and-white graphic scale bar in m or km and the scale 1:N, lower left;
    return its box in display units (labels keep off it)."""
    minx, miny, maxx, _ = bounds
    m_per_mm = scale / 1000
    length = bar_length_m(maxx - minx)
    parts = 5 if str(int(length))[0] == "5" else 4
    unit_km = length >= 1000
    x0, y0 = minx + 7 * page.scale * m_per_mm, miny + 9 * page.scale * m_per_mm
    height = 1.6 * page.scale * m_per_mm
    pad = 3 * page.scale * m_per_mm
    background = ax.add_patch(Rectangle(
        (x0 - pad, y0 - 7 * page.scale * m_per_mm), length + 2 * pad + 9 * page.scale * m_per_mm,
        height + 12 * page.scale * m_per_mm, facecolor="white", edgecolor="none",
        alpha=BOX_ALPHA, zorder=40,
    ))  # fmt: skip
    step = length / parts
    for i in range(parts):
        ax.add_patch(Rectangle(
            (x0 + i * step, y0), step, height, facecolor=INK if i % 2 == 0 else "white",
            edgecolor=INK, linewidth=0.5, zorder=41,
        ))  # fmt: skip
    size = page.pt(6.5)
    for metres in (0, length / 2, length):
        text = _distance(metres, unit_km) + (" км" if unit_km else " м") * (metres == length)
        ax.text(x0 + metres, y0 + height + 0.8 * page.scale * m_per_mm, text, ha="center",
                va="bottom", fontsize=size, color=INK, zorder=42)  # fmt: skip
    # The grid's spacing beside the scale: its labels are kilometres of the CRS the footer
    # names (METRIC_SRID).
    grid_km = _km(grid_step_m(maxx - minx))
    # Two lines from the bar's left end: on one line, centred, the text ran out of the
    # box on the left at 1:50 000 (a short bar).
    ax.text(x0, y0 - 1.2 * page.scale * m_per_mm,
            f"Масштаб 1:{thousands(scale)}\nсітка {grid_km} км", ha="left", va="top",
            fontsize=size, color=INK, zorder=42, linespacing=1.1)  # fmt: skip
    return background.get_window_extent(page.renderer())


GRID_STEPS_M = (500, 1000, 2000, 5000, 10000, 20000)
GRID_LINES = 6
GRID_INK = "#7a7a7a"


def grid_step_m(width_m: float) -> int:
    """Return the grid spacing (metres): the smallest of GRID_STEPS_M giving at most
    GRID_LINES lines across `width_m`."""
    return next((s for s in GRID_STEPS_M if width_m / s <= GRID_LINES), GRID_STEPS_M[-1])


def _km(metres: float) -> str:
    return f"{metres / 1000:g}".replace(".", ",")


def grid(page: Page, ax, bounds, obstacles) -> list:
    """Draw the kilometre grid of METRIC_SRID (the map's own metres) across the frame and
    label its lines in kilometres inside the frame edge: eastings along the bottom,
    northings along the left. A label that would cover the furniture (`obstacles`,
    display Bboxes) is left out. Return the display boxes of the labels written."""
    minx, miny, maxx, maxy = bounds
    step = grid_step_m(maxx - minx)
    xs = list(range(int(minx // step + 1) * step, int(maxx), step))
    ys = list(range(int(miny // step + 1) * step, int(maxy), step))
    for x in xs:
        ax.plot([x, x], [miny, maxy], color=GRID_INK, linewidth=0.3, zorder=20)
    for y in ys:
        ax.plot([minx, maxx], [y, y], color=GRID_INK, linewidth=0.3, zorder=20)
    size = page.pt(5.5)
    renderer = page.renderer()
    boxes = []
    texts = [(x, miny, _km(x), "center", "bottom", 0) for x in xs]
    texts += [(minx, y, _km(y), "left", "center", 90) for y in ys]
    for x, y, text, ha, va, angle in texts:
        artist = ax.annotate(
            text, (x, y), xytext=(2, 2) if angle else (0, 2), textcoords="offset points",
            ha=ha, va=va, rotation=angle, fontsize=size, color=INK, zorder=45,
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        )  # fmt: skip
        box = artist.get_window_extent(renderer)
        if any(box.overlaps(other) for other in obstacles + boxes):
            artist.remove()
            continue
        boxes.append(box)
    return boxes


@functools.cache
def _transformers(srid: int) -> tuple[Transformer, Transformer]:
    # Building a transformer reads the PROJ database: once per process.
    return (
        Transformer.from_crs(srid, 4326, always_xy=True),
        Transformer.from_crs(4326, srid, always_xy=True),
    )


def grid_convergence_deg(x: float, y: float, srid: int) -> float:
    """Return the angle from grid north to true north at (x, y), degrees clockwise."""
    to_geo, to_grid = _transformers(srid)
    lon, lat = to_geo.transform(x, y)
    x2, y2 = to_grid.transform(lon, lat + 0.01)
    return math.degrees(math.atan2(x2 - x, y2 - y))


def north_arrow(page: Page, map_box, angle_deg: float) -> tuple:
    """Draw a north arrow pointing to true north in the map's upper right corner; return
    its box (mm)."""
    size = 11 * page.scale
    x, y, w, h = map_box
    box = (x + w - size - 4 * page.scale, y + h - size * 1.45 - 4 * page.scale, size, size * 1.45)
    ax = page.axes(box)
    ax.add_patch(Rectangle((0, 0), box[2], box[3], facecolor="white", edgecolor="none",
                           alpha=BOX_ALPHA))  # fmt: skip
    cx, cy = box[2] / 2, box[3] * 0.42
    turn = math.radians(-angle_deg)

    def at(dx, dy):
        return (cx + dx * math.cos(turn) - dy * math.sin(turn),
                cy + dx * math.sin(turn) + dy * math.cos(turn))  # fmt: skip

    tip, base, half = size * 0.42, -size * 0.32, size * 0.2
    left = [at(0, tip), at(-half, base), at(0, base * 0.45)]
    right = [at(0, tip), at(half, base), at(0, base * 0.45)]
    ax.add_patch(PolygonPatch(left, closed=True, facecolor=INK, edgecolor=INK, linewidth=0.6))
    ax.add_patch(PolygonPatch(right, closed=True, facecolor="white", edgecolor=INK, linewidth=0.6))
    label = at(0, tip + size * 0.08)
    ax.text(label[0], label[1], "Пн", ha="center", va="bottom", fontsize=page.pt(8),
            weight="bold", color=INK)  # fmt: skip
    return box


def inset(page: Page, box, context, bounds, village_pk=None) -> tuple[tuple, tuple]:
    """Draw the locator: the oblast around the community when the basemap import brought
    its boundary, the community, its villages, the village shown and the map frame.

    Return the inset's frame on the page (x, y, width, height in mm) and what it shows
    (minx, miny, maxx, maxy in the job's metric CRS, metres), for its georeferencing."""
    title_gap = 4 * page.scale
    x, y, w, h = box
    page.text(x, y + h, "Схема розташування", 7, va="top", weight="bold")
    frame_box = (x, y, w, h - title_gap)
    ax = page.figure.add_axes(page.rect(frame_box))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_color(MUTED)
    territory, villages = context["territory"], context["settlements"]
    regions = context.get("regions")
    oblasts = regions[regions["category"] == "region"] if regions is not None else None
    if regions is not None and not regions.empty:
        # The oblast (and the country's edge where it shows) around the community.
        draw.polygons(ax, regions.geometry, facecolor="#ffffff", edgecolor="#7a7a7a",
                      linewidth=0.5)  # fmt: skip
    draw.polygons(ax, territory.geometry, facecolor="#f2efe6", edgecolor="#4d4d4d", linewidth=0.6)
    draw.polygons(ax, villages.geometry, facecolor="#c9c9c9", edgecolor="none")
    chosen = villages[villages["pk"] == village_pk]
    draw.polygons(ax, chosen.geometry, facecolor="#d7301f", edgecolor="#d7301f", linewidth=0.6)
    minx, miny, maxx, maxy = bounds
    ax.add_patch(Rectangle((minx, miny), maxx - minx, maxy - miny, facecolor="none",
                           edgecolor="#d7301f", linewidth=0.9))  # fmt: skip
    around = oblasts if oblasts is not None and not oblasts.empty else territory
    if around is oblasts and oblasts.iloc[0]["name"]:
        ax.text(0.02, 0.02, oblasts.iloc[0]["name"], transform=ax.transAxes, ha="left",
                va="bottom", fontsize=page.pt(5.5), color=MUTED)  # fmt: skip
    return frame_box, _fit(ax, around, bounds, frame_box)


def _fit(ax, territory, bounds, frame_box) -> tuple[float, float, float, float]:
    """Show `territory` (the oblast when known) and the map frame at equal scale,
    centred in the inset; return
    the inset's limits (metres). The limits have the frame's own width-to-height ratio,
    so the equal aspect never moves the frame: the limits are the frame's corners."""
    tx = territory.total_bounds if not territory.empty else bounds
    minx, miny = min(tx[0], bounds[0]), min(tx[1], bounds[1])
    maxx, maxy = max(tx[2], bounds[2]), max(tx[3], bounds[3])
    pad = max(maxx - minx, maxy - miny) * 0.06
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    ratio = frame_box[2] / frame_box[3]
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_w = max((maxx - minx) / 2, (maxy - miny) / 2 * ratio)
    half_h = half_w / ratio
    ax.set_xlim(cx - half_w, cx + half_w)
    ax.set_ylim(cy - half_h, cy + half_h)
    ax.set_aspect("equal", adjustable="box")
    return (cx - half_w, cy - half_h, cx + half_w, cy + half_h)


# --- legend ------------------------------------------------------------------------------


def _swatch(ax, swatch: Swatch, x: float, y: float, key_w: float, key_h: float) -> None:
    if swatch.kind in ("area", "hatch"):
        ax.add_patch(Rectangle(
            (x, y - key_h / 2), key_w, key_h, facecolor=swatch.face, edgecolor="none",
            alpha=swatch.alpha if swatch.kind == "area" else 1.0,
        ))  # fmt: skip
        ax.add_patch(Rectangle(
            (x, y - key_h / 2), key_w, key_h, facecolor="none", edgecolor=swatch.edge,
            hatch=swatch.hatch or None, linewidth=max(swatch.width, 0.5),
        ))  # fmt: skip
        return
    if swatch.kind == "line":
        ax.plot([x, x + key_w], [y, y], color=swatch.edge, linewidth=max(swatch.width, 0.6))
        return
    ax.plot([x + key_w / 2], [y], marker=swatch.marker, markersize=swatch.size,
            markerfacecolor=swatch.face, markeredgecolor=swatch.edge,
            markeredgewidth=swatch.width if swatch.kind == "marker" else 0.5,
            linestyle="none")  # fmt: skip


def _rows(page: Page, groups: list[LegendGroup], col_w: float, size: float):
    """Yield (kind, text, swatch) rows: "title" for a layer, "entry" (wrapped) for a key."""
    for group in groups:
        plain = [s for s in group.swatches if s.kind != "heading"]
        if len(group.swatches) == 1 and plain[0].label == group.title:
            # A layer drawn one way is its own entry: "Вулиці" once, not as a heading
            # over a key of the same words.
            lines = page.wrap(group.title, col_w - 9 * page.scale, size)
            for i, line in enumerate(lines):
                yield "entry", line, plain[0] if i == 0 else None
            continue
        for line in page.wrap(group.title, col_w, size):
            yield "title", line, None
        for swatch in group.swatches:
            if swatch.kind == "heading":
                yield "heading", swatch.label, None
                continue
            lines = page.wrap(swatch.label, col_w - 9 * page.scale, size)
            for i, line in enumerate(lines):
                yield "entry", line, swatch if i == 0 else None


def _positions(rows, per_column: int) -> list[tuple[int, int]]:
    """Return (column, row) of each legend row; a layer title never ends a column."""
    out, column, row = [], 0, 0
    for i, (kind, _, _) in enumerate(rows):
        if row >= per_column or (kind == "title" and row >= per_column - 1 and i):
            column, row = column + 1, 0
        out.append((column, row))
        row += 1
    return out


def _layout(page: Page, groups, box, size: float):
    rows = list(_rows(page, groups, box[2], size))
    row_h = size * 0.52 * page.font_scale
    per_column = max(int((box[3] - 5 * page.scale) // row_h), 1)
    return rows, row_h, per_column


def legend(page: Page, box, groups: list[LegendGroup]) -> None:
    """Draw the legend of the layers drawn in the box, in as many columns as fit."""
    size, columns = 7.0, 1
    while True:
        col_w = (box[2] - 3 * page.scale * (columns - 1)) / columns
        rows, row_h, per_column = _layout(page, groups, (0, 0, col_w, box[3]), size)
        positions = _positions(rows, per_column)
        used = positions[-1][0] + 1 if positions else 1
        if used <= columns or size <= 5.0:
            break
        if col_w > 55 * page.scale:
            columns += 1
        else:
            size -= 0.5
    ax = page.axes(box)
    ax.text(0, box[3], "Умовні позначення", va="top", fontsize=page.pt(8), weight="bold",
            color=INK)  # fmt: skip
    key_w, key_h = 6 * page.scale, 3 * page.scale
    top = box[3] - 5 * page.scale
    for (kind, text, swatch), (column, row) in zip(rows, positions, strict=True):
        x = column * (col_w + 3 * page.scale)
        y = top - (row + 0.5) * row_h
        if kind == "title":
            ax.text(x, y, text, va="center", fontsize=page.pt(size), weight="bold", color=INK)
            continue
        if kind == "heading":
            ax.text(x, y, text, va="center", fontsize=page.pt(size), color=MUTED)
            continue
        if swatch is not None:
            _swatch(ax, swatch, x, y, key_w, min(key_h, row_h * 0.8))
        ax.text(x + key_w + 2.5 * page.scale, y, text, va="center", fontsize=page.pt(size),
                color=INK)  # fmt: skip
