"""Admin for the base layers, with a map widget on local assets."""

from django import forms
from django.contrib import admin
from django.contrib.gis import forms as gis_forms
from django.contrib.gis.db import models as gis_models
from django.utils.translation import pgettext_lazy

from core.admin import AccusativeTitlesMixin
from core.errors import InvalidInput
from core.geometry import geometry_check
from core.locking import VersionedAdminMixin, VersionedFormMixin
from core.names import local_name, sorted_by_name
from layers.models import Facility, Settlement, Territory
from layers.widgets import LocalMapWidget

# The GEOS types each form field's geometry type accepts, and whether a single part is
# promoted to the Multi type.
FIELD_KINDS = {
    "POINT": (("Point",), False),
    "LINESTRING": (("LineString",), False),
    "POLYGON": (("Polygon",), False),
    "MULTIPOINT": (("Point", "MultiPoint"), True),
    "MULTILINESTRING": (("LineString", "MultiLineString"), True),
    "MULTIPOLYGON": (("Polygon", "MultiPolygon"), True),
}
ANY_KIND = (
    ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon"),
    False,
)


class SettlementFilter(admin.RelatedFieldListFilter):
    """A list's village filter in the alphabet's order, each village named in the page's
    language (the database's C collation put "Іванківці" before "Гостинне")."""

    def field_choices(self, field, request, model_admin):
        return [(s.pk, local_name(s)) for s in sorted_by_name(Settlement.objects.all())]


class GeometryCheckedForm(forms.ModelForm):
    """An admin form whose geometry fields pass core.geometry.geometry_check: type, 2D,
    lon/lat range, size and validity, the same checks as the API and the imports."""

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            value = cleaned.get(name)
            if not isinstance(field, gis_forms.GeometryField) or value is None:
                continue
            kinds, multi = FIELD_KINDS.get(field.geom_type, ANY_KIND)
            try:
                cleaned[name] = geometry_check(value, kinds=kinds, multi=multi).geom
            except InvalidInput as exc:
                self.add_error(name, exc.message)
        return cleaned


class VersionedGeometryForm(VersionedFormMixin, GeometryCheckedForm):
    """GeometryCheckedForm that also refuses to save over a newer version (core.locking)."""


class MapAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    """ModelAdmin whose geometry fields are edited on the local OpenLayers widget and
    checked by core.geometry before they are saved."""

    form = GeometryCheckedForm

    formfield_overrides = {
        gis_models.PointField: {"widget": LocalMapWidget},
        gis_models.MultiPolygonField: {"widget": LocalMapWidget},
        gis_models.PolygonField: {"widget": LocalMapWidget},
        gis_models.LineStringField: {"widget": LocalMapWidget},
        gis_models.MultiLineStringField: {"widget": LocalMapWidget},
    }


class VersionedMapAdmin(VersionedAdminMixin, MapAdmin):
    """MapAdmin for a VersionedModel: two people saving one record end in a conflict that
    shows both versions, never in a silent overwrite (DESIGN.md §7)."""

    form = VersionedGeometryForm


@admin.register(Territory)
class TerritoryAdmin(VersionedMapAdmin):
    name_accusative = pgettext_lazy("accusative", "territory")
    list_display = ["name_uk", "katottg", "metric_srid", "position_accuracy", "is_demo"]
    search_fields = ["name_uk", "name_en", "katottg"]
    # Chosen by the database from the boundary (the УСК-2000 zone of its centroid).
    readonly_fields = ["metric_srid"]


@admin.register(Settlement)
class SettlementAdmin(VersionedMapAdmin):
    list_display = ["name_uk", "katottg", "kind", "population", "households", "position_accuracy"]
    list_filter = ["kind", "position_accuracy", "territory", "is_demo"]
    search_fields = ["name_uk", "name_en", "katottg"]


@admin.register(Facility)
class FacilityAdmin(VersionedMapAdmin):
    list_display = ["name", "kind", "settlement", "internet", "technology", "down_mbps"]
    list_filter = ["kind", "internet", "technology", ("settlement", SettlementFilter), "is_demo"]
    search_fields = ["name", "address_text", "settlement__name_uk"]
    list_select_related = ["settlement"]
