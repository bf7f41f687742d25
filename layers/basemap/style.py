"""The basemap's part of the one style document (MapLibre Style Specification v8).

Pure: the view gives the basemap kind, the tile URL templates, the attribution and the
translated label. A raster basemap (the proxy) is one raster layer under the data; a
local one (imported extract or own data) is drawn from /basemap/{z}/{x}/{y}.pbf in
OpenStreetMap-like colours declared here, its areas and lines under the data and its
names (streets, places, house numbers) over it. Every basemap layer carries
`metadata["hromada:basemap"] = true`; the source is called "basemap".
"""

SOURCE = "basemap"
BACKGROUND = "#f2efe9"
WATER = "#aad3df"
FOREST = "#add19e"
BUILDING = "#d9d0c9"
BUILDING_OUTLINE = "#c4b6ab"
LANDUSE = (
    ("farmland", "#eef0d5"),
    ("residential", "#e0dfdf"),
    ("meadow", "#cdebb0"),
    ("grass", "#cdebb0"),
    ("grassland", "#cdebb0"),
    ("orchard", "#aedfa3"),
    ("farmyard", "#f5dcba"),
    ("allotments", "#c9e1bf"),
    ("industrial", "#ebdbe8"),
    ("commercial", "#f2dad9"),
    ("cemetery", "#aacbaf"),
    ("park", "#c8facc"),
    ("scrub", "#c8d7ab"),
    ("wetland", "#d6e6e6"),
)
LANDUSE_OTHER = "#e8e4dc"
ROAD_CASING = "#bbbbbb"
ROADS = (
    ("motorway", "#e892a2"),
    ("trunk", "#f9b29c"),
    ("primary", "#fcd6a4"),
    ("secondary", "#f7fabf"),
    ("tertiary", "#ffffff"),
)
ROAD_OTHER = "#ffffff"
PATH = "#a0522d"
RAILWAY = "#707070"
TEXT = "#333333"
TEXT_HALO = "#ffffff"
# The own-data basemap: the territory as land, villages as built-up areas.
TERRITORY_FILL = "#f7f4ec"
TERRITORY_LINE = "#9e9e9e"
SETTLEMENT_FILL = "#e0dfdf"
SETTLEMENT_LINE = "#bdbdbd"
ADDRESS_POINT = "#9e9e9e"
FONT = ["sans-serif"]
PATH_CLASSES = ["track", "path", "footway", "cycleway", "bridleway", "steps", "pedestrian"]
MAJOR = ["motorway", "trunk", "primary", "secondary", "tertiary"]


def _layer(layer_id: str, kind: str, source_layer: str | None, same_as: str = "", **parts) -> dict:
    """A basemap layer; `same_as`: the registry layer whose data it draws (the own
    basemap's villages and addresses), left out by a map page that shows that layer
    itself, where it drew every house number and village name twice."""
    layer = {"id": f"basemap-{layer_id}", "type": kind, "source": SOURCE}
    if source_layer:
        layer["source-layer"] = source_layer
    metadata = {"hromada:basemap": True, **({"hromada:same-as": same_as} if same_as else {})}
    return {**layer, "paint": {}, **parts, "metadata": metadata}


def _match(prop: str, pairs, fallback: str) -> list:
    expression = ["match", ["get", prop]]
    for value, colour in pairs:
        expression += [value, colour]
    return [*expression, fallback]


def _zoom_width(low: float, high: float) -> list:
    """Return a line width growing from `low` px at zoom 10 to `high` px at zoom 18."""
    return ["interpolate", ["exponential", 1.5], ["zoom"], 10, low, 18, high]


def _name(language: str) -> list:
    if language.startswith("en"):
        return ["coalesce", ["get", "name_en"], ["get", "name"]]
    return ["get", "name"]


def _text(field, size, **layout) -> dict:
    return {
        "layout": {"text-field": field, "text-font": FONT, "text-size": size, **layout},
        "paint": {"text-color": TEXT, "text-halo-color": TEXT_HALO, "text-halo-width": 1.5},
    }


def _area_colour() -> list:
    landuse = _match("category", LANDUSE, LANDUSE_OTHER)
    return ["match", ["get", "kind"], "water", WATER, "forest", FOREST, landuse]


def _road_layers() -> list[dict]:
    roads = ["!", ["in", ["get", "category"], ["literal", PATH_CLASSES]]]
    is_road = ["all", ["==", ["get", "kind"], "road"], roads]
    major = ["in", ["get", "category"], ["literal", MAJOR]]
    width = ["case", major, _zoom_width(1.5, 14), _zoom_width(0.8, 9)]
    return [
        _layer(
            "road-casing",
            "line",
            "basemap-lines",
            filter=is_road,
            minzoom=12,
            paint={"line-color": ROAD_CASING, "line-width": ["+", width, 1.5]},
        ),
        _layer(
            "roads",
            "line",
            "basemap-lines",
            filter=is_road,
            layout={"line-cap": "round", "line-join": "round"},
            paint={"line-color": _match("category", ROADS, ROAD_OTHER), "line-width": width},
        ),
    ]


