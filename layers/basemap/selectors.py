"""Which basemap the maps show, and where the browser loads it from.

The choice (`basemap_choice`) follows what is available:
1. the tile proxy, when a tile source is configured (BASEMAP_URL or BASEMAP_UPSTREAM)
   and the upstream is not known to be down;
2. the imported OpenStreetMap extract, when one is stored;
3. the community's own data (territory, villages, addresses): never a blank map.
BASEMAP_URL=off (or none) shows no basemap; BASEMAP_URL=local skips the proxy.

Whether the upstream is down is a flag in Django's default cache (shared by the web
workers), set when the proxy had to send a placeholder and cleared by the next good
answer; it expires after OFFLINE_RETRY_S, so that the proxy is tried again.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from layers.basemap import compute

OSM = "osm"
CUSTOM = "custom"
IMPORTED = "imported"
OWN = "own"
NONE = "none"
OFF_WORDS = {"off", "none"}
LOCAL_WORD = "local"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"
OFFLINE_KEY = "layers:basemap:upstream-down"
OFFLINE_RETRY_S = 300
# The service area changes only when territories are imported; a minute is soon enough.
AREA_TTL_S = 60.0
_area_kept: list = []

LABELS = {
    OSM: _("OpenStreetMap map"),
    CUSTOM: _("External basemap"),
    IMPORTED: _("OpenStreetMap map stored on this server"),
    OWN: _("The community's own data (no basemap available)"),
    NONE: _("No basemap"),
}


@dataclass(frozen=True)
class BasemapChoice:
    """The basemap shown: `kind` (osm, custom, imported, own, none), its translated
    label and its attribution."""

    kind: str
    attribution: str

    @property
    def label(self) -> str:
        return str(LABELS[self.kind])

    @property
    def is_raster(self) -> bool:
        return self.kind in (OSM, CUSTOM)


def _setting() -> str:
    return (settings.BASEMAP_URL or "").strip()


def upstream_template() -> str:
    """Return the XYZ template the proxy fetches from ("" when the proxy is off)."""
    value = _setting()
    if value.lower() in OFF_WORDS or value.lower() == LOCAL_WORD:
        return ""
    template = value or settings.BASEMAP_UPSTREAM
    return template if compute.is_xyz_template(template) else ""


def upstream_attribution() -> str:
    """Return the attribution of the proxied source (OSM's unless BASEMAP_URL names
    another source)."""
    if _setting():
        return settings.BASEMAP_ATTRIBUTION or str(_("Basemap"))
    return settings.BASEMAP_ATTRIBUTION or OSM_ATTRIBUTION


def upstream_down() -> bool:
    """Tell whether the upstream failed lately with nothing on disk to show instead."""
    return bool(cache.get(OFFLINE_KEY))


def mark_upstream(*, down: bool) -> None:
    """Record that the upstream failed (for OFFLINE_RETRY_S) or answered again."""
    if down:
        cache.set(OFFLINE_KEY, True, OFFLINE_RETRY_S)
    elif cache.get(OFFLINE_KEY):
        cache.delete(OFFLINE_KEY)


def service_area() -> tuple[float, float, float, float] | None:
    """Return the territories' extent grown by BASEMAP_MARGIN_KM, in degrees (EPSG:4326)
    as (west, south, east, north), or None with no territory. Kept AREA_TTL_S per worker."""
    now = time.monotonic()
    if _area_kept and now - _area_kept[0] < AREA_TTL_S:
        return _area_kept[1]
    from django.contrib.gis.db.models import Extent

    from layers.models import Territory

    extent = Territory.objects.aggregate(box=Extent("boundary"))["box"]
    area = compute.grown_box(extent, settings.BASEMAP_MARGIN_KM) if extent else None
    _area_kept[:] = [now, area]
    return area


def imported_basemap_exists() -> bool:
    from layers.basemap.models import BasemapImport

    return BasemapImport.objects.exists()


def local_choice() -> BasemapChoice:
    """Return the basemap drawn from our own tiles: the imported extract, else own data."""
    if imported_basemap_exists():
        return BasemapChoice(IMPORTED, OSM_ATTRIBUTION)
    return BasemapChoice(OWN, "")


def raster_choice() -> BasemapChoice | None:
    """Return the proxied raster basemap when it is the one shown, else None (no query)."""
    if upstream_template() and not upstream_down():
        return BasemapChoice(OSM if not _setting() else CUSTOM, upstream_attribution())
    return None


def basemap_choice() -> BasemapChoice:
    """Return the basemap the maps show now (see the module docstring)."""
    if _setting().lower() in OFF_WORDS:
        return BasemapChoice(NONE, "")
    return raster_choice() or local_choice()


def basemap_browser_url() -> str:
    """Return the raster basemap's XYZ URL template for Leaflet/folium pages (our proxy,
    a site-relative URL), or "" when the basemap is not a raster one."""
    if raster_choice() is None:
        return ""
    sample = reverse("basemap:raster", kwargs={"z": "0", "x": "0", "y": "0"})
    return sample.replace("/0/0/0.png", "/{z}/{x}/{y}.png")


def basemap_attribution() -> str:
    """Return the attribution to show with `basemap_browser_url()` ("" without one)."""
    choice = raster_choice()
    return choice.attribution if choice else ""
