"""Territory, settlements and municipal facilities: the base layers every app builds on.

All geometry is stored in EPSG:4326 (DESIGN.md §3).
"""

from django.contrib.gis.db import models
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from layers.querysets import FacilityQuerySet, SettlementQuerySet

katottg_validator = RegexValidator(
    r"^UA\d{17}$", _("A KATOTTG code is 'UA' followed by 17 digits.")
)


class PositionAccuracy(models.TextChoices):
    SURVEYED = "surveyed", _("surveyed")
    APPROXIMATE = "approximate", _("approximate")


class Technology(models.TextChoices):
    """How a place gets internet; shared by facilities and coverage areas."""

    FIBRE = "fibre", _("fibre (FTTH/FTTB)")
    DSL = "dsl", _("DSL")
    CABLE = "cable", _("cable (DOCSIS)")
    FIXED_WIRELESS = "fixed_wireless", _("fixed wireless")
    MOBILE_3G = "3g", _("3G")
    MOBILE_4G = "4g", _("4G / LTE")
    MOBILE_5G = "5g", _("5G")
    WIFI = "wifi", _("Wi-Fi")
    SATELLITE = "satellite", _("satellite")
    OTHER = "other", _("other")


class Territory(models.Model):
    """A territorial community (громада): the area the council serves."""

    katottg = models.CharField(
        _("KATOTTG code"), max_length=19, unique=True, validators=[katottg_validator]
    )
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326)
    position_accuracy = models.CharField(
        _("position accuracy"),
        max_length=12,
        choices=PositionAccuracy.choices,
        default=PositionAccuracy.APPROXIMATE,
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name_uk"]

    def __str__(self):
        return self.name_uk


class Settlement(models.Model):
    """A settlement (населений пункт) of the community, identified by its KATOTTG code."""

    class Kind(models.TextChoices):
        # The KATOTTG category letters: М, Т, Х, С. English pages say the English term only
        # (no Ukrainian word on them); the context keeps "village" of a kind apart.
        CITY = "city", pgettext_lazy("settlement kind", "city")
        URBAN_SETTLEMENT = (
            "urban_settlement",
            pgettext_lazy("settlement kind", "urban-type settlement"),
        )
        RURAL_SETTLEMENT = "rural_settlement", pgettext_lazy("settlement kind", "rural settlement")
        VILLAGE = "village", pgettext_lazy("settlement kind", "village")

    katottg = models.CharField(
        _("KATOTTG code"), max_length=19, unique=True, validators=[katottg_validator]
    )
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.VILLAGE)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326, null=True, blank=True)
    centre = models.PointField(_("centre"), srid=4326)
    position_accuracy = models.CharField(
        _("position accuracy"),
        max_length=12,
        choices=PositionAccuracy.choices,
        default=PositionAccuracy.APPROXIMATE,
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="settlements", verbose_name=_("territory")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = SettlementQuerySet.as_manager()

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["name_uk"]

    def __str__(self):
        return self.name_uk


class Facility(models.Model):
    """A municipal facility (school, administrative services centre — ЦНАП, library, ФАП…)
    and its internet connection."""

    class Kind(models.TextChoices):
        ADMINISTRATION = "administration", _("administration")
        # ЦНАП and ФАП in their English terms: English pages show no Ukrainian word.
        CNAP = "cnap", _("administrative services centre (ASC)")
        SCHOOL = "school", _("school")
        KINDERGARTEN = "kindergarten", _("kindergarten")
        LIBRARY = "library", _("library")
        CULTURE_HOUSE = "culture_house", _("culture house / club")
        MEDICAL = "medical", _("medical (feldsher-midwife post / outpatient clinic)")
        YOUTH_SPACE = "youth_space", _("youth space")
        SOCIAL_CARE = "social_care", _("social care")
        OTHER = "other", _("other")

    class Internet(models.TextChoices):
        CONNECTED = "connected", _("connected")
        NOT_CONNECTED = "not_connected", _("not connected")
        UNKNOWN = "unknown", _("unknown")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300)
    settlement = models.ForeignKey(
        Settlement,
        on_delete=models.PROTECT,
        related_name="facilities",
        verbose_name=_("settlement"),
    )
    location = models.PointField(_("location"), srid=4326)
    address_text = models.CharField(_("address"), max_length=300, blank=True)
    internet = models.CharField(
        _("internet"), max_length=16, choices=Internet.choices, default=Internet.UNKNOWN
    )
    technology = models.CharField(
        _("technology"), max_length=16, choices=Technology.choices, blank=True
    )
    down_mbps = models.PositiveIntegerField(_("download, Mbit/s"), null=True, blank=True)
    up_mbps = models.PositiveIntegerField(_("upload, Mbit/s"), null=True, blank=True)
    connected_since = models.DateField(_("connected since"), null=True, blank=True)
    position_accuracy = models.CharField(
        _("position accuracy"),
        max_length=12,
        choices=PositionAccuracy.choices,
        default=PositionAccuracy.APPROXIMATE,
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["settlement__name_uk", "name"]
        constraints = [
            # Re-imports match a facility by its village and name.
            models.UniqueConstraint(fields=["settlement", "name"], name="facility_unique_name"),
        ]

    def __str__(self):
        return self.name


# The offline basemap's tables live in layers/basemap/ (DESIGN.md §2) and belong to this
# app: importing them here registers them with the app's models.
from layers.basemap.models import (  # noqa: E402, F401
    BasemapArea,
    BasemapBuilding,
    BasemapImport,
    BasemapLine,
    BasemapPlace,
)