def _imported_layers() -> list[dict]:
    paths = ["in", ["get", "category"], ["literal", PATH_CLASSES]]
    dashed = {"line-dasharray": [2, 1.5], "line-width": 1.2}
    return [
        _layer("areas", "fill", "basemap-areas", paint={"fill-color": _area_colour()}),
        _layer(
            "buildings",
            "fill",
            "basemap-buildings",
            paint={"fill-color": BUILDING, "fill-outline-color": BUILDING_OUTLINE},
        ),
        _layer(
            "waterways",
            "line",
            "basemap-lines",
            filter=["==", ["get", "kind"], "waterway"],
            paint={"line-color": WATER, "line-width": _zoom_width(1, 6)},
        ),
        _layer(
            "paths",
            "line",
            "basemap-lines",
            filter=["all", ["==", ["get", "kind"], "road"], paths],
            minzoom=13,
            paint={"line-color": PATH, **dashed},
        ),
        *_road_layers(),
        _layer(
            "railways",
            "line",
            "basemap-lines",
            filter=["==", ["get", "kind"], "railway"],
            paint={"line-color": RAILWAY, **dashed},
        ),
    ]


def _own_layers() -> list[dict]:
    return [
        _layer(
            "territory",
            "fill",
            "basemap-territory",
            paint={"fill-color": TERRITORY_FILL, "fill-outline-color": TERRITORY_LINE},
        ),
        _layer(
            "settlements",
            "fill",
            "basemap-settlements",
            paint={"fill-color": SETTLEMENT_FILL, "fill-outline-color": SETTLEMENT_LINE},
        ),
        _layer(
            "addresses",
            "circle",
            "basemap-addresses",
            same_as="addresses",
            minzoom=16,
            paint={"circle-radius": 2, "circle-color": ADDRESS_POINT},
        ),
    ]


def _labels(kind: str, language: str) -> list[dict]:
    place_size = ["match", ["get", "kind"], ["city", "town"], 16, "village", 14, 12]
    labels = [
        _layer(
            "place-names",
            "symbol",
            "basemap-places",
            # The own basemap's places are the registry's villages; an imported extract's
            # are OpenStreetMap's, beyond the community too.
            same_as="settlements" if kind == "own" else "",
            **_text(_name(language), place_size, **{"text-padding": 4}),
        )
    ]
    if kind == "imported":
        street = _text(_name(language), 11, **{"symbol-placement": "line"})
        labels.insert(0, _layer("street-names", "symbol", "basemap-lines", minzoom=14, **street))
    else:
        numbers = _text(["get", "house_number"], 10, **{"text-offset": [0, 0.8]})
        labels.insert(
            0,
            _layer(
                "house-numbers",
                "symbol",
                "basemap-addresses",
                same_as="addresses",
                minzoom=16,
                **numbers,
            ),
        )
    return labels


def basemap_style(
    kind: str,
    *,
    raster_tiles: str,
    vector_tiles: str,
    attribution: str,
    label: str,
    max_zoom: int,
    language: str,
) -> dict:
    """Return {"sources", "under", "over", "metadata"} of the basemap `kind` (osm, custom,
    imported, own, none): sources to add, layers under the data and over it (names)."""
    metadata = {"kind": kind, "label": label, "attribution": attribution}
    if kind == "none":
        return {"sources": {}, "under": [], "over": [], "metadata": metadata}
    background = _layer("background", "background", None, paint={"background-color": BACKGROUND})
    background.pop("source")
    if kind in ("osm", "custom"):
        source = {"type": "raster", "tiles": [raster_tiles], "tileSize": 256}
        # No fade-in: each tile that arrives is drawn in one frame, not in the frames of a
        # 300 ms fade, which a slow phone's renderer spends before the map is idle.
        raster = _layer("raster", "raster", None, paint={"raster-fade-duration": 0})
        under, over = [background, raster], []
    else:
        source = {"type": "vector", "tiles": [vector_tiles]}
        drawn = _imported_layers() if kind == "imported" else _own_layers()
        under, over = [background, *drawn], _labels(kind, language)
    source.update({"minzoom": 0, "maxzoom": max_zoom, "attribution": attribution})
    return {"sources": {SOURCE: source}, "under": under, "over": over, "metadata": metadata}
