"""Computed coverage snapshots and what is stored with each: gaps, unserved addresses and
H3 hexagons (EPSG:4326; areas measured in settings.METRIC_SRID)."""

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coverage.compute import GROUPS, TIERS
from layers.models import Settlement


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
    # What the results are assembled from (coverage.snapshot.incremental): the covered m²
    # of the territory and each village's measures, so that one edited coverage area can
    # patch them instead of a full recomputation. Internal; never shown.
    partials = WholeJSONField(_("partial sums"), default=dict, editable=False)
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
    """The part of a territory not reached by coverage of technology `group` of at least
    `tier` ("any" group: any technology); one per compute.GAP_CHOICES and territory of the
    snapshot (kept apart so that an edit rewrites only the territories it touches; rows of
    snapshots made before that have no territory)."""

    snapshot = models.ForeignKey(
        CoverageSnapshot, on_delete=models.CASCADE, related_name="gaps", verbose_name=_("snapshot")
    )
    group = models.CharField(
        _("technology group"), max_length=16, choices=[(g, g) for g in GROUPS], default="any"
    )
    tier = models.CharField(_("tier"), max_length=16, choices=[(t, t) for t in TIERS])
    territory = models.ForeignKey(
        "layers.Territory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territory"),
    )
    area_m2 = models.FloatField(_("area, m²"))
    area = models.MultiPolygonField(_("area"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("coverage gap")
        verbose_name_plural = _("coverage gaps")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "group", "tier", "territory"], name="gap_unique_territory"
            ),
        ]

    def __str__(self):
        return f"{self.snapshot_id}: {self.group} {self.tier}"


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
