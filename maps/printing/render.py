"""Draw one map page: the layers in METRIC_SRID at a round scale inside the map frame,
village labels, scale bar, north arrow, legend, locator inset, title and footer."""

from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import numpy as np
from django.conf import settings
from matplotlib.colors import to_rgba

from layers.registry import LayerSpec
from maps.printing import data, draw, furniture, style
from maps.printing.keys import key_chunks
from maps.printing.labels import RINGS, Label, place, symbol_boxes
from maps.printing.options import PrintOptions
from maps.printing.page import Page, footer_lines, thousands

# Bottom to top; layers not named here follow, polygons before points.
DRAW_ORDER = (
    "territory",
    "settlements",
    "coverage-areas",
    "coverage-gaps",
    "addresses",
    "wifi-hotspots",
    "facilities",
    "reports",
)
# The legend lists the thematic layers first, the base map last.
LEGEND_ORDER = (
    "reports",
    "facilities",
    "wifi-hotspots",
    "coverage-gaps",
    "coverage-areas",
    "settlements",
    "streets",
    "addresses",
    "territory",
)
LABEL_SIZE = 7.5
NUMBER_SIZE = 6.0
STREET_SIZE = 5.5
HOUSE_SIZE = 4.5
# Streets are named on sheets at 1:50 000 and larger, house numbers at 1:10 000 and larger
# (a 4.5 pt number needs about 10 m of ground at 1:10 000).
STREET_SCALE = 50_000
HOUSE_SCALE = 10_000
# Facilities are numbered К1, К2, … (комунальний заклад; a Cyrillic З reads as 3) on
# each sheet in reading order (north to south, then west to east); reports carry their
# own public number, the one on the web site, written without its year and zeros
# (2026-00035 → 35) when that stays unique on the sheet.
FACILITY_PREFIX = "К"
READING_ROW_M = 0.02
DEFAULT_SOURCE = "база даних Hromada GIS"
INK_NUMBER = "#1a1a1a"
REPORT_NUMBER = "#8c1a10"
STREET_INK = "#3a3a3a"


@dataclass
class MapJob:
    """Everything one map page needs, read from the database before drawing."""

    options: PrintOptions
    specs: list[LayerSpec]
    area: data.Area
    bounds: tuple[float, float, float, float]
    scale: int
    frames: dict[str, gpd.GeoDataFrame]
    labels: gpd.GeoDataFrame
    context: dict[str, gpd.GeoDataFrame]
    map_date: date
    data_date: date | None
    title: str
    subtitle: str
    layout: str = "map"
    # The metric CRS of bounds, frames and grid: the territory's УСК-2000 zone.
    srid: int = settings.METRIC_SRID
    legend_groups: list = field(default_factory=list)
    # What the map numbered, filled while drawing: (number printed, "facility" or "report",
    # name or category, kind or status, full report number) rows.
    keys: list = field(default_factory=list)
    # The locator inset as drawn: (its box on the page in mm, its limits in `srid`
    # metres), for its georeferencing; None until the page is drawn.
    inset: tuple | None = None


def draw_order(specs: list[LayerSpec]) -> list[LayerSpec]:
    """Return the layers bottom to top: areas under points, known layers in DRAW_ORDER."""

    def key(spec):
        known = DRAW_ORDER.index(spec.id) if spec.id in DRAW_ORDER else len(DRAW_ORDER)
        return (0 if data.is_polygon(spec) else 1, known)

    return sorted(specs, key=key)


def sources(specs: list[LayerSpec]) -> list[str]:
    """Return the layers' sources once each; layers without one name the database."""
    out = []
    missing = []
    for spec in specs:
        if spec.source and spec.source not in out:
            out.append(spec.source)
        elif not spec.source:
            missing.append(spec.title_uk)
    if missing:
        out.append(f"{', '.join(missing)}: {DEFAULT_SOURCE}")
    return out


# --- layers ------------------------------------------------------------------------------


