"""Problem reports (звернення) filed by residents, their categories and what follows them.

Locations are stored in EPSG:4326 (DESIGN.md §3). A reporter's name, e-mail and phone are
private (DESIGN.md §7): no public page, API or Open311 response reads them.
"""

import secrets
import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.locking import VersionedModel
from reports.querysets import ReportQuerySet
from reports.states import OPEN_STATUSES, Channel, Status

DESCRIPTION_MAX_CHARS = 4000
PHOTOS_MAX = 3
API_KEY_REPORTS_PER_HOUR = 300


def new_secret() -> str:
    """An unguessable URL-safe token (about 190 bits)."""
    return secrets.token_urlsafe(32)


class Category(VersionedModel):
    """A kind of problem residents can report; an Open311 "service"."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    group = models.CharField(_("group"), max_length=100, blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    notify_email = models.EmailField(_("notification e-mail"), blank=True)
    moderate_first = models.BooleanField(
        _("moderate first"),
        default=False,
        help_text=_("New reports stay unpublished until a moderator approves them."),
    )
    is_coverage_complaint = models.BooleanField(
        _("coverage complaint"),
        default=False,
        help_text=_("Reports of this category mean “no internet / mobile signal here”."),
    )
    notice_uk = models.TextField(
        _("notice on the form (Ukrainian)"),
        blank=True,
        help_text=_("Shown on the report form when this category is chosen."),
    )
    notice_en = models.TextField(_("notice on the form (English)"), blank=True)
    is_private = models.BooleanField(
        _("private"),
        default=False,
        help_text=_("Reports of this category are never published; they go straight to staff."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name_uk"]

    def __str__(self):
        return self.name_uk

    @property
    def name(self) -> str:
        """The name in the active language (English falls back to Ukrainian)."""
        return _localised(self.name_uk, self.name_en)

    @property
    def notice(self) -> str:
        """The form's notice in the active language (English falls back to Ukrainian)."""
        return _localised(self.notice_uk, self.notice_en)


def _localised(uk: str, en: str) -> str:
    return en if en and (get_language() or "uk").startswith("en") else uk


class Question(models.Model):
    """An extra question a category asks (an Open311 service definition attribute)."""

    class Datatype(models.TextChoices):
        STRING = "string", _("string")
        NUMBER = "number", _("number")
        DATETIME = "datetime", _("date and time")
        TEXT = "text", _("text")
        SINGLE = "singlevaluelist", _("single choice")
        MULTI = "multivaluelist", _("multiple choice")

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="questions", verbose_name=_("category")
    )
    code = models.SlugField(_("code"), max_length=40)
    text_uk = models.CharField(_("question (Ukrainian)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    hint = models.CharField(_("hint"), max_length=300, blank=True)
    datatype = models.CharField(_("type"), max_length=16, choices=Datatype.choices)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For choice questions: [{"key": "…", "name": "…"}, …].'),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="question_unique_code"),
        ]

    def __str__(self):
        return self.text_uk

    @property
    def text(self) -> str:
        """The question in the active language (English falls back to Ukrainian)."""
        return _localised(self.text_uk, self.text_en)

    @property
    def localised_choices(self) -> list[dict]:
        """The choices as {"key", "name"}, named in the active language (a choice's
        "name_en" on English pages when it has one, else its Ukrainian "name")."""
        return [
            {
                "key": choice["key"],
                "name": _localised(choice.get("name", ""), choice.get("name_en", "")),
            }
            for choice in self.choices
        ]

    @property
    def choice_keys(self) -> list[str]:
        return [str(choice["key"]) for choice in self.choices]


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


class Photo(models.Model):
    """A photo of a report, re-encoded as JPEG without EXIF, with its thumbnail."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report")
    )
    image = models.ImageField(_("image"), upload_to=photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=thumbnail_path)
    width = models.PositiveIntegerField(_("width, px"))
    height = models.PositiveIntegerField(_("height, px"))
    from_reporter_follow_up = models.BooleanField(_("added later by the reporter"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.image.name


class Update(models.Model):
    """One entry of a report's history: a status change, a comment or the reporter's word."""

    class Kind(models.TextChoices):
        CREATED = "created", _("filed")
        STATUS = "status", _("status changed")
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


class ResponseTemplate(VersionedModel):
    """A public update text offered to a moderator moving a report to a status.

    One for a category, or for every category when the category is empty; the moderator
    edits it before sending.
    """

    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="response_templates",
        verbose_name=_("category"),
        help_text=_("Empty: for every category without its own text."),
    )
    text_uk = models.TextField(_("text (Ukrainian)"), max_length=DESCRIPTION_MAX_CHARS)
    text_en = models.TextField(_("text (English)"), blank=True, max_length=DESCRIPTION_MAX_CHARS)

    class Meta:
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")
        ordering = ["status", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["status", "category"],
                name="response_template_once",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return f"{self.get_status_display()}: {self.text_uk[:40]}"


class Support(models.Model):
    """One person's "me too" for a report: the report counts these rows.

    `client_hash` is a keyed hash of who said it: a signed-in user, a confirmed e-mail or
    a device token kept by a browser (never a network address, which a whole village
    shares behind its mobile operator); `kind` says which. `linked` holds the hashes of
    the person's other identities, as "<kind>:<hash>" (a device or an account shown to be
    theirs by confirming the e-mail in that browser); a person's e-mail, when known, is
    always `client_hash` (reports/services/public.py, `report_support`, has the rule).
    """

    class Kind(models.TextChoices):
        USER = "user", _("signed-in user")
        EMAIL = "email", _("confirmed e-mail")
        DEVICE = "device", _("device")
        # Rows made before identities were linked.
        UNKNOWN = "", _("unknown")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="supports")
    client_hash = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, choices=Kind.choices, blank=True, default="")
    linked = ArrayField(models.CharField(max_length=72), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("“me too”")
        verbose_name_plural = _("“me too”")
        constraints = [
            models.UniqueConstraint(fields=["report", "client_hash"], name="support_once"),
        ]


class Subscription(models.Model):
    """An e-mail subscription to new public reports near a point, in a village or in a
    category (one of the three)."""

    email = models.EmailField(_("e-mail"))
    centre = models.PointField(_("centre"), srid=4326, null=True, blank=True)
    radius_m = models.PositiveIntegerField(_("radius, m"), null=True, blank=True)
    settlement = models.ForeignKey(
        "layers.Settlement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("settlement"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    is_confirmed = models.BooleanField(_("confirmed"), default=False)
    token = models.CharField(max_length=64, unique=True, default=new_secret, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(settlement__isnull=False, centre__isnull=True, category__isnull=True)
                    | models.Q(
                        settlement__isnull=True,
                        centre__isnull=False,
                        radius_m__gt=0,
                        category__isnull=True,
                    )
                    | models.Q(settlement__isnull=True, centre__isnull=True, category__isnull=False)
                ),
                name="subscription_one_kind",
            ),
        ]

    def __str__(self):
        return self.email


class ApiKey(models.Model):
    """A key an Open311 client sends as api_key to file reports; only its hash is stored."""

    name = models.CharField(_("client"), max_length=200)
    prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    reports_per_hour = models.PositiveIntegerField(
        _("reports per hour"),
        default=API_KEY_REPORTS_PER_HOUR,
        validators=[MinValueValidator(1)],
        help_text=_(
            "At most this many reports per hour with this key. A key stands for a whole "
            "system (a hotline, a regional portal) filing for many residents, so it has its "
            "own limit instead of the per-address one."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
