"""Admin of the coverage app, with the local map widget of the base layers."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from core.admin import AccusativeTitlesMixin
from core.errors import ApplicationError
from core.locking import VersionedAdminMixin, VersionedFormMixin
from coverage.challenges import challenge_decide
from coverage.models import (
    CoverageArea,
    CoverageChallenge,
    CoverageSnapshot,
    PopulationRaster,
    Provider,
    StrategyTarget,
    WifiHotspot,
)
from coverage.services import hotspot_save, snapshot_follow
from coverage.snapshot.incremental import AreaState
from layers.admin import VersionedMapAdmin


@admin.register(Provider)
class ProviderAdmin(AccusativeTitlesMixin, VersionedAdminMixin, admin.ModelAdmin):
    name_accusative = pgettext_lazy("accusative", "provider")
    form = VersionedFormMixin
    list_display = ["name", "kind", "is_demo"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(CoverageArea)
class CoverageAreaAdmin(VersionedMapAdmin):
    name_accusative = pgettext_lazy("accusative", "coverage area")
    list_display = ["provider", "technology", "down_mbps", "up_mbps", "source", "valid_from"]
    list_filter = ["technology", "source", "provider"]
    list_select_related = ["provider"]

    # Every change here patches the current snapshot, as the services' edits do.
    def save_model(self, request, obj, form, change):
        old = CoverageArea.objects.filter(pk=obj.pk).first() if change else None
        before = [] if old is None else [AreaState.of(old)]
        super().save_model(request, obj, form, change)
        snapshot_follow(before=before, after=[AreaState.of(obj)])

    def delete_model(self, request, obj):
        before = [AreaState.of(obj)]
        super().delete_model(request, obj)
        snapshot_follow(before=before, after=[])

    def delete_queryset(self, request, queryset):
        before = [AreaState.of(row) for row in queryset]
        super().delete_queryset(request, queryset)
        snapshot_follow(before=before, after=[])


@admin.register(WifiHotspot)
class WifiHotspotAdmin(VersionedMapAdmin):
    name_accusative = pgettext_lazy("accusative", "Free Wi-Fi hotspot")
    """A new hotspot is saved by coverage.services.hotspot_save, which keeps its buffered
    coverage area; an existing one keeps its place and radius here (edit them via the API)."""

    list_display = ["name", "provider", "radius_m", "opened_on"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["location", "radius_m"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        saved = hotspot_save(
            name=obj.name,
            provider=obj.provider.name,
            location=obj.location,
            radius_m=obj.radius_m,
            facility_id=obj.facility_id,
            opened_on=obj.opened_on,
            down_mbps=obj.down_mbps,
            up_mbps=obj.up_mbps,
            is_demo=obj.is_demo,
        )
        obj.pk = saved.pk


@admin.register(CoverageSnapshot)
class CoverageSnapshotAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
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
class StrategyTargetAdmin(AccusativeTitlesMixin, VersionedAdminMixin, admin.ModelAdmin):
    form = VersionedFormMixin
    list_display = ["indicator", "year", "comparison", "target", "note"]
    list_filter = ["indicator"]


@admin.register(CoverageChallenge)
class CoverageChallengeAdmin(AccusativeTitlesMixin, VersionedAdminMixin, admin.ModelAdmin):
    """Planners accept or reject challenges with the actions (coverage.challenges); the
    decision note is edited here, with the version check of core.locking."""

    form = VersionedFormMixin

    list_display = ["report", "status", "settlement", "created_at", "decided_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["report", "settlement", "decided_by"]
    readonly_fields = [
        "report",
        "location",
        "settlement",
        "areas",
        "status",
        "decided_by",
        "decided_at",
        "created_at",
    ]
    fields = readonly_fields[:4] + ["decision_note"] + readonly_fields[4:]
    actions = ["accept", "reject"]

    def has_add_permission(self, request):
        return False  # made from coverage-complaint reports only

    def _decide(self, request, queryset, decision: str) -> None:
        done, refused = 0, []
        for challenge in queryset:
            try:
                challenge_decide(challenge_id=challenge.pk, decision=decision, user=request.user)
                done += 1
            except ApplicationError as exc:
                refused.append(exc.message)
        if done:
            self.message_user(request, _("%(n)d challenge(s) decided.") % {"n": done})
        for message in refused:
            self.message_user(request, message, level=messages.WARNING)

    @admin.action(description=_("Accept: the coverage claim is wrong there"))
    def accept(self, request, queryset):
        self._decide(request, queryset, "accept")

    @admin.action(description=_("Reject: the coverage claim stands"))
    def reject(self, request, queryset):
        self._decide(request, queryset, "reject")


@admin.register(PopulationRaster)
class PopulationRasterAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    list_display = ["name", "crs", "width", "height", "total", "is_current", "loaded_at"]
    readonly_fields = ["name", "file", "crs", "width", "height", "total", "is_current"]

    def has_add_permission(self, request):
        return False  # loaded by manage.py coverage_set_population
