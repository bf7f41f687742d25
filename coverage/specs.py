"""The coverage app's map layers, registered in the layer registry (layers.registry).

Labels are marked for translation here and translated in the layers app's catalogue
(layers/locale/uk/LC_MESSAGES/django.po), which holds every registry string.
"""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from coverage.roles import PLANNERS
from layers.registry import LayerStyle, Ramp

# What a coverage area says of itself wherever it is served (the layer, the areas API).
AREA_PROPERTIES = {
    "provider_name": F("provider__name"),
    "technology": "technology",
    "down_mbps": "down_mbps",
    "up_mbps": "up_mbps",
    "source": "source",
}

# Share of a place served with high-speed internet, in %: red below 20, green from 80.
SERVED_SHARE_RAMP = Ramp(
    property="served_pct",
    steps=((0, "#d73027"), (20, "#fee08b"), (50, "#91cf60"), (80, "#1a9850")),
    no_data_colour="#bbbbbb",
    unit="%",
)
TECHNOLOGY_COLOURS = (
    ("fibre", "#1a9850"),
    ("dsl", "#fee08b"),
    ("cable", "#91cf60"),
    ("fixed_wireless", "#66bd63"),
    ("3g", "#fdae61"),
    ("4g", "#74add1"),
    ("5g", "#4575b4"),
    ("wifi", "#9e0142"),
)
CHALLENGE_COLOURS = (("pending", "#fdb863"), ("accepted", "#d7191c"), ("rejected", "#999999"))
# The planning page draws gaps, Free Wi-Fi reach and challenges in looks of their own.
GAPS_PLANNING = LayerStyle(
    colour="#d73027", outline_colour="#a50026", line_width=1.5, fill_opacity=0.3
)
# The reach of a Free Wi-Fi zone is a coverage area: drawn as the areas' polygons.
WIFI_REACH = LayerStyle(colour="#9e0142", outline_colour="#9e0142", line_width=2, fill_opacity=0.2)
# A zone the planners' page suggests: not yet built, so dashed in another colour.
WIFI_SUGGESTED = LayerStyle(
    colour="#ffd92f", outline_colour="#333333", line_width=2.5, fill_opacity=0.35
)
WIFI_SUGGESTED_CENTRE = LayerStyle(
    colour="#ffd92f", outline_colour="#333333", line_width=2, fill_opacity=1, radius=10
)
# Villages on the planners' map: the share of households served, with a firm outline.
VILLAGE_SHARES_PLANNING = LayerStyle(
    colour="#1a9850",
    outline_colour="#333333",
    fill_opacity=0.45,
    line_width=1.2,
    ramp=SERVED_SHARE_RAMP,
)
CHALLENGES_PLANNING = LayerStyle(
    colour="#7b3294",
    outline_colour="#333333",
    line_width=2,
    fill_opacity=0.9,
    radius=7,
    colour_by="status",
    categories=CHALLENGE_COLOURS,
)
# The place a resident tapped or found on the public coverage map.
HERE = LayerStyle(
    colour="#ffd500", outline_colour="#003f8a", line_width=3, fill_opacity=1, radius=8
)
ENDPOINTS = {
    "coverage-at": "api:coverage_at",
    "coverage-settlements": "api:settlements",
    "coverage-areas": "api:area_list",
    "coverage-gaps": "api:gaps",
    "coverage-hotspots": "api:hotspot_list",
    "coverage-challenges": "api:challenge_list",
    "coverage-hexagons": "api:hexagon_list",
}


def _areas():
    from coverage.models import CoverageArea

    return CoverageArea.objects.select_related("provider")


def _hotspots():
    from coverage.models import WifiHotspot

    return WifiHotspot.objects.select_related("provider")


def _gaps():
    from coverage.models import CoverageGap

    # The registry layer (tiles, OGC, printed maps) keeps the any-technology gaps by tier;
    # the planners' page asks the gaps API for the other technology groups.
    return CoverageGap.objects.filter(snapshot__is_current=True, group="any", area__isnull=False)


def _hexagons():
    from coverage.models import CoverageHexagon

    return CoverageHexagon.objects.filter(snapshot__is_current=True)


def _challenges():
    from coverage.models import CoverageChallenge

    return CoverageChallenge.objects.select_related("report", "settlement")


