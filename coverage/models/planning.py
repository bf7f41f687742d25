"""What planners weigh the coverage against: the strategy's targets, residents' challenges
of the coverage data and the population raster."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.locking import VersionedModel
from coverage.models.areas import CoverageArea
from layers.models import Settlement


class StrategyTarget(VersionedModel):
    """A target of the community's IT strategy: an indicator's value to reach by a year.

    Versioned (core.locking): planners edit targets in the admin, and the later of two
    saves from the same reading is refused rather than silently overwriting the first.
    """

    class Indicator(models.TextChoices):
        TERRITORY = "territory_coverage_pct", _("internet coverage of the territory, %")
        VILLAGES = "villages_connected_pct", _("villages connected, %")
        PRIORITY_VILLAGES = (
            "priority_villages_connected",
            _("Makarykha and Tsybuleve on high-speed internet"),
        )
        FACILITIES = (
            "facilities_high_speed_pct",
            _("municipal facilities on high-speed internet, %"),
        )
        WIFI = "new_wifi_zones", _("new Free Wi-Fi zones since 2020")
        APPEALS = "e_appeals_pct", _("appeals filed electronically, %")

    class Comparison(models.TextChoices):
        AT_LEAST = "gte", "≥"
        MORE_THAN = "gt", ">"

    indicator = models.CharField(_("indicator"), max_length=40, choices=Indicator.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    target = models.FloatField(_("target"))
    comparison = models.CharField(
        _("comparison"), max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("strategy target")
        verbose_name_plural = _("strategy targets")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_unique_year"),
        ]

    def __str__(self):
        return f"{self.get_indicator_display()} {self.year}: {self.target}"


class CoverageChallenge(VersionedModel):
    """A resident's "no internet / no signal here" report, held against the coverage data.

    Made from a problem report of a coverage-complaint category (coverage.signals) at the
    report's place. `areas` are the coverage areas valid at that place when the challenge
    was made (refreshed when a planner decides it): the claims the report contradicts.
    A planner accepts it (the claim is wrong there) or rejects it. Versioned
    (core.locking): two planners editing the decision note cannot overwrite each other.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    report = models.OneToOneField(
        "reports.Report",
        on_delete=models.CASCADE,
        related_name="coverage_challenge",
        verbose_name=_("report"),
    )
    location = models.PointField(_("location"), srid=4326)
    settlement = models.ForeignKey(
        Settlement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("settlement"),
    )
    areas = models.ManyToManyField(
        CoverageArea, blank=True, related_name="challenges", verbose_name=_("contradicted areas")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("coverage challenge")
        verbose_name_plural = _("coverage challenges")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.report} ({self.get_status_display()})"


def population_path(instance, filename: str) -> str:
    return f"coverage/population/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class PopulationRaster(models.Model):
    """A population GeoTIFF (people per cell, band 1): weights of the population shares.

    The current one is read by coverage_compute, which sums it by zone (pixel centres).
    """

    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(_("file"), upload_to=population_path)
    crs = models.CharField(_("CRS"), max_length=200)
    width = models.PositiveIntegerField(_("width, cells"))
    height = models.PositiveIntegerField(_("height, cells"))
    total = models.FloatField(_("total population"))
    is_current = models.BooleanField(_("current"), default=False)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("population raster")
        verbose_name_plural = _("population rasters")
        ordering = ["-loaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="population_one_current"
            ),
        ]

    def __str__(self):
        return self.name
