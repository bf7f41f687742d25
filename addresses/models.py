"""Streets and the official address register of the community, with full history.

Geometry is stored in EPSG:4326 (DESIGN.md §3). Every write records who, when and why
through django-simple-history (`history_user`, `history_date`, `history_change_reason`).
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from addresses import compute, searchkeys
from addresses.compute import STREET_KINDS
from addresses.querysets import AddressQuerySet, StreetQuerySet, fold_expression
from core.locking import VersionedModel
from layers.models import Facility, Settlement

postcode_validator = RegexValidator(r"^\d{5}$", _("A postcode is 5 digits."))

EDITORS_GROUP = "address_editors"


# The vocabulary of street kinds (addresses.compute.STREET_KINDS); labels are the
# Ukrainian words used in addresses.
StreetKind = models.TextChoices(
    "StreetKind", [(kind.code.upper(), (kind.code, kind.word)) for kind in STREET_KINDS]
)


class Street(VersionedModel):
    """A named street (вулиця, провулок, площа…) of one settlement."""

    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="streets", verbose_name=_("settlement")
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=StreetKind.choices, default=StreetKind.STREET
    )
    name = models.CharField(_("name"), max_length=200)
    route = models.LineStringField(_("route"), srid=4326, null=True, blank=True)
    registry_id = models.CharField(_("national register id"), max_length=64, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    # The name folded as addresses.compute.fold, computed by PostgreSQL on every write (so
    # COPY, bulk writes and renames keep it right); address search matches streets on it.
    search_name = models.GeneratedField(
        expression=fold_expression("name"),
        output_field=models.CharField(max_length=200),
        db_persist=True,
        verbose_name=_("search name"),
    )

    # The name's loose Latin key (addresses.searchkeys.latin_key, built on the official
    # transliteration), filled by save() and by StreetQuerySet.bulk_create: Latin queries
    # ("Shevchenka", "Shevchenko") match streets on it.
    search_latin = models.CharField(
        _("Latin search key"), max_length=400, blank=True, editable=False
    )

    history = HistoricalRecords(
        verbose_name=_("historical street"), excluded_fields=["search_name", "search_latin"]
    )
    objects = StreetQuerySet.as_manager()

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["settlement__name_uk", "name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["settlement", "kind", "name"], name="street_unique_kind_name"
            ),
        ]
        indexes = [
            # Search finds names in StreetKey, then their streets through these.
            models.Index(fields=["search_name"], name="street_search_name"),
            models.Index(fields=["search_latin"], name="street_search_latin"),
        ]

    def __str__(self):
        # The village too: every village has its "вулиця Центральна", and the admin's
        # street picker and filter list streets by this (StreetAdmin selects the village).
        return f"{self.label} ({self.settlement.name_uk})"

    @property
    def label(self) -> str:
        """The street as its village writes it: "вулиця Шевченка"."""
        return f"{self.get_kind_display()} {self.name}"

    def save(self, *args, **kwargs):
        self.search_latin = searchkeys.latin_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_latin"}
        super().save(*args, **kwargs)


class StreetKey(models.Model):
    """One distinct pair of street search keys (`Street.search_name`, `search_latin`).

    Street names repeat from village to village (every village has its Шевченка), so the
    trigram match of a search runs over these few distinct keys, not over every street:
    at 16,740 streets with 1,162 distinct names that is 14 times fewer rows to score.
    Kept by triggers on addresses_street (migration 0009), so that COPY, bulk writes,
    renames and deletions keep it right; a key no street has any more is removed.
    """

    search_name = models.CharField(_("search name"), max_length=200)
    search_latin = models.CharField(_("Latin search key"), max_length=400)

    class Meta:
        verbose_name = _("street search key")
        verbose_name_plural = _("street search keys")
        constraints = [
            models.UniqueConstraint(
                fields=["search_name", "search_latin"], name="street_key_unique"
            ),
        ]
        indexes = [
            GinIndex(
                fields=["search_name"], name="street_key_name_trgm", opclasses=["gin_trgm_ops"]
            ),
            GinIndex(
                fields=["search_latin"], name="street_key_latin_trgm", opclasses=["gin_trgm_ops"]
            ),
        ]

    def __str__(self):
        return self.search_name


class Address(VersionedModel):
    """One official address: a house number on a street, with its point and households.

    `house_number` is the normalized display form ("12А", "5/1", "12 корп. 2");
    `number`, `letter`, `fraction` and `building` are its parsed parts (see
    addresses.compute). Addresses are retired, never deleted, so their history stays.
    """

    class BuildingUse(models.TextChoices):
        RESIDENTIAL = "residential", _("residential")
        NON_RESIDENTIAL = "non_residential", _("non-residential")
        MIXED = "mixed", _("mixed")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        RETIRED = "retired", _("retired")

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="addresses", verbose_name=_("street")
    )
    settlement = models.ForeignKey(
        Settlement,
        on_delete=models.PROTECT,
        related_name="addresses",
        verbose_name=_("settlement"),
    )
    house_number = models.CharField(_("house number"), max_length=20)
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(9999)]
    )
    number_to = models.PositiveSmallIntegerField(
        _("last number of a range"),
        null=True,
        blank=True,
        help_text=_("For a range such as 12-14: 14."),
    )
    letter = models.CharField(_("letter"), max_length=1, blank=True)
    fraction = models.PositiveSmallIntegerField(_("fraction"), null=True, blank=True)
    building = models.PositiveSmallIntegerField(_("building (корпус)"), null=True, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=5, blank=True, validators=[postcode_validator]
    )
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    building_use = models.CharField(
        _("building use"),
        max_length=16,
        choices=BuildingUse.choices,
        default=BuildingUse.RESIDENTIAL,
    )
    households = models.PositiveIntegerField(_("households"), default=0)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    registry_id = models.CharField(
        _("national register id"),
        max_length=64,
        blank=True,
        help_text=_("The id of this address in the national address register (ЄДЕССБ)."),
    )
    verified = models.BooleanField(_("verified"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords(verbose_name=_("historical address"))
    objects = AddressQuerySet.as_manager()

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        # Natural order of house numbers: 2 < 10 < 12 < 12-14 < 12/1 < 12/2 < 12/10 < 12А.
        ordering = [
            "settlement__name_uk",
            "street__name",
            "number",
            "letter",
            F("fraction").asc(nulls_first=True),
            F("number_to").asc(nulls_first=True),
            F("building").asc(nulls_first=True),
            "house_number",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "house_number"],
                condition=Q(status="active"),
                name="address_unique_active_number",
            ),
            models.UniqueConstraint(
                fields=["registry_id"],
                condition=~Q(registry_id=""),
                name="address_unique_registry_id",
            ),
            models.CheckConstraint(
                condition=Q(postcode="") | Q(postcode__regex=r"^\d{5}$"),
                name="address_postcode_5_digits",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=9999), name="address_number_range"
            ),
        ]
        indexes = [
            # Metric KNN for reverse geocoding: `<->` on this expression is in metres.
            GistIndex(Transform("location", settings.METRIC_SRID), name="address_location_metric"),
            models.Index(fields=["settlement", "status"], name="address_settlement_status"),
        ]

    def __str__(self):
        return f"{self.street.label}, {self.house_number}"

    @property
    def label(self) -> str:
        """The full display address, "Дмитрівка, вул. Шевченка, 12А" (reads street, settlement)."""
        return compute.address_label(
            self.settlement.name_uk, self.street.kind, self.street.name, self.house_number
        )


class FacilityAddress(models.Model):
    """The address a municipal facility stands at.

    Kept on this side so that `layers` knows nothing of `addresses` (dependencies run
    addresses → layers); one facility has at most one address, an address may host many.
    """

    facility = models.OneToOneField(
        Facility,
        on_delete=models.CASCADE,
        related_name="address_link",
        verbose_name=_("facility"),
    )
    address = models.ForeignKey(
        Address,
        on_delete=models.PROTECT,
        related_name="facility_links",
        verbose_name=_("address"),
    )

    history = HistoricalRecords(verbose_name=_("historical facility address"))

    class Meta:
        verbose_name = _("facility address")
        verbose_name_plural = _("facility addresses")

    def __str__(self):
        return f"{self.facility} → {self.address}"