def register_all() -> None:
    """Register the coverage areas, Free Wi-Fi zones and (for planners) the gaps."""
    from layers import registry

    registry.register_marker("here", HERE)
    registry.register_marker("wifi-suggested", WIFI_SUGGESTED_CENTRE)
    for name, url_name in ENDPOINTS.items():
        registry.register_endpoint(name, url_name)

    registry.register(
        registry.LayerSpec(
            id="coverage-areas",
            title_uk="Покриття інтернетом",
            title_en="Internet coverage",
            description="Зони, де провайдери пропонують доступ до інтернету.",
            description_en="Where providers offer internet access.",
            queryset=_areas,
            geometry="area",
            properties={**AREA_PROPERTIES, "valid_from": "valid_from"},
            property_titles={"provider_name": _("provider")},
            style=LayerStyle(
                colour="#2b8cbe",
                fill_opacity=0.2,
                colour_by="technology",
                categories=TECHNOLOGY_COLOURS,
                variants=(("wifi-reach", WIFI_REACH), ("wifi-suggested", WIFI_SUGGESTED)),
            ),
            data_date="updated_at",
            temporal="valid_from",
        ),
        replace=True,
    )
    registry.register(
        registry.LayerSpec(
            id="wifi-hotspots",
            title_uk="Зони Free Wi-Fi",
            title_en="Free Wi-Fi zones",
            description="Точки безкоштовного Wi-Fi у громадських місцях та радіус їхньої дії.",
            description_en="Free public Wi-Fi access points and the radius they reach.",
            queryset=_hotspots,
            geometry="location",
            properties={
                "name": "name",
                "provider_name": F("provider__name"),
                "radius_m": "radius_m",
                "opened_on": "opened_on",
            },
            property_titles={"provider_name": _("provider")},
            style=LayerStyle(
                colour="#9e0142",
                symbol="diamond",
                radius=6,
                line_width=1,
            ),
            temporal="opened_on",
            data_date="opened_on",
        ),
        replace=True,
    )
    registry.register(
        registry.LayerSpec(
            id="coverage-gaps",
            title_uk="Прогалини покриття",
            title_en="Coverage gaps",
            description="Частина території без покриття принаймні даного рівня.",
            description_en="The territory without coverage of at least the given tier.",
            queryset=_gaps,
            geometry="area",
            properties={"group": "group", "tier": "tier", "area_m2": "area_m2"},
            property_titles={"tier": _("missing coverage"), "group": _("technology")},
            value_labels={
                "group": {
                    "any": _("any technology"),
                    "fixed": _("fixed broadband"),
                    "fibre": _("fibre"),
                    "mobile": _("mobile 4G/5G"),
                    "wifi": _("Free Wi-Fi"),
                },
                "tier": {
                    "served": _("no high-speed internet"),
                    "underserved": _("not even basic-speed internet"),
                    "covered": _("no coverage at all"),
                },
            },
            visibility=PLANNERS,
            style=LayerStyle(
                colour="#d73027", fill_opacity=0.35, variants=(("planning", GAPS_PLANNING),)
            ),
        ),
        replace=True,
    )
    registry.register(
        registry.LayerSpec(
            id="coverage-hexagons",
            title_uk="Покриття за шестикутниками H3",
            title_en="Coverage by H3 hexagon",
            description="Частка площі з високошвидкісним інтернетом у шестикутниках H3 "
            "(резолюція 8); лише узагальнені дані.",
            description_en="Share of the area with high-speed internet in H3 hexagons "
            "(resolution 8); aggregates only.",
            queryset=_hexagons,
            geometry="area",
            id_field="h3",
            properties={
                "h3": "h3",
                "covered_pct": "covered_pct",
                "served_pct": "served_pct",
                "fixed_served_pct": "fixed_served_pct",
                "households_served_pct": "households_served_pct",
            },
            style=LayerStyle(
                colour="#1a9850",
                outline_colour="#555555",
                fill_opacity=0.55,
                line_width=0.3,
                ramp=SERVED_SHARE_RAMP,
                variants=(("planning", VILLAGE_SHARES_PLANNING),),
            ),
        ),
        replace=True,
    )
    registry.register(
        registry.LayerSpec(
            id="coverage-challenges",
            title_uk="Оскарження покриття",
            title_en="Coverage challenges",
            description="Звернення «тут немає зв'язку», що суперечать даним про покриття.",
            description_en="“No signal here” reports held against the coverage data.",
            queryset=_challenges,
            geometry="location",
            properties={
                "status": "status",
                "report_number": F("report__number"),
                "settlement_name": F("settlement__name_uk"),
                "decided_at": "decided_at",
            },
            property_titles={
                "report_number": _("report number"),
                "settlement_name": _("settlement"),
            },
            visibility=PLANNERS,
            style=LayerStyle(
                colour="#7b3294",
                symbol="triangle",
                radius=6,
                line_width=1,
                colour_by="status",
                categories=CHALLENGE_COLOURS,
                variants=(("planning", CHALLENGES_PLANNING),),
            ),
            temporal="created_at",
        ),
        replace=True,
    )
