"""How the registry's layers look on paper: colours and categories come from each layer's
LayerStyle; the print adds what screens do not need (marker shapes per facility kind,
hatches for gaps, widths in points) and builds the legend from what is drawn.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from matplotlib.colors import to_rgba

from layers.registry import LayerSpec

# Marker shapes of facility kinds (matplotlib markers), told apart without colour;
# the colour stays the registry's internet status.
KIND_MARKERS = {
    "administration": "*",
    "cnap": "p",
    "school": "s",
    "kindergarten": "h",
    "library": "v",
    "culture_house": "^",
    "medical": "P",
    "youth_space": "<",
    "social_care": ">",
    "other": "o",
}
SYMBOL_MARKERS = {"circle": "o", "square": "s", "triangle": "^", "diamond": "D", "marker": "v"}
KIND_COLOUR = "#4d4d4d"
# The gaps printed and their hatches, widest gap first: no high-speed coverage, then none.
GAP_HATCHES = {"served": "///", "covered": "xxx"}
# The wide gap (no high-speed coverage) is hatched paler than the gap with no coverage.
GAP_COLOURS = {"served": "#ef8a62", "covered": "#b2182b"}
# Categories of an area layer (coverage technologies) are hatched, and categories of a
# point layer (report states) take marker shapes, in the registry's category order: a
# black-and-white copy keeps them apart where the colours turn into the same grey.
CATEGORY_HATCHES = ("", "..", "--", "||", "+", "o", "\\\\", "*", "O")
# (Not "/" or "x": those are the gaps' hatches, GAP_HATCHES.)
CATEGORY_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "p", "h")
# Screen pixels to paper points for line widths and marker sizes: thinner on paper.
PX_TO_PT = 0.5
MARKER_SCALE = 1.25
POLYGON_MIN_ALPHA = 0.25
HALO = "#ffffff"


@dataclass(frozen=True)
class Swatch:
    """One legend entry: its label and how its key is drawn ("area", "hatch", "marker")."""

    label: str
    kind: str
    face: str = "none"
    edge: str = "#000000"
    alpha: float = 1.0
    hatch: str = ""
    marker: str = "o"
    size: float = 6.0
    width: float = 0.5


@dataclass
class LegendGroup:
    """A layer's block in the legend: its title and its entries."""

    title: str
    swatches: list[Swatch] = field(default_factory=list)


def _served_text() -> str:
    down, up = settings.COVERAGE_SERVED_MBPS
    return f"немає ≥ {down}/{up} Мбіт/с"


GAP_LABELS = {"covered": "немає жодного покриття"}


def gap_label(tier: str) -> str:
    """Return the Ukrainian legend text of a gap tier."""
    return _served_text() if tier == "served" else GAP_LABELS.get(tier, tier)


def gap_colour(spec: LayerSpec, tier: str) -> str:
    return GAP_COLOURS.get(tier, spec.style.colour)


# Point layers with more features than this in the frame are drawn as small dots.
DENSE_POINTS = 400
DENSE_SIZE = 2.2


def category_labels(spec: LayerSpec, name: str | None) -> dict[str, str]:
    """Return {stored value: Ukrainian label} from the model field's choices of a property."""
    if not name:
        return {}
    path = spec.properties.get(name)
    model_field = spec.model_field(path) if isinstance(path, str) else None
    choices = getattr(model_field, "choices", None) or ()
    with translation.override("uk"):
        return {str(value): str(label) for value, label in choices}


def category_colour(spec: LayerSpec, value) -> str:
    """Return the registry colour of a category value (the layer colour when unlisted)."""
    return dict(spec.style.categories).get(str(value), spec.style.colour)


def _category_index(spec: LayerSpec, value) -> int:
    order = [str(v) for v, _ in spec.style.categories]
    return order.index(str(value)) if str(value) in order else len(order)


def category_hatch(spec: LayerSpec, value) -> str:
    """Return the hatch of an area category (none for the first, then one each)."""
    return CATEGORY_HATCHES[_category_index(spec, value) % len(CATEGORY_HATCHES)]


def category_marker(spec: LayerSpec, value) -> str:
    """Return the marker shape of a point category (circle for the first, then one each)."""
    return CATEGORY_MARKERS[_category_index(spec, value) % len(CATEGORY_MARKERS)]


FILLS = ("solid", "hollow", "pale")


def category_fill(spec: LayerSpec, value) -> str:
    """Return how a marker of this category is filled: "solid" for the first category,
    "hollow" for the second, "pale" for the others (kept apart in grey)."""
    return FILLS[min(_category_index(spec, value), len(FILLS) - 1)]


