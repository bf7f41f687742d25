"""The admin map widget on locally served OpenLayers (no CDN) and the configured basemap."""

from django.contrib.gis.forms.widgets import OSMWidget
from django.urls import reverse

from core.csp import current_nonce
from layers import registry
from layers.basemap.selectors import basemap_attribution, basemap_browser_url

# The register's own layers drawn under the editing layer when no raster basemap is shown,
# so that an editor places a house among the streets and the numbers already there.
REFERENCE_LAYERS = ("streets", "addresses")


def reference_layers() -> list[dict]:
    """Return the vector-tile layers the widget draws for bearings, styled from the layer
    registry: {id, tiles (URL template, EPSG:3857 XYZ), min_zoom, max_zoom, colour,
    line_width, radius, label (property), label_min_zoom, label_colour, label_size (px),
    line (bool)}. A layer not registered (an app left out) is skipped."""
    sample = reverse("tiles:tile", kwargs={"layers": "LAYER", "z": 0, "x": 0, "y": 0})
    layers = []
    for layer_id in REFERENCE_LAYERS:
        try:
            spec = registry.get(layer_id)
        except KeyError:
            continue
        style, label = spec.style, spec.label
        layers.append(
            {
                "id": spec.id,
                "tiles": sample.replace("LAYER", spec.id).replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf"),
                "min_zoom": spec.min_zoom,
                "max_zoom": spec.max_zoom,
                "colour": style.colour,
                "line_width": style.line_width,
                "radius": style.radius,
                "line": style.symbol == "none",
                "label": label.field if label else None,
                "label_min_zoom": label.min_zoom if label else None,
                "label_colour": label.colour if label else None,
                "label_size": label.size if label else None,
                "label_line": bool(label and label.placement == "line"),
            }
        )
    return layers


class LocalMapWidget(OSMWidget):
    """OpenLayers editing widget whose assets come from our static files.

    The base layer is the raster basemap through our proxy (/basemap/, with its sources
    line) when one is shown, otherwise the territory and village outlines from our own
    API, so the admin works on a closed network; over either, the register's streets and
    house numbers from our vector tiles (`reference_layers`), so that an editor sees where
    a house goes among the ones already registered.
    """

    template_name = "layers/openlayers.html"
    default_lon = 32.72
    default_lat = 48.80
    default_zoom = 11

    class Media:
        # Replace, not extend, Django's Media: it names the OpenLayers CDN.
        extend = False
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["basemap_url"] = basemap_browser_url()
        context["basemap_attribution"] = basemap_attribution()
        context["territory_url"] = reverse("api:territory")
        context["settlements_url"] = reverse("api:settlement_list")
        context["reference_layers"] = reference_layers()
        # The widget's inline set-up script runs under the Content-Security-Policy.
        context["csp_nonce"] = current_nonce()
        return context