def _draw_polygons(ax, spec: LayerSpec, frame: gpd.GeoDataFrame, z: float) -> None:
    if "hatch" in frame:
        for tier, hatch in style.GAP_HATCHES.items():
            part = frame[frame["hatch"] == tier]
            if not part.empty:
                draw.polygons(ax, part.geometry, facecolor="none", hatch=hatch, linewidth=0.0,
                              edgecolor=style.gap_colour(spec, tier), zorder=z)  # fmt: skip
        return
    if "colour" in frame:
        for value, part in frame.groupby("colour", sort=True):
            colour = style.category_colour(spec, value)
            draw.polygons(ax, part.geometry, facecolor=to_rgba(colour, style.polygon_alpha(spec)),
                          edgecolor=colour, linewidth=0.4, zorder=z)  # fmt: skip
            hatch = style.category_hatch(spec, value)
            if hatch:
                draw.polygons(ax, part.geometry, facecolor="none", hatch=hatch, linewidth=0.0,
                              edgecolor=to_rgba(colour, 0.6), zorder=z)  # fmt: skip
        return
    face = to_rgba(style.polygon_face(spec), style.polygon_alpha(spec))
    draw.polygons(ax, frame.geometry, facecolor=face, edgecolor=spec.style.colour,
                  linewidth=style.line_width(spec), zorder=z)  # fmt: skip


def _draw_points(ax, spec: LayerSpec, frame: gpd.GeoDataFrame, z: float, grow: float) -> None:
    xs, ys = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    colours = (
        [style.category_colour(spec, v) for v in frame["colour"]]
        if "colour" in frame
        else [spec.style.colour] * len(frame)
    )
    if "symbol" in frame:
        markers = [style.kind_marker(v) for v in frame["symbol"]]
    elif "colour" in frame:
        markers = [style.category_marker(spec, v) for v in frame["colour"]]
    else:
        markers = [style.point_marker(spec)] * len(frame)
    # Where the shape tells the kind (facilities), the fill tells the state: solid, hollow
    # or pale, as the legend shows.
    fills = (
        [style.category_fill(spec, v) for v in frame["colour"]]
        if "symbol" in frame and "colour" in frame
        else ["solid"] * len(frame)
    )
    size = style.marker_size(spec, len(frame)) * grow
    small = size < 3
    # One collection per (marker, colour): the PDF then sets its colour once, not per point.
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, key in enumerate(zip(markers, colours, fills, strict=True)):
        groups.setdefault(key, []).append(i)
    for (marker, colour, fill), pick in sorted(groups.items()):
        face, edge, width = style.marker_paint(colour, fill, small)
        ax.scatter(
            xs[pick], ys[pick], s=size**2, marker=marker, facecolors=face, edgecolors=edge,
            linewidths=width, zorder=z,
        )  # fmt: skip


def draw_layers(ax, job: MapJob, grow: float = 1.0) -> list:
    """Draw the job's layers bottom to top; return the symbol boxes labels should avoid."""
    symbols = []
    for z, spec in enumerate(draw_order(job.specs), start=2):
        frame = job.frames.get(spec.id)
        if frame is None or frame.empty:
            continue
        if data.is_polygon(spec):
            _draw_polygons(ax, spec, frame, z)
        elif "Line" in spec.geometry_type():
            draw.lines(ax, frame.geometry, colors=spec.style.colour,
                       linewidths=style.line_width(spec), zorder=z)  # fmt: skip
        else:
            _draw_points(ax, spec, frame, z + 10, grow)
            # Every symbol, the smallest dots too, keeps labels off it.
            size = max(style.marker_size(spec, len(frame)) * grow, 1.5)
            xs, ys = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
            symbols += symbol_boxes(ax, xs, ys, size)
    outline = job.frames.get("territory")
    if outline is not None and not outline.empty:
        # The community boundary stays readable above the coverage fills.
        spec = next(s for s in job.specs if s.id == "territory")
        draw.lines(ax, outline.geometry, colors=spec.style.colour, linewidths=1.1, zorder=9)
    return symbols


