"""Internet coverage: providers, the areas they reach, Free Wi-Fi hotspots, computed
snapshots of coverage shares and the strategy's targets.

Geometry is stored in EPSG:4326; areas and buffers are computed in settings.METRIC_SRID
(DESIGN.md §3).
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coverage.compute import COVERAGE_TECHNOLOGIES, HOTSPOT_MAX_RADIUS_M, TIERS
from layers.models import Facility, Settlement, Technology

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


class WholeJSONField(models.JSONField):
    """A JSONField stored as PostgreSQL `json` (the text, checked) instead of `jsonb`.

    For documents only ever written and read whole, never queried inside by SQL: a
    snapshot's results are 8.6 MB for 1,500 villages, which `json` stores about 2.6× and
    returns about 4× faster than `jsonb` (bench/RESULTS.md). No key lookups in queries.
    """

    def db_type(self, connection):
        return "json"

    def get_db_prep_value(self, value, connection, prepared=False):
        from psycopg.types.json import Json, Jsonb

        adapted = super().get_db_prep_value(value, connection, prepared)
        # Django adapts JSON to psycopg's Jsonb, which PostgreSQL would parse into jsonb
        # first: send it as json.
        return Json(adapted.obj, dumps=adapted.dumps) if isinstance(adapted, Jsonb) else adapted

    def from_db_value(self, value, expression, connection):
        # psycopg decodes `json` columns itself (Django makes it leave only jsonb as text).
        if value is None or not isinstance(value, str):
            return value
        return super().from_db_value(value, expression, connection)


class CoverageSnapshot(models.Model):
    """One computation of the coverage shares; GET endpoints read the current one.

    `parameters` hold the thresholds and the date the computation was made for
    (`as_of`); `input_counts` what it read; `results` the territory, each village and the
    priority list (see coverage.compute.snapshot_results). Exactly one snapshot is
    current; a new computation replaces it in one transaction.
    """

    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    as_of = models.DateField(_("as of"))
    is_current = models.BooleanField(_("current"), default=False)
    parameters = models.JSONField(_("parameters"), default=dict)
    input_counts = models.JSONField(_("input counts"), default=dict)
    results = WholeJSONField(_("results"), default=dict)
    duration_ms = models.PositiveIntegerField(_("duration, ms"), default=0)

    class Meta:
        verbose_name = _("coverage snapshot")
        verbose_name_plural = _("coverage snapshots")
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="snapshot_one_current"
            ),
        ]

    def __str__(self):
        return f"{self.as_of} ({self.computed_at:%Y-%m-%d %H:%M})"


class CoverageGap(models.Model):
    """The part of the territory not reached by coverage of at least `tier` (any technology)."""

    snapshot = models.ForeignKey(
        CoverageSnapshot, on_delete=models.CASCADE, related_name="gaps", verbose_name=_("snapshot")
    )
    tier = models.CharField(_("tier"), max_length=16, choices=[(t, t) for t in TIERS])
    area_m2 = models.FloatField(_("area, m²"))
    area = models.MultiPolygonField(_("area"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("coverage gap")
        verbose_name_plural = _("coverage gaps")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "tier"], name="gap_unique_tier"),
        ]

    def __str__(self):
        return f"{self.snapshot_id}: {self.tier}"


class UnservedAddress(models.Model):
    """An active address that a snapshot found unserved (below the underserved tier).

    `address_id` is a plain id, not a foreign key, so that retiring an address never
    rewrites a past snapshot.
    """

    snapshot = models.ForeignKey(
        CoverageSnapshot,
        on_delete=models.CASCADE,
        related_name="unserved_addresses",
        verbose_name=_("snapshot"),
    )
    address_id = models.BigIntegerField(_("address id"))
    settlement = models.ForeignKey(
        Settlement, on_delete=models.CASCADE, related_name="+", verbose_name=_("settlement")
    )
    households = models.PositiveIntegerField(_("households"))
    best_down_mbps = models.PositiveIntegerField(_("best download, Mbit/s"), null=True)
    best_up_mbps = models.PositiveIntegerField(_("best upload, Mbit/s"), null=True)

    class Meta:
        verbose_name = _("unserved address")
        verbose_name_plural = _("unserved addresses")
        indexes = [
            models.Index(fields=["snapshot", "settlement"], name="unserved_snapshot_village")
        ]


class StrategyTarget(models.Model):
    """A target of the community's IT strategy: an indicator's value to reach by a year."""

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


class CoverageChallenge(models.Model):
    """A resident's "no internet / no signal here" report, held against the coverage data.

    Made from a problem report of a coverage-complaint category (coverage.signals) at the
    report's place. `areas` are the coverage areas valid at that place when the challenge
    was made (refreshed when a planner decides it): the claims the report contradicts.
    A planner accepts it (the claim is wrong there) or rejects it.
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


class CoverageHexagon(models.Model):
    """One H3 cell (resolution 8) of a snapshot: coverage shares for the public map.

    Aggregates only. Shares are in percent of the hexagon's part inside the territory
    (`area_m2`, METRIC_SRID); household and population shares are None when the hexagon
    holds fewer than COVERAGE_H3_MIN_ADDRESSES addresses (or no population raster is
    loaded), so that no single home can be read off the map.
    """

    # No index of its own: hexagon_unique_cell (snapshot, h3) serves every lookup by
    # snapshot, and a second b-tree would only slow the snapshot's COPY of its rows.
    snapshot = models.ForeignKey(
        CoverageSnapshot,
        on_delete=models.CASCADE,
        related_name="hexagons",
        verbose_name=_("snapshot"),
        db_index=False,
    )
    h3 = models.CharField(_("H3 cell"), max_length=16)
    # No spatial index: the hexagons are always read for one snapshot, which
    # hexagon_unique_cell picks (~750 rows for the community, 50,000 at benchmark size M),
    # and a GiST over every snapshot's identical outlines would only grow with history
    # while it costs a third of each snapshot's COPY (bench/RESULTS.md).
    area = models.PolygonField(_("area"), srid=4326, spatial_index=False)
    area_m2 = models.FloatField(_("area inside the territory, m²"))
    covered_pct = models.FloatField(_("any coverage, area share, %"))
    served_pct = models.FloatField(_("high-speed coverage, area share, %"))
    fixed_served_pct = models.FloatField(_("fixed broadband served, area share, %"))
    households_served_pct = models.FloatField(
        _("households served by fixed broadband, %"), null=True, blank=True
    )
    population_served_pct = models.FloatField(
        _("population with high-speed coverage, %"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("coverage hexagon")
        verbose_name_plural = _("coverage hexagons")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "h3"], name="hexagon_unique_cell"),
        ]

    def __str__(self):
        return self.h3


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
