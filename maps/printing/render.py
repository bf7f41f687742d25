"""Draw one map page: the layers in METRIC_SRID at a round scale inside the map frame,
village labels, scale bar, north arrow, legend, locator inset, title and footer."""

from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
from django.conf import settings
from matplotlib.colors import to_rgba

from layers.registry import LayerSpec
from maps.printing import data, draw, furniture, style
from maps.printing.labels import labels_place, symbol_boxes
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
DEFAULT_SOURCE = "база даних Hromada GIS"


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
    legend_groups: list = field(default_factory=list)


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
    markers = (
        [style.kind_marker(v) for v in frame["symbol"]]
        if "symbol" in frame
        else [style.point_marker(spec)] * len(frame)
    )
    size = style.marker_size(spec, len(frame)) * grow
    small = size < 3
    # One collection per (marker, colour): the PDF then sets its colour once, not per point.
    groups: dict[tuple[str, str], list[int]] = {}
    for i, key in enumerate(zip(markers, colours, strict=True)):
        groups.setdefault(key, []).append(i)
    for (marker, colour), pick in sorted(groups.items()):
        ax.scatter(
            xs[pick], ys[pick], s=size**2, marker=marker, color=colour,
            edgecolors="none" if small else style.HALO, linewidths=0 if small else 0.5,
            zorder=z,
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
            size = style.marker_size(spec, len(frame)) * grow
            if size >= 3:
                xs, ys = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
                symbols += symbol_boxes(ax, xs, ys, size)
    outline = job.frames.get("territory")
    if outline is not None and not outline.empty:
        # The community boundary stays readable above the coverage fills.
        spec = next(s for s in job.specs if s.id == "territory")
        draw.lines(ax, outline.geometry, colors=spec.style.colour, linewidths=1.1, zorder=9)
    return symbols


def _label(ax, job: MapJob, page: Page, symbols) -> None:
    if job.labels.empty:
        return
    points = list(zip(job.labels.geometry.x, job.labels.geometry.y, strict=True))
    texts = list(job.labels["label"])
    labels_place(ax, page.renderer(), points, texts, size=page.pt(LABEL_SIZE), symbols=symbols)


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
    """Draw the map frame with its layers, labels, scale bar and north arrow."""
    ax = map_axes(page, box, bounds)
    symbols = draw_layers(ax, job, page.font_scale)
    _label(ax, job, page, symbols)
    furniture.scale_bar(page, ax, bounds, scale)
    centre = ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)
    angle = furniture.grid_convergence_deg(*centre, settings.METRIC_SRID)
    furniture.north_arrow(page, box, angle)


def legend_groups(job: MapJob) -> list:
    """Return the legend blocks of the layers drawn, top layer first."""
    groups = []
    rank = {layer: i for i, layer in enumerate(LEGEND_ORDER)}
    for spec in sorted(job.specs, key=lambda s: rank.get(s.id, len(rank))):
        group = style.legend_group(spec, job.frames.get(spec.id))
        if group is not None:
            groups.append(group)
    return groups


def map_page(page: Page, job: MapJob, number: int, total: int) -> None:
    """Draw a whole map page: header, map, legend, inset and footer."""
    box = page.box(job.layout, "map")
    bounds, scale = job.bounds, job.scale
    page.header(job.title, job.subtitle)
    draw_map(page, job, bounds, scale, box)
    furniture.legend(page, page.box(job.layout, "legend"), legend_groups(job))
    village_pk = job.area.village.pk if job.area.village else None
    furniture.inset(page, page.box(job.layout, "inset"), job.context, bounds, village_pk)
    lines = footer_lines(
        scale_text=f"Масштаб 1:{thousands(scale)} (друк без масштабування).",
        sources=sources(job.specs),
        map_date=job.map_date,
        data_date=job.data_date,
    )
    page.footer(lines, number, total)
