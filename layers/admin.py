"""Admin for the base layers, with a map widget on local assets."""

from django.contrib import admin
from django.contrib.gis.db import models as gis_models

from layers.models import Facility, Settlement, Territory
from layers.widgets import LocalMapWidget


class MapAdmin(admin.ModelAdmin):
    """ModelAdmin whose geometry fields are edited on the local OpenLayers widget."""

    formfield_overrides = {
        gis_models.PointField: {"widget": LocalMapWidget},
        gis_models.MultiPolygonField: {"widget": LocalMapWidget},
        gis_models.PolygonField: {"widget": LocalMapWidget},
        gis_models.LineStringField: {"widget": LocalMapWidget},
        gis_models.MultiLineStringField: {"widget": LocalMapWidget},
    }


@admin.register(Territory)
class TerritoryAdmin(MapAdmin):
    list_display = ["name_uk", "katottg", "position_accuracy", "is_demo"]
    search_fields = ["name_uk", "name_en", "katottg"]


@admin.register(Settlement)
class SettlementAdmin(MapAdmin):
    list_display = ["name_uk", "katottg", "kind", "population", "households", "position_accuracy"]
    list_filter = ["kind", "position_accuracy", "territory", "is_demo"]
    search_fields = ["name_uk", "name_en", "katottg"]


@admin.register(Facility)
class FacilityAdmin(MapAdmin):
    list_display = ["name", "kind", "settlement", "internet", "technology", "down_mbps"]
    list_filter = ["kind", "internet", "technology", "settlement", "is_demo"]
    search_fields = ["name", "address_text", "settlement__name_uk"]
    list_select_related = ["settlement"]
