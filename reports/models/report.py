"""A problem report (звернення), its photos and its history.

Locations are stored in EPSG:4326 (DESIGN.md §3). A reporter's name, e-mail and phone are
private (DESIGN.md §7): no public page, API or Open311 response reads them.
"""

import secrets
import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from reports.models.catalogue import Category
from reports.querysets import ReportQuerySet
from reports.states import OPEN_STATUSES, Channel, Status

DESCRIPTION_MAX_CHARS = 4000
PHOTOS_MAX = 3
API_KEY_REPORTS_PER_HOUR = 300


def new_secret() -> str:
    """An unguessable URL-safe token (about 190 bits)."""
    return secrets.token_urlsafe(32)


class Report(models.Model):
    """A geotagged problem report filed by a resident (or by staff on their behalf)."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="reports", verbose_name=_("category")
    )
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_CHARS)
    location = models.PointField(_("location"), srid=4326)
    location_approximate = models.BooleanField(
        _("location approximate"),
        default=False,
        help_text=_("Placed from an address text, not a point the reporter chose."),
    )
    settlement = models.ForeignKey(
        "layers.Settlement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("settlement"),
    )
    address_text = models.CharField(_("address"), max_length=300, blank=True)
    nearest_address = models.ForeignKey(
        "addresses.Address",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nearest address"),
        help_text=_("The nearest active address of the register within 150 m, set on filing."),
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=40, blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=True)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.WEB
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    supporters_count = models.PositiveIntegerField(_("supporters (“me too”)"), default=0)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    is_private = models.BooleanField(
        _("private"),
        default=False,
        help_text=_("Filed in a private category: never public, seen only by staff."),
    )
    is_verified = models.BooleanField(
        _("verified"), default=False, help_text=_("A staff member checked it (reason in history).")
    )
    idempotency_key = models.CharField(
        _("idempotency key"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Sent by the offline form: a repeated send returns this report."),
    )
    is_approved = models.BooleanField(
        _("approved"), default=True, help_text=_("False while waiting for moderation.")
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    media_url = models.URLField(_("media URL (Open311)"), max_length=500, blank=True)
    follow_token = models.CharField(
        _("follow token"), max_length=64, unique=True, default=new_secret, editable=False
    )
    open311_token = models.UUIDField(
        _("Open311 token"), unique=True, default=uuid.uuid4, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filed by staff member"),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["category", "status"], name="report_category_status")]

    def __str__(self):
        return f"№ {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_public(self) -> bool:
        return self.is_approved and not self.is_hidden and not self.is_private

    @property
    def version(self) -> str:
        """The stamp a staff form carries to detect a change made meanwhile."""
        return self.updated_at.isoformat()


def photo_path(instance, filename: str) -> str:
    return f"reports/photos/{uuid.uuid4().hex}.jpg"


def thumbnail_path(instance, filename: str) -> str:
    return f"reports/thumbs/{uuid.uuid4().hex}.jpg"


def upload_path(instance, filename: str) -> str:
    # Outside reports/: no URL serves it (reports.views.photo_file serves reports/ only);
    # it still has its EXIF (a GPS position) until the task worker deletes it.
    return f"photo-uploads/{uuid.uuid4().hex}.bin"


class ReadyPhotoManager(models.Manager):
    """Photos whose stored copy is made: what every page, API and file view shows."""

    def get_queryset(self):
        return super().get_queryset().filter(upload="")


class Photo(models.Model):
    """A photo of a report, re-encoded as JPEG without EXIF, with its thumbnail.

    Filed with only `upload`, the file as sent; the task worker makes `image` (≤ 2560 px)
    and `thumbnail` from it and deletes it (reports.services.photos.photo_finish), so
    `upload` is empty once the photo is ready. `objects` (the default manager, and so
    `report.photos`) holds ready photos only; `everything` holds the waiting ones too.
    """

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report")
    )
    image = models.ImageField(_("image"), upload_to=photo_path, blank=True)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=thumbnail_path, blank=True)
    # Of the stored copy; of the file as sent while the photo waits for it.
    width = models.PositiveIntegerField(_("width, px"))
    height = models.PositiveIntegerField(_("height, px"))
    from_reporter_follow_up = models.BooleanField(_("added later by the reporter"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    upload = models.FileField(_("file as sent"), upload_to=upload_path, blank=True, editable=False)

    objects = ReadyPhotoManager()
    everything = models.Manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.image.name or self.upload.name


class Update(models.Model):
    """One entry of a report's history: a status change, a comment or the reporter's word."""

    class Kind(models.TextChoices):
        CREATED = "created", _("filed")
        STATUS = "status", _("status changed")
        UPDATE = "update", _("update from the community")
        DUPLICATE = "duplicate", _("marked as duplicate")
        COMMENT = "comment", _("comment")
        FEEDBACK = "feedback", _("reporter's feedback")
        MODERATION = "moderation", _("moderation")

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="updates", verbose_name=_("report")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    old_status = models.CharField(
        _("old status"), max_length=20, choices=Status.choices, blank=True
    )
    new_status = models.CharField(
        _("new status"), max_length=20, choices=Status.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True, max_length=DESCRIPTION_MAX_CHARS)
    is_public = models.BooleanField(_("public"), default=True)
    is_pending = models.BooleanField(
        _("awaiting moderation"),
        default=False,
        help_text=_("A reporter's comment not yet approved by a moderator."),
    )
    by_reporter = models.BooleanField(_("by the reporter"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.report} {self.get_kind_display()}"
