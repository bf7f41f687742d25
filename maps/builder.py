"""The one folium map builder used by every map page.

A page describes its layers as `LayerSpec`s (small layers: GeoJSON the browser fetches
from our APIs, maps/static/maps/layers.js) and `TileLayerSpec`s (big layers: vector tiles
drawn by Leaflet.VectorGrid from the layer's TileJSON, layers/static/layers/vector-layers.js);
maps/layers.py makes both from the layer registry. `map_build` turns them into a folium
map, and `map_render`
splits the map into the three parts a Django template places: `header` (stylesheets and
scripts, in <head>), `html` (the map container) and `script` (the map's set-up code, after
the container). Every asset comes from our static files: no CDN (DESIGN.md §5).
"""

from dataclasses import asdict, dataclass, field

import folium
from branca.element import MacroElement
from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from folium.map import Layer
from folium.template import Template

from layers.basemap.selectors import basemap_attribution, basemap_browser_url

# [[south, west], [north, east]] of Ukraine, the view when a page knows no better.
UKRAINE_BOUNDS = [[44.38, 22.14], [52.38, 40.23]]


@dataclass(frozen=True)
class PopupField:
    """One row of a feature's popup: a GeoJSON property and its (translated) label.

    `choices` maps stored values to display text (e.g. "connected" → "підключено").
    """

    key: str
    label: str
    choices: dict[str, str] | None = None


@dataclass(frozen=True)
class PopupNote:
    """A line added to a popup when property `key` equals `value` ("position is approximate")."""

    key: str
    value: str
    text: str


@dataclass(frozen=True)
class LayerSpec:
    """A GeoJSON layer fetched by the browser from one of our API URLs.

    `style` is a registry style (`layers.styles.LayerStyle.as_dict()`) that the browser
    turns into Leaflet path options (layers/static/layers/styles.js) for features of
    `geometry_type`; points are circle markers of its radius, `radius` px, which also
    places their labels. `label_field` adds a permanent label (village names),
    `fallback_field` is used when it is empty. `fit` fits the map to the layer once loaded.
    `z_index` orders layers whatever order their data arrives in (Leaflet panes; the
    default overlay pane is 400, markers 600).
    """

    name: str
    url: str
    style: dict = field(default_factory=dict)
    geometry_type: str = ""
    radius: float = 6
    title_field: str | None = None
    popup: tuple[PopupField, ...] = ()
    notes: tuple[PopupNote, ...] = ()
    label_field: str | None = None
    fallback_field: str | None = "name_uk"
    fit: bool = False
    show: bool = True
    z_index: int = 400


@dataclass(frozen=True)
class TileLayerSpec:
    """A registry layer drawn from our vector tiles, described by its TileJSON URL.

    Popups and the style come from the TileJSON's registry legends; `z_index` orders the
    layer's pane like LayerSpec's.
    """

    name: str
    layer_id: str
    tilejson_url: str
    show: bool = True
    z_index: int = 400


@dataclass(frozen=True)
class LegendItem:
    """A legend row: a swatch and its label; no colour makes the row a heading.

    `layer` names the map layer the row explains: the row shows and hides with that
    layer; `hidden` when the layer is off as the map opens. `shape` draws the swatch as a
    "point", an "area" or a "line".
    """

    colour: str | None
    label: str
    layer: str | None = None
    hidden: bool = False
    shape: str = "point"


@dataclass(frozen=True)
class Legend:
    """A small legend control: a title and coloured swatches with labels."""

    title: str
    items: tuple[LegendItem, ...]
    position: str = "bottomright"


@dataclass(frozen=True)
class RenderedMap:
    """A rendered map in the three parts a page template places (all HTML-safe)."""

    header: SafeString
    html: SafeString
    script: SafeString