def marker_paint(colour: str, fill: str, small: bool = False) -> tuple:
    """Return (face, edge, edge width in pt) of a marker of `colour` filled `fill`."""
    if fill == "hollow":
        return "white", colour, 1.2
    if fill == "pale":
        return to_rgba(colour, 0.35), colour, 0.8
    return (colour, "none", 0) if small else (colour, HALO, 0.5)


def polygon_face(spec: LayerSpec) -> str:
    return spec.style.fill_colour or spec.style.colour


def polygon_alpha(spec: LayerSpec) -> float:
    return max(spec.style.fill_opacity, POLYGON_MIN_ALPHA)


def line_width(spec: LayerSpec) -> float:
    return spec.style.line_width * PX_TO_PT


def marker_size(spec: LayerSpec, count: int = 0) -> float:
    """Return the marker size in points (its diameter) from the registry radius in px;
    small dots when `count` features would crowd the frame."""
    size = spec.style.radius * MARKER_SCALE
    return min(size, DENSE_SIZE) if count > DENSE_POINTS else size


def point_marker(spec: LayerSpec) -> str:
    return SYMBOL_MARKERS.get(spec.style.symbol, "o")


def kind_marker(value) -> str:
    return KIND_MARKERS.get(str(value), "o")


def _present(values, order) -> list[str]:
    """Return the values drawn, in the registry's category order, then the others sorted."""
    values = {str(v) for v in values if v is not None}
    ordered = [v for v in order if v in values]
    return ordered + sorted(values - set(ordered))


def legend_group(spec: LayerSpec, frame) -> LegendGroup | None:
    """Return the legend block of a drawn layer, listing only the categories present."""
    if frame is None or frame.empty:
        return None
    group = LegendGroup(spec.title_uk)
    if "hatch" in frame:
        for tier in _present(frame["hatch"], GAP_HATCHES):
            if tier in GAP_HATCHES:
                group.swatches.append(
                    Swatch(
                        gap_label(tier),
                        "hatch",
                        edge=gap_colour(spec, tier),
                        hatch=GAP_HATCHES[tier],
                    )  # fmt: skip
                )
        return group
    if "symbol" in frame:
        labels = category_labels(spec, "kind")
        group.swatches.append(Swatch(_title(spec, "kind"), "heading"))
        for kind in _present(frame["symbol"], KIND_MARKERS):
            group.swatches.append(
                Swatch(labels.get(kind, kind), "marker", face=KIND_COLOUR, marker=kind_marker(kind))
            )
    colours = _colour_swatches(spec, frame)
    if colours and "symbol" in frame:
        group.swatches.append(Swatch(_title(spec, spec.style.colour_by), "heading"))
    group.swatches.extend(colours)
    if not group.swatches:
        group.swatches.append(_plain_swatch(spec, frame))
    return group


def _title(spec: LayerSpec, name: str) -> str:
    with translation.override("uk"):
        return spec.property_title(name).capitalize()


def _colour_swatches(spec: LayerSpec, frame) -> list[Swatch]:
    if "colour" not in frame:
        return []
    labels = category_labels(spec, spec.style.colour_by)
    order = [value for value, _ in spec.style.categories]
    polygon = frame.geom_type.str.contains("Polygon").any()
    out = []
    for value in _present(frame["colour"], order):
        colour = category_colour(spec, value)
        label = labels.get(value, value)
        if polygon:
            out.append(Swatch(label, "area", face=colour, edge=colour, alpha=polygon_alpha(spec),
                              hatch=category_hatch(spec, value)))  # fmt: skip
        elif "symbol" in frame:
            # The kind has the shape: the state is the fill of a plain circle.
            face, edge, width = marker_paint(colour, category_fill(spec, value))
            out.append(Swatch(label, "marker", face=face, edge=edge if width else HALO,
                              marker="o", size=6.0, width=max(width, 0.5)))  # fmt: skip
        else:
            size = min(marker_size(spec, len(frame)), 6.0)
            out.append(Swatch(label, "marker", face=colour, edge=HALO, size=size,
                              marker=category_marker(spec, value)))  # fmt: skip
    return out


def _plain_swatch(spec: LayerSpec, frame) -> Swatch:
    if "Line" in spec.geometry_type():
        return Swatch(spec.title_uk, "line", edge=spec.style.colour, width=line_width(spec))
    if spec.style.symbol == "none" or "Polygon" in spec.geometry_type():
        return Swatch(
            spec.title_uk,
            "area",
            face=polygon_face(spec),
            edge=spec.style.colour,
            alpha=polygon_alpha(spec),
            width=line_width(spec),
        )
    size = min(marker_size(spec, len(frame)), 6.0)
    return Swatch(
        spec.title_uk, "marker", face=spec.style.colour, edge=HALO, marker=point_marker(spec),
        size=size,
    )  # fmt: skip
