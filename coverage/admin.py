"""Admin of the coverage app, with the local map widget of the base layers."""

from django.contrib import admin

from coverage.models import CoverageArea, CoverageSnapshot, Provider, StrategyTarget, WifiHotspot
from layers.admin import MapAdmin


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_demo"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(CoverageArea)
class CoverageAreaAdmin(MapAdmin):
    list_display = ["provider", "technology", "down_mbps", "up_mbps", "source", "valid_from"]
    list_filter = ["technology", "source", "provider"]
    list_select_related = ["provider"]


@admin.register(WifiHotspot)
class WifiHotspotAdmin(MapAdmin):
    list_display = ["name", "provider", "radius_m", "opened_on"]
    # The buffered area is kept by coverage.services.hotspot_save; edit hotspots via the API.
    readonly_fields = ["location", "radius_m"]


@admin.register(CoverageSnapshot)
class CoverageSnapshotAdmin(admin.ModelAdmin):
    list_display = ["computed_at", "as_of", "is_current", "duration_ms"]
    readonly_fields = [
        "computed_at",
        "as_of",
        "is_current",
        "parameters",
        "input_counts",
        "results",
    ]


@admin.register(StrategyTarget)
class StrategyTargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "comparison", "target", "note"]
    list_filter = ["indicator"]