class HromadaMap(folium.Map):
    """A folium Map that links only our static files and leaves the page layout alone.

    folium's own template styles <html> and <body> for a stand-alone document and links
    Leaflet, jQuery, Bootstrap and Font Awesome from CDNs; this one does neither.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>
                #{{ this.get_name() }} {
                    width: {{ this.width[0] }}{{ this.width[1] }};
                    height: {{ this.height[0] }}{{ this.height[1] }};
                }
            </style>
        {% endmacro %}

        {% macro html(this, kwargs) %}
            <div class="folium-map hromada-map" id={{ this.get_name()|tojson }}
                role="region" aria-label="{{ this.label|e }}"></div>
        {% endmacro %}

        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.map(
                {{ this.get_name()|tojson }},
                {
                    center: {{ this.location|tojson }},
                    crs: L.CRS.{{ this.crs }},
                    ...{{ this.options|tojavascript }}
                }
            );
            L.control.scale({imperial: false}).addTo({{ this.get_name() }});
            HromadaMaps.prepare({{ this.get_name() }}, {{ this.messages|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, *, label: str = "", **kwargs):
        super().__init__(tiles=None, **kwargs)
        self.label = label
        self.messages = {"load_error": _("Could not load the layer")}
        # Instance lists: folium's add_js_link mutates the class-level lists in place.
        self.default_js = [
            ("leaflet", static("vendor/leaflet/leaflet.js")),
            ("hromada_styles", static("layers/styles.js")),
        ]
        self.default_css = [
            ("leaflet_css", static("vendor/leaflet/leaflet.css")),
            ("hromada_maps_css", static("maps/maps.css")),
        ]


class ApiGeoJson(Layer):
    """An empty L.geoJSON layer at once, filled when the browser has fetched `spec.url`.

    Created synchronously so that folium's LayerControl can list it.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = HromadaMaps.apiLayer(
                {{ this._parent.get_name() }}, {{ this.spec|tojson }}
            );
        {% endmacro %}
        """
    )

    def __init__(self, spec: LayerSpec):
        super().__init__(name=spec.name, overlay=True, control=True, show=spec.show)
        self._name = "ApiGeoJson"
        self.spec = asdict(spec)


class VectorTiles(Layer):
    """A layer group at once, holding the layer's vector tiles once its TileJSON is read."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = HromadaMaps.tileLayer(
                {{ this._parent.get_name() }}, {{ this.spec|tojson }}
            );
        {% endmacro %}
        """
    )

    def __init__(self, spec: TileLayerSpec):
        super().__init__(name=spec.name, overlay=True, control=True, show=spec.show)
        self._name = "VectorTiles"
        self.spec = asdict(spec)


class LegendControl(MacroElement):
    """A legend control drawn by HromadaMaps.legend."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            HromadaMaps.legend({{ this._parent.get_name() }}, {{ this.legend|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, legend: Legend):
        super().__init__()
        self._name = "LegendControl"
        self.legend = asdict(legend)


def basemap_layer() -> folium.TileLayer | None:
    """Return the raster basemap through our proxy (/basemap/), or None when the basemap
    shown is no raster one (off, or drawn from our own vector tiles)."""
    url = basemap_browser_url()
    if not url:
        return None
    return folium.TileLayer(
        tiles=url,
        attr=basemap_attribution() or _("Basemap"),
        name=_("Basemap"),
        overlay=False,
        control=True,
    )


def map_build(
    *,
    layers: list[LayerSpec | TileLayerSpec],
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    bounds: list[list[float]] | None = None,
    height: str = "70vh",
    legends: list[Legend] | None = None,
    label: str = "",
) -> HromadaMap:
    """Build a map of API-backed and vector-tile layers, a layer control and legends.

    `center` is (lat, lon) in EPSG:4326 degrees with `zoom`; `bounds` is
    [[south, west], [north, east]] and wins over both. With neither, the map shows
    Ukraine. `height` is a CSS length. `label` names the map for screen readers.
    """
    m = HromadaMap(
        location=center, zoom_start=zoom or 12, height=height, label=label, control_scale=False
    )
    if tile_layer := basemap_layer():
        tile_layer.add_to(m)
    if bounds or center is None:
        m.fit_bounds(bounds or UKRAINE_BOUNDS)
    for spec in layers:
        (VectorTiles if isinstance(spec, TileLayerSpec) else ApiGeoJson)(spec).add_to(m)
    for legend in legends or []:
        LegendControl(legend).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def map_render(m: folium.Map) -> RenderedMap:
    """Render a map into its header, container and script parts for a page template."""
    figure = m.get_root()
    # Our templates declare the charset; folium's http-equiv meta would repeat it.
    figure.header._children.pop("meta_http", None)
    figure.render()
    # folium escapes every value it writes into these parts (tojson, |e).
    return RenderedMap(
        header=mark_safe(figure.header.render()),  # noqa: S308
        html=mark_safe(figure.html.render()),  # noqa: S308
        script=mark_safe(figure.script.render()),  # noqa: S308
    )
