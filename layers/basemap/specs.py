"""The local basemap's vector tile layers, described as (unregistered) layer specs.

They go through the registry's tile machinery (`layers.tiles.selectors.tile_bytes`) but
are not registered: a basemap is no data layer, so it stays out of the layer lists,
legends, OGC collections and map layer controls. Two sets, one per local basemap:
IMPORTED (the OSM extract) and OWN (the community's own data). Both name their labels
layer "basemap-places", so one style layer writes place names over either.
"""

import dataclasses

from layers import registry
from layers.basemap.models import BasemapArea, BasemapBuilding, BasemapLine, BasemapPlace
from layers.models import Settlement, Territory
from layers.registry import LayerSpec

# House numbers are shown from street zoom on.
ADDRESS_MIN_ZOOM = 16
BUILDING_MIN_ZOOM = 14
LINE_MIN_ZOOM = 8
NAMES = {"name": "name", "name_en": "name_en"}


def _spec(layer_id: str, queryset, geometry: str, properties: dict, **options) -> LayerSpec:
    return LayerSpec(
        id=layer_id,
        title_uk="Підкладка",
        title_en="Basemap",
        queryset=queryset,
        geometry=geometry,
        properties=properties,
        **options,
    )


def _settlement_outlines():
    return Settlement.objects.filter(boundary__isnull=False)


def _drawn_areas():
    # Administrative boundaries are kept for the printed locator only (layers/basemap/osm.py).
    return BasemapArea.objects.exclude(kind="boundary")


IMPORTED = (
    _spec(
        "basemap-areas",
        _drawn_areas,
        "area",
        {"kind": "kind", "category": "category"},
        min_zoom=LINE_MIN_ZOOM,
    ),
    _spec(
        "basemap-buildings",
        BasemapBuilding.objects.all,
        "footprint",
        {},
        min_zoom=BUILDING_MIN_ZOOM,
        tile_feature_cap=20_000,
    ),
    _spec(
        "basemap-lines",
        BasemapLine.objects.all,
        "route",
        {"kind": "kind", "category": "category", **NAMES},
        min_zoom=LINE_MIN_ZOOM,
        tile_feature_cap=20_000,
    ),
    _spec("basemap-places", BasemapPlace.objects.all, "location", {"kind": "kind", **NAMES}),
)

OWN_BASE = (
    _spec("basemap-territory", Territory.objects.all, "boundary", {}),
    _spec(
        "basemap-settlements",
        _settlement_outlines,
        "boundary",
        {"name": "name_uk", "name_en": "name_en"},
    ),
    _spec(
        "basemap-places",
        Settlement.objects.all,
        "centre",
        {"kind": "kind", "name": "name_uk", "name_en": "name_en"},
    ),
)


# The derived address layer, kept per registered spec: one spec object, so the tile
# machinery's per-spec SQL cache holds.
_derived: dict[int, tuple[LayerSpec, LayerSpec]] = {}


def _addresses_of(spec: LayerSpec) -> LayerSpec:
    """Return the address points with only their house numbers, from street zoom on."""
    kept = _derived.get(id(spec))
    if kept is not None and kept[0] is spec:
        return kept[1]
    derived = dataclasses.replace(
        spec,
        id="basemap-addresses",
        properties={"house_number": spec.properties["house_number"]},
        property_titles={},
        value_labels={},
        popup=None,
        tile_properties=None,
        min_zoom=max(spec.min_zoom, ADDRESS_MIN_ZOOM),
    )
    _derived[id(spec)] = (spec, derived)
    return derived


def own_specs() -> tuple[LayerSpec, ...]:
    """Return the own-data basemap's layers; address numbers when the address register
    (a higher app) registered a public "addresses" layer with house numbers."""
    try:
        addresses = registry.get("addresses")
    except KeyError:
        return OWN_BASE
    if not addresses.is_public or "house_number" not in addresses.properties:
        return OWN_BASE
    return (*OWN_BASE, _addresses_of(addresses))
