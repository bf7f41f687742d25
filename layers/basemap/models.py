"""The offline basemap: features of an imported OpenStreetMap extract, clipped to the
territory plus a margin (`basemap_import`). EPSG:4326 like every geometry here.

A re-import replaces every row of these tables in one transaction; `BasemapImport`
says which file the rows came from. The data is OpenStreetMap's (ODbL): the maps
show "© OpenStreetMap contributors" with it.
"""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class BasemapImport(models.Model):
    """The OpenStreetMap extract the stored basemap comes from (one row at a time)."""

    source_name = models.CharField(_("file"), max_length=300)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    margin_km = models.FloatField(_("margin around the territory, km"))
    counts = models.JSONField(_("features per kind"), default=dict)

    class Meta:
        verbose_name = _("basemap import")
        verbose_name_plural = _("basemap imports")

    def __str__(self):
        return self.source_name


class BasemapArea(models.Model):
    """A water body, a forest or a land use area of the basemap, or an administrative
    boundary (for the printed locator only).

    `kind` is water, forest, landuse or boundary; `category` the OSM value (farmland,
    meadow, residential, reservoir…), for a boundary "country" or "region" (the oblast).
    """

    kind = models.CharField(_("kind"), max_length=16)
    category = models.CharField(_("category"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    area = models.MultiPolygonField(_("area"), srid=4326)


class BasemapBuilding(models.Model):
    """A building outline of the basemap."""

    footprint = models.MultiPolygonField(_("footprint"), srid=4326)


class BasemapLine(models.Model):
    """A road, waterway or railway of the basemap.

    `kind` is road, waterway or railway; `category` the OSM value (primary, residential,
    track, river, stream, rail…); `name` the OSM name (Ukrainian on the ground).
    """

    kind = models.CharField(_("kind"), max_length=16)
    category = models.CharField(_("category"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    route = models.MultiLineStringField(_("route"), srid=4326)


class BasemapPlace(models.Model):
    """A named place of the basemap: a city, town, village, hamlet or locality."""

    kind = models.CharField(_("kind"), max_length=16)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    location = models.PointField(_("location"), srid=4326)
