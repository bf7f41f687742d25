"""The base layers' registry entries: territory, settlements, facilities.

Registered by `LayersConfig.ready()`. The settlements layer is called "settlements", not
"villages": the KATOTTG kinds include селища as well as villages, and the REST API is
`/api/v1/settlements/`; the title says "Населені пункти" / "Settlements".
"""

from datetime import date

from django.utils.translation import gettext_lazy as _

from layers import registry, selectors
from layers.models import Facility, Settlement, Territory
from layers.registry import LayerLabel, LayerSpec, LayerStyle

# The edition of the KATOTTG codifier the codes and names come from (fixtures/README.md).
KATOTTG_EDITION = date(2024, 1, 19)
KATOTTG_SOURCE = (
    "Кодифікатор КАТОТТГ (наказ Мінрегіону № 290 від 26.11.2020, ред. 19.01.2024); "
    "контури — демонстраційні"
)
KATOTTG_SOURCE_EN = (
    "KATOTTG codifier (order No. 290 of the Ministry of Regional Development, 26.11.2020, "
    "ed. 19.01.2024); outlines are demonstration data"
)

# Internet status of a facility: green / magenta / grey read apart with colour blindness.
INTERNET_COLOURS = (
    ("connected", "#1b7837"),
    ("not_connected", "#c51b7d"),
    ("unknown", "#8c8c8c"),
)


def _territories():
    return Territory.objects.all()


def _settlements():
    return Settlement.objects.all()


def _facilities():
    return Facility.objects.all()


def _katottg_edition():
    return KATOTTG_EDITION


TERRITORY = LayerSpec(
    id="territory",
    title_uk="Територія громади",
    title_en="Territory of the community",
    description="Межа Дмитрівської сільської територіальної громади.",
    description_en="The boundary of the Dmytrivska rural territorial community.",
    queryset=_territories,
    geometry="boundary",
    id_field="katottg",
    properties=selectors.TERRITORY_PROPERTIES,
    property_titles={"area_km2": _("Area, km²")},
    popup=("name_uk", "katottg", "area_km2", "position_accuracy"),
    style=LayerStyle(
        colour="#3f3f3f",
        fill_colour="#fdf6e3",
        line_width=2.5,
        fill_opacity=0.35,
        symbol="none",
        variants=(
            # Under the coverage map's own layers: the boundary only.
            ("outline", LayerStyle(colour="#333333", line_width=2, fill_opacity=0, symbol="none")),
            # Under the reports: the boundary and a faint tint of the community's land.
            ("reports", LayerStyle(colour="#0057b7", line_width=2, fill_opacity=0.03)),
        ),
    ),
    source=KATOTTG_SOURCE,
    source_en=KATOTTG_SOURCE_EN,
    data_date=_katottg_edition,
    tile_feature_cap=500,
)

SETTLEMENTS = LayerSpec(
    id="settlements",
    title_uk="Населені пункти",
    title_en="Settlements",
    description="Села та селища громади з кодами КАТОТТГ, населенням і площею.",
    description_en="The community's villages and settlements: KATOTTG codes, population, area.",
    queryset=_settlements,
    geometry="boundary",
    id_field="katottg",
    properties=selectors.SETTLEMENT_PROPERTIES,
    property_titles={"area_km2": _("Area, km²")},
    popup=("name_uk", "kind", "population", "households", "area_km2", "katottg"),
    style=LayerStyle(
        colour="#b35806",
        fill_colour="#fdb863",
        line_width=1.5,
        fill_opacity=0.45,
        symbol="none",
        # The villages filled by a share of their homes (the fill comes from a ramp).
        variants=(("share", LayerStyle(colour="#555555", line_width=1, fill_opacity=0.5)),),
    ),
    source=KATOTTG_SOURCE,
    source_en=KATOTTG_SOURCE_EN,
    data_date=_katottg_edition,
    tile_feature_cap=500,
    # Village names at every zoom, placed before any other label.
    label=LayerLabel("name_uk", "name_en", size=13, priority=10, colour="#3f2a14"),
)

FACILITIES = LayerSpec(
    id="facilities",
    title_uk="Комунальні заклади",
    title_en="Municipal facilities",
    description="Школи, ЦНАП, бібліотеки, ФАПи, клуби та їхнє підключення до інтернету.",
    description_en=(
        "Schools, the administrative services centre, libraries, clinics, clubs and their "
        "internet connection."
    ),
    queryset=_facilities,
    geometry="location",
    properties=selectors.FACILITY_PROPERTIES,
    property_titles={
        "settlement_name_uk": _("settlement"),
        "settlement_katottg": _("KATOTTG code"),
    },
    popup=(
        "name",
        "kind",
        "settlement_name_uk",
        "address_text",
        "internet",
        "technology",
        "down_mbps",
    ),
    style=LayerStyle(
        colour="#8c8c8c",
        line_width=1.5,
        fill_opacity=0.95,
        symbol="circle",
        radius=6,
        colour_by="internet",
        categories=INTERNET_COLOURS,
    ),
    # The demo facilities are described in fixtures/README.md; a sheet names no file.
    source="Дмитрівська сільська рада; демонстраційні дані",
    source_en="Dmytrivka village council; demonstration data",
    temporal="connected_since",
    tile_feature_cap=2000,
    label=LayerLabel("name", min_zoom=14, size=11, priority=20, colour="#333333"),
)

BASE_LAYERS = (TERRITORY, SETTLEMENTS, FACILITIES)
# The maps' own symbols that are no layer: a village's centre under its name (the report
# maps and the folium maps' "Village names").
MARKERS = {
    "village-centre": LayerStyle(
        colour="#555555", outline_colour="#555555", line_width=1, fill_opacity=0.2, radius=3
    ),
    "village-label": LayerStyle(
        colour="#ffffff", outline_colour="#3f3f3f", line_width=1, fill_opacity=1, radius=3
    ),
}
ENDPOINTS = {
    "territory": "api:territory",
    "settlements": "api:settlement_list",
    "facilities": "api:facility_list",
    "locate": "api:locate",
}


def register_base_layers() -> None:
    """Register the three base layers (idempotent: a second call replaces them)."""
    for spec in BASE_LAYERS:
        registry.register(spec, replace=True)
    for name, style in MARKERS.items():
        registry.register_marker(name, style)
    for name, url_name in ENDPOINTS.items():
        registry.register_endpoint(name, url_name)
