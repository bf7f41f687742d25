"""How layers and the maps' own markers look: the typed styles of the layer registry.

A `LayerStyle` belongs to a registry layer (`layers.registry.LayerSpec.style`); a
marker style (`register_marker`) draws one of the maps' own symbols that is no layer:
the visitor's position, the place chosen on a map, a search result. Both reach the
browser in the one style document (`layers.tiles.style`). Colours are CSS hex strings.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

SYMBOLS = ("circle", "square", "triangle", "diamond", "marker", "none")

# Points are ringed in white unless a style names another outline.
POINT_OUTLINE = "#ffffff"


@dataclass(frozen=True)
class Ramp:
    """A graduated colour: the value of numeric property `property` picks the colour.

    `steps` are (lower bound, colour) pairs in ascending order of bound: a value takes
    the colour of the highest bound it reaches, a value below every bound the first
    colour; a missing value takes `no_data_colour`. `unit` follows the bounds in the
    legend ("%").
    """

    property: str
    steps: tuple[tuple[float, str], ...]
    no_data_colour: str
    unit: str = ""

    def colour_at(self, value: float | None) -> str:
        """Return the colour of `value` (None: the no-data colour)."""
        if value is None:
            return self.no_data_colour
        reached = [colour for bound, colour in self.steps if value >= bound]
        return reached[-1] if reached else self.steps[0][1]

    def legend(self) -> list[dict]:
        """Return the legend rows, highest class first, then "no data" (translated)."""
        bounds = [bound for bound, _ in self.steps]
        rows = []
        for index, (bound, colour) in enumerate(self.steps):
            upper = bounds[index + 1] if index + 1 < len(bounds) else None
            rows.append({"colour": colour, "min": bound, "max": upper, "label": self._label(index)})
        rows.reverse()
        no_data = _("no data")
        rows.append({"colour": self.no_data_colour, "min": None, "max": None, "label": no_data})
        return rows

    def _label(self, index: int) -> str:
        bounds = [f"{bound:g}" for bound, _ in self.steps]
        if index == len(bounds) - 1:
            return f"≥ {bounds[index]}{self.unit}"
        if index == 0:
            return f"< {bounds[1]}{self.unit}"
        return f"{bounds[index]}–{bounds[index + 1]}{self.unit}"

    def as_dict(self) -> dict:
        return {
            "property": self.property,
            "steps": [[bound, colour] for bound, colour in self.steps],
            "no_data_colour": self.no_data_colour,
            "unit": self.unit,
            "legend": self.legend(),
        }


@dataclass(frozen=True)
class LayerStyle:
    """How a layer is drawn by default: the web maps, the legends and the printed maps.

    `colour` strokes lines and outlines and fills point symbols; `fill_colour` fills
    polygons (None: the same as `colour`); `outline_colour` rings point symbols (None:
    white) and, when given, outlines polygons whatever their fill; `line_width` in screen
    pixels; `fill_opacity` 0–1 (0: no fill); `symbol` is the point marker shape;
    `radius` the point radius in pixels.
    `colour_by` names a property whose values pick the colour from `categories`
    ((value, colour) pairs); other values keep `colour`. `ramp` colours the fill by a
    numeric property instead (a graduated style).
    `variants` are named other looks of the layer on particular maps ((name, style)
    pairs), e.g. the territory drawn as a bare outline; they carry no variants of their own.
    """

    colour: str = "#3388ff"
    fill_colour: str | None = None
    outline_colour: str | None = None
    line_width: float = 1.5
    fill_opacity: float = 0.3
    symbol: str = "circle"
    radius: float = 5.0
    colour_by: str | None = None
    categories: tuple[tuple[str, str], ...] = ()
    ramp: Ramp | None = None
    variants: tuple[tuple[str, "LayerStyle"], ...] = ()

    def as_dict(self) -> dict:
        return {
            "colour_by": self.colour_by,
            "categories": dict(self.categories),
            "colour": self.colour,
            "fill_colour": self.fill_colour or self.colour,
            "outline_colour": self.outline_colour,
            "point_outline_colour": self.outline_colour or POINT_OUTLINE,
            "line_width": self.line_width,
            "fill_opacity": self.fill_opacity,
            "symbol": self.symbol,
            "radius": self.radius,
            "ramp": self.ramp.as_dict() if self.ramp else None,
            "variants": {name: variant.as_dict() for name, variant in self.variants},
        }


_MARKERS: dict[str, LayerStyle] = {}


def register_marker(name: str, style: LayerStyle) -> LayerStyle:
    """Declare (or replace) the style of one of the maps' own markers, by name."""
    _MARKERS[name] = style
    return style


def markers() -> dict[str, LayerStyle]:
    """Return {name: style} of every declared marker."""
    return dict(_MARKERS)


@dataclass(frozen=True)
class LayerLabel:
    """A layer's names written on the web maps (MapLibre symbol layers, collision-checked).

    `field` is the property holding the text (in tiles); `field_en` the English one,
    used when the visitor reads English and the feature has it. `min_zoom` is the
    shallowest zoom showing the text; `placement` "point" (at the feature) or "line"
    (along a street). `size` in screen pixels; `priority`: lower is placed first when
    labels collide. `colour` and `halo_colour` are CSS hex strings.
    """

    field: str
    field_en: str | None = None
    min_zoom: int = 0
    placement: str = "point"
    size: float = 12.0
    priority: int = 50
    colour: str = "#222222"
    halo_colour: str = "#ffffff"

    def fields(self) -> tuple[str, ...]:
        """Return the properties the label reads (for the tiles)."""
        return (self.field, self.field_en) if self.field_en else (self.field,)

    def as_dict(self) -> dict:
        return {
            "field": self.field,
            "field_en": self.field_en,
            "min_zoom": self.min_zoom,
            "placement": self.placement,
            "size": self.size,
            "priority": self.priority,
            "colour": self.colour,
            "halo_colour": self.halo_colour,
        }
