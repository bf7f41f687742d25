"""The one style document of the web maps: a MapLibre Style Specification v8 document.

Built from the layer registry's legends (`LayerSpec.legend()`: titles, popup fields and
`LayerStyle`s in the visitor's language), so that every map — the Leaflet pages today,
MapLibre GL JS and OGC API - Tiles styles later — draws and explains a layer the same way.
Pure: no ORM, no settings, no URL resolving; the view (`layers.tiles.views.style`) gathers
the inputs. Coordinates are CRS84 degrees (lon, lat); widths and radii screen pixels.

What the spec has no room for sits in `metadata` under "hromada:" keys: the legends, the
maps' own marker styles, the TileJSON and API URLs the pages read, the territory bounds,
which basemap is shown (`hromada:basemap`: kind, translated label, attribution).
"""

import math
from dataclasses import dataclass

VERSION = 8
# The view a page opens with is fitted into a viewport of about this size, in pixels.
VIEW_WIDTH_PX = 1024
VIEW_HEIGHT_PX = 600
TILE_PX = 256
MAX_VIEW_ZOOM = 16


@dataclass(frozen=True)
class StyleInputs:
    """What the document is built from.

    `legends`: the visible layers' `LayerSpec.legend()` dicts, bottom to top.
    `tiles`: layer id → absolute tile URL template ({z}/{x}/{y}); `tilejson`: layer id →
    absolute TileJSON URL; `api`: endpoint name → absolute URL; `markers`: marker name →
    `LayerStyle.as_dict()`; `bounds`: the territory's [west, south, east, north] in CRS84;
    `max_zoom`: the deepest tile zoom; `tile_max_zoom`: layer id → the deepest zoom its
    tiles are cut at (from its data, as its TileJSON says; MapLibre over-zooms past it);
    `basemap`: the basemap's part (see below).
    """

    name: str
    language: str
    legends: list[dict]
    tiles: dict[str, str]
    tilejson: dict[str, str]
    api: dict[str, str]
    markers: dict[str, dict]
    bounds: list[float]
    max_zoom: int
    # `layers.basemap.style.basemap_style()`: sources, layers under and over the data,
    # metadata; None draws no basemap.
    basemap: dict | None = None
    tile_max_zoom: dict[str, int] | None = None


def fit_zoom(bounds: list[float]) -> int:
    """Return the deepest whole zoom at which `bounds` (CRS84) fits the default viewport."""
    west, south, east, north = bounds
    width = max(east - west, 1e-9) / 360
    height = max(_mercator_y(north) - _mercator_y(south), 1e-9)
    zoom = min(
        math.log2(VIEW_WIDTH_PX / TILE_PX / width), math.log2(VIEW_HEIGHT_PX / TILE_PX / height)
    )
    return max(0, min(MAX_VIEW_ZOOM, math.floor(zoom)))


def _mercator_y(lat: float) -> float:
    """Return Web Mercator y of a latitude as a share of the world's height."""
    lat = max(-85.0511, min(85.0511, lat))
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)


def category_expression(style: dict, fallback: str) -> object:
    """Return a colour: `fallback`, or a MapLibre expression picking it per feature."""
    ramp = style.get("ramp")
    if ramp:
        value = ["get", ramp["property"]]
        steps = ramp["steps"]
        step = ["step", value, steps[0][1]]
        for bound, colour in steps[1:]:
            step += [bound, colour]
        return ["case", ["==", ["typeof", value], "number"], step, ramp["no_data_colour"]]
    if style["colour_by"] and style["categories"]:
        match = ["match", ["to-string", ["get", style["colour_by"]]]]
        for value, colour in style["categories"].items():
            match += [value, colour]
        return [*match, fallback]
    return fallback


def _kind(geometry_type: str) -> str:
    return (
        "point" if "Point" in geometry_type else "line" if "LineString" in geometry_type else "area"
    )


def _area_layers(style: dict) -> list[dict]:
    fill = {
        "type": "fill",
        "paint": {
            "fill-color": category_expression(style, style["fill_colour"]),
            "fill-opacity": style["fill_opacity"],
        },
    }
    stroke = style["outline_colour"] or category_expression(
        {**style, "ramp": None}, style["colour"]
    )
    line = {"type": "line", "paint": {"line-color": stroke, "line-width": style["line_width"]}}
    return [{"suffix": "fill", **fill}, {"suffix": "line", **line}]


