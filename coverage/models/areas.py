"""Providers, the coverage areas they claim and Free Wi-Fi hotspots (EPSG:4326)."""

from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coverage.compute import COVERAGE_TECHNOLOGIES, HOTSPOT_MAX_RADIUS_M
from layers.models import Facility, Technology

TECHNOLOGY_CHOICES = [(t.value, t.label) for t in Technology if t.value in COVERAGE_TECHNOLOGIES]


class Provider(models.Model):
    """An internet provider, a mobile operator or the community's own Wi-Fi."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("fixed")
        MOBILE = "mobile", _("mobile")
        COMMUNITY_WIFI = "community_wifi", _("community Wi-Fi")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    website = models.URLField(_("website"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class WifiHotspot(models.Model):
    """A Free Wi-Fi zone: an access point whose coverage is a disc of `radius_m` metres.

    Its coverage area (a CoverageArea with source "hotspot") is the buffer of `location`
    computed in METRIC_SRID; the services keep the two in step.
    """

    name = models.CharField(_("name"), max_length=200)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="hotspots", verbose_name=_("provider")
    )
    location = models.PointField(_("location"), srid=4326)
    radius_m = models.PositiveIntegerField(
        _("radius, m"), validators=[MinValueValidator(1), MaxValueValidator(HOTSPOT_MAX_RADIUS_M)]
    )
    facility = models.ForeignKey(
        Facility,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hotspots",
        verbose_name=_("facility"),
    )
    down_mbps = models.PositiveIntegerField(_("download, Mbit/s"), default=100)
    up_mbps = models.PositiveIntegerField(_("upload, Mbit/s"), default=20)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("Free Wi-Fi hotspot")
        verbose_name_plural = _("Free Wi-Fi hotspots")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(radius_m__gte=1) & Q(radius_m__lte=HOTSPOT_MAX_RADIUS_M),
                name="hotspot_radius_range",
            ),
        ]

    def __str__(self):
        return self.name


class CoverageArea(models.Model):
    """Where one provider offers one technology at advertised speeds, for a period."""

    class Source(models.TextChoices):
        PROVIDER_MAP = "provider_map", _("provider's map")
        FIELD_SURVEY = "field_survey", _("field survey")
        RASTER = "raster", _("signal raster")
        HOTSPOT = "hotspot", _("Wi-Fi hotspot")

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="areas", verbose_name=_("provider")
    )
    technology = models.CharField(_("technology"), max_length=16, choices=TECHNOLOGY_CHOICES)
    down_mbps = models.PositiveIntegerField(_("download, Mbit/s"))
    up_mbps = models.PositiveIntegerField(_("upload, Mbit/s"))
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.PROVIDER_MAP
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    area = models.MultiPolygonField(_("area"), srid=4326)
    hotspot = models.OneToOneField(
        WifiHotspot,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coverage_area",
        verbose_name=_("hotspot"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("coverage area")
        verbose_name_plural = _("coverage areas")
        ordering = ["provider__name", "technology", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(technology__in=COVERAGE_TECHNOLOGIES),
                name="coveragearea_technology_known",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="coveragearea_valid_period",
            ),
        ]

    def __str__(self):
        return f"{self.provider} — {self.get_technology_display()} {self.down_mbps}/{self.up_mbps}"
