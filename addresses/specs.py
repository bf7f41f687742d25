"""The "addresses" and "streets" layers in the layer registry (OGC API, vector tiles, maps).

Public-safe fields only: the address as written, its postcode and building use; no
household counts, register ids or who verified what (DESIGN.md §7). Only active
addresses. With 100,000 addresses the maps draw these layers as vector tiles from zoom
`ADDRESS_MIN_ZOOM` on, never as one GeoJSON document.
"""

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from addresses.querysets import address_label_expression, street_kind_abbreviation
from layers import registry
from layers.registry import LayerLabel, LayerSpec, LayerStyle

ADDRESS_MIN_ZOOM = 13
STREET_MIN_ZOOM = 12
# Street names and house numbers are written from this zoom on (a street fills the screen).
STREET_ZOOM = 16
SOURCE = "Адресний реєстр Дмитрівської громади"
SOURCE_EN = "Address register of the Dmytrivska community"
BUILDING_USE_COLOURS = (
    ("residential", "#2166ac"),
    ("non_residential", "#b2182b"),
    ("mixed", "#7b3294"),
)


def _active_addresses():
    from addresses.models import Address

    return Address.objects.filter(status="active")


def _streets():
    from addresses.models import Street

    return Street.objects.filter(route__isnull=False)


def _street_label():
    return Concat(
        street_kind_abbreviation("kind"), Value(" "), F("name"), output_field=models.CharField()
    )


ADDRESSES = LayerSpec(
    id="addresses",
    title_uk="Адреси",
    title_en="Addresses",
    description="Чинні адреси громади: вулиця, номер будинку, поштовий індекс.",
    description_en="The community's active addresses: street, house number, postcode.",
    queryset=_active_addresses,
    geometry="location",
    properties={
        "label": address_label_expression(),
        "settlement_katottg": "settlement__katottg",
        "settlement_name_uk": "settlement__name_uk",
        "street_name": "street__name",
        "house_number": "house_number",
        "postcode": "postcode",
        "building_use": "building_use",
    },
    property_titles={"label": _("address"), "settlement_name_uk": _("settlement")},
    popup=("label", "postcode", "building_use"),
    style=LayerStyle(
        colour="#2166ac",
        fill_opacity=0.9,
        radius=3.5,
        line_width=1,
        colour_by="building_use",
        categories=BUILDING_USE_COLOURS,
    ),
    source=SOURCE,
    source_en=SOURCE_EN,
    min_zoom=ADDRESS_MIN_ZOOM,
    tile_feature_cap=10_000,
    label=LayerLabel("house_number", min_zoom=STREET_ZOOM, size=10, priority=40, colour="#1b4f8a"),
)

STREETS = LayerSpec(
    id="streets",
    title_uk="Вулиці",
    title_en="Streets",
    description="Вулиці, провулки та площі населених пунктів громади.",
    description_en="Streets, lanes and squares of the community's settlements.",
    queryset=_streets,
    geometry="route",
    properties={
        "label": _street_label(),
        "name": "name",
        "kind": "kind",
        "settlement_katottg": "settlement__katottg",
        "settlement_name_uk": "settlement__name_uk",
    },
    property_titles={"label": _("street"), "settlement_name_uk": _("settlement")},
    popup=("label", "settlement_name_uk"),
    style=LayerStyle(colour="#6e6e6e", line_width=2, symbol="none"),
    source=SOURCE,
    source_en=SOURCE_EN,
    min_zoom=STREET_MIN_ZOOM,
    tile_feature_cap=5_000,
    label=LayerLabel("label", min_zoom=STREET_ZOOM, placement="line", size=11, priority=30),
)


# A search result on the register browser's map.
SEARCH_RESULT = LayerStyle(
    colour="#0057b7", outline_colour="#0057b7", line_width=3, fill_opacity=0.8, radius=7
)


def register_address_layers() -> None:
    """Register the streets and addresses layers unless an app registered them already."""
    registry.register_marker("search-result", SEARCH_RESULT)
    registry.register_endpoint("addresses", "api:address_search")
    registry.register_endpoint("address-reverse", "api:address_reverse")
    taken = {spec.id for spec in registry.all_layers()}
    for spec in (STREETS, ADDRESSES):
        if spec.id not in taken:
            registry.register(spec)