def _line_layers(style: dict) -> list[dict]:
    paint = {
        "line-color": category_expression(style, style["colour"]),
        "line-width": style["line_width"],
        "line-opacity": 0.9,
    }
    return [{"suffix": "line", "type": "line", "paint": paint}]


def _point_layers(style: dict) -> list[dict]:
    paint = {
        "circle-radius": style["radius"],
        "circle-color": category_expression(style, style["colour"]),
        "circle-opacity": style["fill_opacity"],
        "circle-stroke-color": style["point_outline_colour"],
        "circle-stroke-width": style["line_width"],
    }
    return [{"suffix": "circle", "type": "circle", "paint": paint}]


DRAWERS = {"area": _area_layers, "line": _line_layers, "point": _point_layers}


def style_layers(legend: dict) -> list[dict]:
    """Return the MapLibre layers drawing one registry layer from its vector tiles."""
    layer_id = legend["id"]
    drawn = DRAWERS[_kind(legend["geometry_type"])](legend["style"])
    return [
        {
            "id": f"{layer_id}-{part.pop('suffix')}",
            "source": layer_id,
            "source-layer": layer_id,
            "minzoom": legend["min_zoom"],
            "maxzoom": legend["max_zoom"] + 1,
            "metadata": {"hromada:layer": layer_id},
            **part,
        }
        for part in drawn
    ]


def _source(legend: dict, inputs: StyleInputs) -> dict:
    return {
        "type": "vector",
        "tiles": [inputs.tiles[legend["id"]]],
        "minzoom": legend["min_zoom"],
        "maxzoom": _source_max_zoom(legend, inputs),
        "bounds": inputs.bounds,
        "attribution": legend["source"],
    }


def _source_max_zoom(legend: dict, inputs: StyleInputs) -> int:
    """The deepest zoom of the layer's tiles: past it MapLibre draws the last tiles larger
    instead of asking for tiles that add no detail."""
    cap = min(legend["max_zoom"], inputs.max_zoom)
    return min(cap, (inputs.tile_max_zoom or {}).get(legend["id"], cap))


def _bottom_up(legends: list[dict]) -> list[dict]:
    """Areas under lines under points, else in the given order (MapLibre draws in order)."""
    order = {"area": 0, "line": 1, "point": 2}
    return sorted(legends, key=lambda legend: order[_kind(legend["geometry_type"])])


def style_document(inputs: StyleInputs) -> dict:
    """Return the MapLibre Style Specification v8 document of the given layers."""
    west, south, east, north = inputs.bounds
    basemap = inputs.basemap or {"sources": {}, "under": [], "over": [], "metadata": None}
    data = [layer for legend in _bottom_up(inputs.legends) for layer in style_layers(legend)]
    return {
        "version": VERSION,
        "name": inputs.name,
        "center": [round((west + east) / 2, 6), round((south + north) / 2, 6)],
        "zoom": fit_zoom(inputs.bounds),
        "sources": {
            **basemap["sources"],
            **{legend["id"]: _source(legend, inputs) for legend in inputs.legends},
        },
        # The basemap under the data; its names (streets, places) over the data, and the
        # data's own labels on top (MapLibre places labels in order, so ours win).
        "layers": [
            *basemap["under"],
            *data,
            *basemap["over"],
            *label_layers(inputs.legends, inputs.language),
        ],
        "metadata": {
            "hromada:basemap": basemap["metadata"],
            "hromada:language": inputs.language,
            "hromada:bounds": inputs.bounds,
            "hromada:legends": inputs.legends,
            "hromada:markers": inputs.markers,
            "hromada:tilejson": inputs.tilejson,
            "hromada:api": inputs.api,
            "hromada:paints": page_paints(inputs.legends, inputs.markers),
        },
    }


