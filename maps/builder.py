"""The downloadable map: one self-contained HTML file drawn by folium (Leaflet).

The web pages draw their maps with MapLibre (layers/static/layers/map.js); this file is
for a map that travels: an e-mail attachment opened on a laptop with no network. So
everything it needs is inside it: Leaflet's JS and CSS (from node_modules, with the CSS
images as data: URLs), the layers as GeoJSON (maps.layers) and no basemap. folium links
Leaflet, jQuery, Bootstrap and Font Awesome from CDNs by default; `ExportMap` links none,
and the features used here (GeoJson, CircleMarker, GeoJsonPopup, LayerControl) need none.
"""

import base64
import re
from functools import cache
from pathlib import Path

import folium
from branca.element import Element, MacroElement
from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from folium.template import Template

from maps.layers import ExportLayer

LEAFLET_DIST = Path(settings.BASE_DIR) / "node_modules" / "leaflet" / "dist"
CSS_IMAGE = re.compile(r"url\(images/([\w.-]+\.png)\)")


@cache
def _leaflet_js() -> str:
    # "</script" cannot occur in Leaflet's build; checked so that the inlining stays safe.
    text = (LEAFLET_DIST / "leaflet.js").read_text(encoding="utf-8")
    assert "</script" not in text.lower()
    return text


def _data_url(match: re.Match) -> str:
    data = base64.b64encode((LEAFLET_DIST / "images" / match[1]).read_bytes()).decode()
    return f"url(data:image/png;base64,{data})"


@cache
def _leaflet_css() -> str:
    return CSS_IMAGE.sub(_data_url, (LEAFLET_DIST / "leaflet.css").read_text(encoding="utf-8"))


PAGE_CSS = """
.hromada-legend { background: #fff; padding: 6px 10px; font: 13px/1.4 sans-serif;
  max-height: 45vh; overflow-y: auto; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
.hromada-legend h2 { font-size: 14px; margin: 0 0 4px; }
.hromada-legend h3 { font-size: 13px; margin: 6px 0 2px; }
.hromada-legend i { display: inline-block; width: 12px; height: 12px; margin-right: 6px;
  vertical-align: middle; border: 1px solid #555; }
.hromada-legend .note { color: #8a3b00; max-width: 18em; }
"""


class ExportMap(folium.Map):
    """A folium Map whose document links nothing: no CDN script or stylesheet."""

    def __init__(self, **kwargs):
        super().__init__(tiles=None, **kwargs)
        # Instance lists: folium's add_js_link mutates the class-level lists in place.
        self.default_js = []
        self.default_css = []


class Legend(MacroElement):
    """The legend as a Leaflet control (bottom right), its HTML made in Python."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function () {
                var legend = L.control({position: "bottomright"});
                legend.onAdd = function () {
                    var div = L.DomUtil.create("div", "hromada-legend");
                    div.innerHTML = {{ this.html|tojson }};
                    L.DomEvent.disableScrollPropagation(div);
                    return div;
                };
                legend.addTo({{ this._parent.get_name() }});
            })();
        {% endmacro %}
        """
    )

    def __init__(self, html: str):
        super().__init__()
        self._name = "Legend"
        self.html = html


def _swatch(colour: str, label: str) -> str:
    return f'<div><i style="background:{escape(colour)}"></i>{escape(label)}</div>'


def _legend_rows(layer: ExportLayer) -> str:
    style = layer.style
    if style["ramp"]:
        rows = [_swatch(row["colour"], row["label"]) for row in style["ramp"]["legend"]]
    elif style["colour_by"] and style["categories"]:
        labels = style["category_labels"]
        rows = [_swatch(c, labels.get(v, v)) for v, c in style["categories"].items()]
    else:
        colour = style["fill_colour"] if "Polygon" in layer.geometry_type else style["colour"]
        return _swatch(colour, layer.title)
    return f"<h3>{escape(layer.title)}</h3>" + "".join(rows)


def _cap_note(layer: ExportLayer) -> str:
    shown = len(layer.data["features"])
    text = ngettext(
        "%(layer)s: %(shown)d of %(total)d feature shown.",
        "%(layer)s: %(shown)d of %(total)d features shown.",
        layer.total,
    ) % {"layer": layer.title, "shown": shown, "total": layer.total}
    return f'<p class="note">{escape(text)}</p>'


def legend_html(layers: list[ExportLayer]) -> str:
    rows = "".join(_legend_rows(layer) for layer in layers)
    notes = "".join(_cap_note(layer) for layer in layers if layer.capped)
    return f"<h2>{escape(_('Legend'))}</h2>{rows}{notes}"


def _colour(style: dict, properties: dict) -> str:
    """The feature's colour: its category's, its ramp class's or the layer's."""
    if style["ramp"]:
        ramp = style["ramp"]
        value = properties.get(ramp["property"])
        if value is None:
            return ramp["no_data_colour"]
        reached = [colour for bound, colour in ramp["steps"] if value >= bound]
        return reached[-1] if reached else ramp["steps"][0][1]
    if style["colour_by"]:
        value = str(properties.get(style["colour_by"]))
        return style["categories"].get(value, style["colour"])
    return style["colour"]


def _style_function(layer: ExportLayer):
    style, is_point = layer.style, "Point" in layer.geometry_type
    has_fill = "Polygon" in layer.geometry_type or is_point

    def style_function(feature: dict) -> dict:
        colour = _colour(style, feature["properties"])
        filled = colour if (style["colour_by"] or style["ramp"]) else style["fill_colour"]
        outline = style["point_outline_colour"] if is_point else style["outline_colour"]
        return {
            "color": outline or colour,
            "weight": style["line_width"],
            "fill": has_fill and (is_point or style["fill_opacity"] > 0),
            "fillColor": filled,
            "fillOpacity": 0.9 if is_point else style["fill_opacity"],
        }

    return style_function


def _geojson(layer: ExportLayer) -> folium.GeoJson:
    marker = None
    if "Point" in layer.geometry_type:
        marker = folium.CircleMarker(radius=layer.style["radius"])
    popup = folium.GeoJsonPopup(
        fields=[row.key for row in layer.popup],
        aliases=[row.title for row in layer.popup],
        localize=False,
        labels=True,
    )
    return folium.GeoJson(
        layer.data,
        name=layer.title,
        style_function=_style_function(layer),
        marker=marker,
        popup=popup,
        show=True,
        embed=True,
    )


def _head(title: str) -> str:
    return (
        f"<title>{escape(title)}</title>\n"
        f"<style>{_leaflet_css()}\n{PAGE_CSS}</style>\n"
        f"<script>{_leaflet_js()}</script>"
    )


def map_build(layers: list[ExportLayer], *, title: str, bounds: list | None) -> ExportMap:
    """Build the self-contained map: the layers bottom to top, a layer control, a legend.

    `bounds` is [[south, west], [north, east]] in degrees; None fits Ukraine.
    """
    m = ExportMap(control_scale=True)
    root = m.get_root()
    root.header.add_child(Element(_head(title)), name="hromada_head")
    m.fit_bounds(bounds or [[44.38, 22.14], [52.38, 40.23]])
    for layer in layers:
        _geojson(layer).add_to(m)
    Legend(legend_html(layers)).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def map_html(m: ExportMap) -> str:
    """The whole HTML document of the map."""
    return m.get_root().render()
