"""The interactive maps' layers, made from the layer registry (layers.registry).

Every layer the user may see becomes a map layer with the registry's id, title (in the
active language), style, popup fields and legend. The small base layers (territory,
settlements, facilities: tens of features) come whole as GeoJSON from /api/v1/; every
other layer (addresses, streets, reports, coverage areas, Wi-Fi zones, gaps…) comes as
vector tiles (/tiles/{id}/{z}/{x}/{y}.pbf, described by /tiles/{id}.json), so a map page
stays light however many rows a layer has. A layer the user may not see is never added.

Every label is translated when the spec is built, so build specs inside a request.
"""

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from layers import registry, styles
from layers.models import PositionAccuracy
from maps.builder import (
    LayerSpec,
    Legend,
    LegendItem,
    PopupField,
    PopupNote,
    TileLayerSpec,
)

# Small layers fetched whole as GeoJSON: layer id → (URL name, query string).
GEOJSON_LAYERS = {
    "territory": ("api:territory", ""),
    "settlements": ("api:settlement_list", "?geometry=boundary"),
    "facilities": ("api:facility_list", ""),
}
# Pane order, bottom to top (Leaflet's overlay pane is 400, markers 600). Points above
# areas; tile layers (canvas) below the clickable GeoJSON facilities.
Z_INDEX = {
    "territory": 350,
    "coverage-areas": 360,
    "coverage-hexagons": 362,
    "coverage-gaps": 370,
    "settlements": 400,
    "streets": 420,
    "village-names": 450,
    "addresses": 460,
    "coverage-challenges": 465,
    "reports": 470,
    "wifi-hotspots": 480,
    "facilities": 500,
}
DEFAULT_Z_INDEX = 440
# Listed in the layer control but off when the map opens: they would cover the base map.
HIDDEN_BY_DEFAULT = frozenset(
    {"coverage-areas", "coverage-hexagons", "coverage-gaps", "coverage-challenges"}
)
# Layers whose colours a legend explains under a heading of its own.
LEGEND_HEADINGS = {"facilities": lambda: _("Internet at facilities")}


def _name_field() -> str:
    return "name_en" if (get_language() or "").startswith("en") else "name_uk"


def _approximate_note() -> PopupNote:
    return PopupNote(
        "position_accuracy", PositionAccuracy.APPROXIMATE, _("position is approximate")
    )


def _title_field(spec: registry.LayerSpec) -> str | None:
    """The popup's title: the first popup field (the English name when English is on)."""
    fields = spec.popup_fields()
    if not fields:
        return None
    if fields[0] == "name_uk" and "name_en" in spec.properties:
        return _name_field()
    return fields[0]


def _popup(spec: registry.LayerSpec) -> tuple[PopupField, ...]:
    """The popup rows after the title, labelled and with value labels from the registry."""
    rows = spec.legend()["popup"][1:]
    return tuple(
        PopupField(row["name"], capfirst(row["title"]), row["choices"] or None) for row in rows
    )


def _notes(spec: registry.LayerSpec) -> tuple[PopupNote, ...]:
    return (_approximate_note(),) if "position_accuracy" in spec.properties else ()


def geojson_layer(spec: registry.LayerSpec) -> LayerSpec:
    """A small registry layer fetched whole from its /api/v1/ URL."""
    url_name, query = GEOJSON_LAYERS[spec.id]
    return LayerSpec(
        name=spec.title(),
        url=reverse(url_name) + query,
        style=spec.style.as_dict(),
        geometry_type=spec.geometry_type(),
        radius=spec.style.radius,
        title_field=_title_field(spec),
        popup=_popup(spec),
        notes=_notes(spec),
        fit=spec.id == "territory",
        z_index=Z_INDEX.get(spec.id, DEFAULT_Z_INDEX),
    )


def settlement_label_layer(spec: registry.LayerSpec) -> LayerSpec:
    """Settlement centres with their names as permanent labels."""
    return LayerSpec(
        name=_("Village names"),
        url=reverse("api:settlement_list") + "?geometry=centre",
        style=styles.markers()["village-label"].as_dict(),
        geometry_type="Point",
        radius=styles.markers()["village-label"].radius,
        title_field=_name_field(),
        popup=_popup(spec),
        notes=_notes(spec),
        label_field=_name_field(),
        z_index=Z_INDEX["village-names"],
    )


def tile_layer(spec: registry.LayerSpec) -> TileLayerSpec:
    """A registry layer drawn from vector tiles; popups and style come with its TileJSON."""
    return TileLayerSpec(
        name=spec.title(),
        layer_id=spec.id,
        tilejson_url=reverse("tiles:tilejson", kwargs={"layers": spec.id}),
        show=spec.id not in HIDDEN_BY_DEFAULT,
        z_index=Z_INDEX.get(spec.id, DEFAULT_Z_INDEX),
    )


def registry_layers(user, *, only: tuple[str, ...] | None = None) -> list:
    """Return the map layers of the registry layers `user` may see, bottom to top.

    `only` keeps those layer ids (in registry order); None keeps every visible layer.
    """
    specs = [s for s in registry.visible_to(user) if only is None or s.id in only]
    layers: list = []
    for spec in specs:
        if spec.id in GEOJSON_LAYERS:
            layers.append(geojson_layer(spec))
        else:
            layers.append(tile_layer(spec))
        if spec.id == "settlements":
            layers.append(settlement_label_layer(spec))
    return sorted(layers, key=lambda layer: layer.z_index)


def _shape(spec: registry.LayerSpec) -> str:
    kind = spec.geometry_type()
    return "point" if "Point" in kind else "line" if "LineString" in kind else "area"


def _legend_rows(spec: registry.LayerSpec) -> list[LegendItem]:
    """One layer's legend rows: a heading and its colour categories, or one swatch."""
    legend = spec.legend()
    style, name = legend["style"], legend["title"]
    hidden, shape = spec.id in HIDDEN_BY_DEFAULT, _shape(spec)
    if style["ramp"]:
        return [
            LegendItem(None, name, layer=name, hidden=hidden),
            *(
                LegendItem(row["colour"], row["label"], layer=name, hidden=hidden, shape=shape)
                for row in style["ramp"]["legend"]
            ),
        ]
    if not style["colour_by"] or not style["categories"]:
        colour = style["colour"] if shape != "area" else style["fill_colour"]
        return [LegendItem(colour, name, layer=name, hidden=hidden, shape=shape)]
    heading = LEGEND_HEADINGS.get(spec.id, lambda: name)()
    labels = style["category_labels"]
    return [
        LegendItem(None, heading, layer=name, hidden=hidden),
        *(
            LegendItem(colour, labels.get(value, value), layer=name, hidden=hidden, shape=shape)
            for value, colour in style["categories"].items()
        ),
    ]


def registry_legend(user, *, only: tuple[str, ...] | None = None) -> Legend:
    """A legend of the registry layers `user` may see, drawn as the map draws them.

    One-colour layers first, one row each; then each colour-coded layer under a heading.
    """
    specs = [s for s in registry.visible_to(user) if only is None or s.id in only]
    sections = [_legend_rows(spec) for spec in specs]
    rows = [row for rows in sections if len(rows) == 1 for row in rows]
    rows += [row for rows in sections if len(rows) > 1 for row in rows]
    return Legend(title=_("Legend"), items=tuple(rows))


def overview_layers(user=None) -> list:
    """The landing page's layers, bottom to top: every registry layer `user` may see."""
    return registry_layers(user)


def overview_legend(user=None) -> Legend:
    """The landing page's legend."""
    return registry_legend(user)
