"""The admin map widget on locally served OpenLayers (no CDN) and the configured basemap."""

from django.contrib.gis.forms.widgets import OSMWidget
from django.urls import reverse

from core.csp import current_nonce
from layers.basemap.selectors import basemap_browser_url


class LocalMapWidget(OSMWidget):
    """OpenLayers editing widget whose assets come from our static files.

    The base layer is the raster basemap through our proxy (/basemap/) when one is shown,
    otherwise the territory and village outlines from our own API, so the admin works on
    a closed network.
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
        context["territory_url"] = reverse("api:territory")
        context["settlements_url"] = reverse("api:settlement_list")
        # The widget's inline set-up script runs under the Content-Security-Policy.
        context["csp_nonce"] = current_nonce()
        return context