# ---------------------------------------------------------------- labels (symbol layers)
# Text is drawn by the browser's own fonts (MapLibre renders glyphs locally with TinySDF
# when the document names no `glyphs` URL): no glyph files to serve, Cyrillic included.
LABEL_FONT = ["Noto Sans Regular"]
LABEL_HALO_PX = 1.5


def label_text(label: dict, language: str) -> object:
    """Return the text expression of a label: the English field first for English readers."""
    if label["field_en"] and language.startswith("en"):
        return ["coalesce", ["get", label["field_en"]], ["get", label["field"]]]
    return ["to-string", ["get", label["field"]]]


def label_layer(legend: dict, language: str) -> dict | None:
    """Return the symbol layer writing one registry layer's names, or None.

    Symbol layers take part in MapLibre's collision detection: a label that would overlap
    another is not drawn (`text-allow-overlap` false), the lower `priority` first.
    """
    label = legend.get("label")
    if not label:
        return None
    along = label["placement"] == "line"
    layout = {
        "text-field": label_text(label, language),
        "text-font": LABEL_FONT,
        "text-size": label["size"],
        "text-allow-overlap": False,
        "text-ignore-placement": False,
        "text-padding": 2,
        "symbol-placement": label["placement"],
        "symbol-sort-key": label["priority"],
        "text-max-width": 10,
    }
    if not along and _kind(legend["geometry_type"]) == "point":
        # Beside the point, never on it; variable anchors let more names find room.
        layout["text-variable-anchor"] = ["left", "right", "top", "bottom"]
        layout["text-radial-offset"] = 0.8
    elif not along:
        # On the area when there is room, else just beside it, two pixels smaller at the
        # whole territory's zoom: on a 360 px phone the twelve villages of the default
        # view all get their names inside the map (centred only, five found no room).
        layout["text-variable-anchor"] = ["center", "top", "bottom", "left", "right"]
        layout["text-radial-offset"] = 0.5
        small = max(label["size"] - 2, 10)
        layout["text-size"] = ["interpolate", ["linear"], ["zoom"], 9, small, 11, label["size"]]
    return {
        "id": f"{legend['id']}-label",
        "type": "symbol",
        "source": legend["id"],
        "source-layer": legend["id"],
        "minzoom": max(label["min_zoom"], legend["min_zoom"]),
        "maxzoom": legend["max_zoom"] + 1,
        "metadata": {"hromada:layer": legend["id"], "hromada:label": True},
        "layout": layout,
        "paint": {
            "text-color": label["colour"],
            "text-halo-color": label["halo_colour"],
            "text-halo-width": LABEL_HALO_PX,
        },
    }


def label_layers(legends: list[dict], language: str) -> list[dict]:
    """Return the symbol layers of every labelled layer, drawn above all shapes.

    MapLibre places the labels of the topmost layer first, so the lowest `priority`
    (village names) goes last in the list: it wins every collision.
    """
    layers = [label_layer(legend, language) for legend in legends]
    return sorted(
        (layer for layer in layers if layer),
        key=lambda layer: layer["layout"]["symbol-sort-key"],
        reverse=True,
    )


# ---------------------------------------------------------------- page paints
# Pages also draw data of their own (GeoJSON from the API: reports, gaps, the place
# chosen…) with a layer's other look (`LayerStyle.variants`) or a marker style. Their
# MapLibre layer parts (type, paint, no source) are made here too, so that no script
# turns a style into paint.


def _parts(style: dict, geometry_type: str) -> list[dict]:
    return [
        {"id": part["suffix"], "type": part["type"], "paint": part["paint"]}
        for part in DRAWERS[_kind(geometry_type)]({**style, "variants": {}})
    ]


def page_paints(legends: list[dict], markers: dict[str, dict]) -> dict:
    """Return {"layers": {id: {look: parts}}, "markers": {name: parts}}.

    A layer's look "" is its own style; a marker is drawn as a point.
    """
    layers = {}
    for legend in legends:
        style = legend["style"]
        looks = {"": style, **style.get("variants", {})}
        layers[legend["id"]] = {
            name: _parts(look, legend["geometry_type"]) for name, look in looks.items()
        }
    return {
        "layers": layers,
        "markers": {name: _parts(style, "Point") for name, style in markers.items()},
    }
