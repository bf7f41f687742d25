"""The base layers (territory, settlements, facilities) as map layer specs for any page.

Every label is translated when the spec is built, so build specs inside a request.
"""

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from layers.models import Facility, PositionAccuracy, Settlement, Technology
from maps.builder import LayerSpec, Legend, LegendItem, PopupField, PopupNote

# Internet status of a facility: green / magenta / grey read apart with colour blindness.
INTERNET_COLOURS = {
    Facility.Internet.CONNECTED: "#1b7837",
    Facility.Internet.NOT_CONNECTED: "#c51b7d",
    Facility.Internet.UNKNOWN: "#8c8c8c",
}


def _choices(choices) -> dict[str, str]:
    """Return {stored value: label in the active language} for a Django choices class."""
    return {value: str(label) for value, label in choices.choices}


def _name_field() -> str:
    return "name_en" if (get_language() or "").startswith("en") else "name_uk"


def _approximate_note() -> PopupNote:
    return PopupNote(
        "position_accuracy", PositionAccuracy.APPROXIMATE, _("position is approximate")
    )


def territory_layer() -> LayerSpec:
    """The community's boundary; the map fits to it once loaded."""
    return LayerSpec(
        name=_("Territory of the community"),
        url=reverse("api:territory"),
        style={"color": "#3f3f3f", "weight": 2.5, "fillColor": "#fdf6e3", "fillOpacity": 0.35},
        title_field=_name_field(),
        popup=(
            PopupField("katottg", _("KATOTTG code")),
            PopupField("area_km2", _("Area, km²")),
        ),
        notes=(_approximate_note(),),
        fit=True,
        z_index=350,
    )


def _settlement_popup() -> tuple[PopupField, ...]:
    return (
        PopupField("kind", _("Kind"), _choices(Settlement.Kind)),
        PopupField("population", _("Population")),
        PopupField("households", _("Households")),
        PopupField("area_km2", _("Area, km²")),
        PopupField("katottg", _("KATOTTG code")),
    )


def settlement_area_layer() -> LayerSpec:
    """Settlement boundaries (populated areas), with their facts in popups."""
    return LayerSpec(
        name=_("Settlements"),
        url=reverse("api:settlement_list") + "?geometry=boundary",
        style={"color": "#b35806", "weight": 1.5, "fillColor": "#fdb863", "fillOpacity": 0.45},
        title_field=_name_field(),
        popup=_settlement_popup(),
        notes=(_approximate_note(),),
        z_index=400,
    )


def settlement_label_layer() -> LayerSpec:
    """Settlement centres with their names as permanent labels."""
    return LayerSpec(
        name=_("Village names"),
        url=reverse("api:settlement_list") + "?geometry=centre",
        style={"color": "#3f3f3f", "weight": 1, "fillColor": "#ffffff", "fillOpacity": 1},
        radius=3,
        title_field=_name_field(),
        popup=_settlement_popup(),
        notes=(_approximate_note(),),
        label_field=_name_field(),
        z_index=450,
    )


def facility_layer() -> LayerSpec:
    """Municipal facilities as circles coloured by their internet status."""
    return LayerSpec(
        name=_("Municipal facilities"),
        url=reverse("api:facility_list"),
        style={"color": "#ffffff", "weight": 1.5, "fillOpacity": 0.95},
        radius=6,
        colour_by="internet",
        colours={str(key): colour for key, colour in INTERNET_COLOURS.items()},
        title_field="name",
        popup=(
            PopupField("kind", _("Kind"), _choices(Facility.Kind)),
            PopupField("settlement_name_uk", _("Settlement")),
            PopupField("address_text", _("Address")),
            PopupField("internet", _("Internet"), _choices(Facility.Internet)),
            PopupField("technology", _("Technology"), _choices(Technology)),
            PopupField("down_mbps", _("Download, Mbit/s")),
        ),
        notes=(_approximate_note(),),
        z_index=500,
    )


def internet_legend() -> Legend:
    """Legend of the facility colours."""
    labels = _choices(Facility.Internet)
    items = tuple(LegendItem(colour, labels[str(key)]) for key, colour in INTERNET_COLOURS.items())
    return Legend(title=_("Internet at facilities"), items=items)


def overview_layers() -> list[LayerSpec]:
    """The landing page's layers, bottom to top."""
    return [
        territory_layer(),
        settlement_area_layer(),
        facility_layer(),
        settlement_label_layer(),
    ]