def reading_order(frame: gpd.GeoDataFrame, bounds) -> list[int]:
    """Return the frame's row positions north to south in bands of READING_ROW_M of the
    map's height, west to east within a band (how a reader scans a sheet)."""
    band = max((bounds[3] - bounds[1]) * READING_ROW_M, 1.0)
    xs, ys = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    return sorted(range(len(frame)), key=lambda i: (-(ys[i] // band), xs[i]))


def short_numbers(numbers: list[str]) -> dict[str, str]:
    """Return {report number: number printed}: "2026-00035" → "35" when no two reports
    of the list would then print the same, else the numbers unchanged."""
    short = {n: n.rsplit("-", 1)[-1].lstrip("0") or n for n in numbers}
    return short if len(set(short.values())) == len(short) else {n: n for n in numbers}


def _village_labels(job: MapJob, page: Page) -> list[Label]:
    points = zip(job.labels.geometry.x, job.labels.geometry.y, strict=True)
    return [Label(text, anchor=xy, size=page.pt(LABEL_SIZE), rings=len(RINGS))
            for xy, text in zip(points, job.labels["label"], strict=True)]  # fmt: skip


def _number_labels(job: MapJob, page: Page) -> list[tuple[Label, tuple]]:
    """Return (label, key row) of the numbered facilities and reports in the frame."""
    out = []
    frame = job.frames.get("facilities")
    if frame is not None and not frame.empty and "text" in frame:
        kinds = style.category_labels(_spec(job, "facilities"), "kind")
        for n, i in enumerate(reading_order(frame, job.bounds), start=1):
            row = frame.iloc[i]
            number = f"{FACILITY_PREFIX}{n}"
            kind = kinds.get(str(row.get("symbol")), "") if "symbol" in frame else ""
            out.append((Label(number, anchor=(row.geometry.x, row.geometry.y),
                              size=page.pt(NUMBER_SIZE), rings=6, colour=INK_NUMBER,
                              leader=True),
                        (number, "facility", row["text"], kind, "")))  # fmt: skip
    frame = job.frames.get("reports")
    if frame is not None and not frame.empty and "text" in frame:
        statuses = style.category_labels(_spec(job, "reports"), "status")
        short = short_numbers([str(v) for v in frame["text"]])
        for i in reading_order(frame, job.bounds):
            row = frame.iloc[i]
            number = short[str(row["text"])]
            detail = statuses.get(str(row.get("colour")), "") if "colour" in frame else ""
            out.append((Label(number, anchor=(row.geometry.x, row.geometry.y), leader=True,
                              size=page.pt(NUMBER_SIZE), rings=6, colour=REPORT_NUMBER),
                        (number, "report", row.get("category") or "", detail,
                         str(row["text"]))))  # fmt: skip
    return out


def _street_labels(job: MapJob, page: Page) -> list[Label]:
    """Name the streets along their lines; a street without a line (its addresses name
    it) is named at the middle of its houses."""
    if job.scale > STREET_SCALE:
        return []
    out, named = [], set()
    size = page.pt(STREET_SIZE)
    streets = job.frames.get("streets")
    if streets is not None and not streets.empty and "text" in streets:
        names = streets["street"] if "street" in streets else streets["text"]
        for geometry, text, name in zip(streets.geometry, streets["text"], names, strict=True):
            parts = getattr(geometry, "geoms", [geometry])
            longest = max(parts, key=lambda g: g.length)
            out.append(Label(text, line=np.asarray(longest.coords), size=size, weight="normal",
                             style="italic", colour=STREET_INK))  # fmt: skip
            named.add(name)
    houses = job.frames.get("addresses")
    if houses is not None and not houses.empty and "street" in houses:
        for name, group in houses.groupby("street", sort=True):
            if name and name not in named:
                centre = group.geometry.union_all().centroid
                out.append(Label(name, anchor=(centre.x, centre.y), size=size, weight="normal",
                                 style="italic", colour=STREET_INK, rings=3))  # fmt: skip
    return out


def _house_labels(job: MapJob, page: Page) -> list[Label]:
    houses = job.frames.get("addresses")
    if job.scale > HOUSE_SCALE or houses is None or houses.empty or "text" not in houses:
        return []
    return [Label(str(text), anchor=(g.x, g.y), size=page.pt(HOUSE_SIZE), weight="normal",
                  colour=STREET_INK, halo=False)
            for g, text in zip(houses.geometry, houses["text"], strict=True) if text]  # fmt: skip


def _spec(job: MapJob, layer_id: str) -> LayerSpec:
    return next(s for s in job.specs if s.id == layer_id)


def label_map(ax, job: MapJob, page: Page, obstacles) -> None:
    """Place every label of the map, most important first: villages, the numbers of
    facilities and reports, streets, house numbers. Record the numbers placed in
    job.keys for the numbered list after the map."""
    numbered = _number_labels(job, page)
    labels = [*_village_labels(job, page), *(label for label, _ in numbered),
              *_street_labels(job, page), *_house_labels(job, page)]  # fmt: skip
    done = set(place(ax, page.renderer(), labels, obstacles))
    job.keys = [key for _, key in numbered if key[0] in done]


# --- the page ----------------------------------------------------------------------------


def map_axes(page: Page, box, bounds):
    """Add the map frame: axes in metres (METRIC_SRID) at equal scale, no ticks."""
    ax = page.figure.add_axes(page.rect(box))
    ax.set_xlim(bounds[0], bounds[2])
    ax.set_ylim(bounds[1], bounds[3])
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
        spine.set_zorder(60)
    return ax


def draw_map(page: Page, job: MapJob, bounds, scale: int, box) -> None:
    """Draw the map frame with its layers, labels, scale bar and north arrow; labels keep
    clear of the symbols and of the furniture."""
    ax = map_axes(page, box, bounds)
    symbols = draw_layers(ax, job, page.font_scale)
    furniture_boxes = [furniture.scale_bar(page, ax, bounds, scale)]
    centre = ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)
    angle = furniture.grid_convergence_deg(*centre, job.srid)
    furniture_boxes.append(page.display_box(furniture.north_arrow(page, box, angle)))
    label_map(ax, job, page, symbols + furniture_boxes)
    # The grid's labels come last and give way to every text already on the map.
    written = [text.get_window_extent(page.renderer()) for text in ax.texts]
    furniture.grid(page, ax, bounds, furniture_boxes + written)


def legend_groups(job: MapJob) -> list:
    """Return the legend blocks of the layers drawn, top layer first."""
    groups = []
    rank = {layer: i for i, layer in enumerate(LEGEND_ORDER)}
    for spec in sorted(job.specs, key=lambda s: rank.get(s.id, len(rank))):
        group = style.legend_group(spec, job.frames.get(spec.id))
        if group is not None:
            groups.append(group)
    return groups


def map_page(page: Page, job: MapJob, number: int, total: int | None) -> None:
    """Draw a whole map page: header, map, legend, inset and footer. `total` None: a
    sheet of its own, one page, two when the numbered list follows."""
    box = page.box(job.layout, "map")
    bounds, scale = job.bounds, job.scale
    page.header(job.title, job.subtitle)
    draw_map(page, job, bounds, scale, box)
    furniture.legend(page, page.box(job.layout, "legend"), legend_groups(job))
    village_pk = job.area.village.pk if job.area.village else None
    job.inset = furniture.inset(
        page, page.box(job.layout, "inset"), job.context, bounds, village_pk
    )
    lines = footer_lines(
        scale_text=f"Масштаб 1:{thousands(scale)} (друк без масштабування).",
        sources=sources(job.specs),
        map_date=job.map_date,
        data_date=job.data_date,
    )
    page.footer(lines, number, total if total is not None else 1 + len(key_chunks(page, job)))


def numbered_keys(job: MapJob, page: Page) -> list[tuple]:
    """Return the key of every facility and report the map numbers, placed or not (its
    number may find no room on the map), before the map is drawn: (number, kind, text,
    detail, full number), in the map's reading order; `page` as the map's."""
    return [key for _, key in _number_labels(job, page)]
