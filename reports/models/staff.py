"""What staff keep for their work: reply templates and the API keys of intake partners."""

from django.contrib.gis.db import models
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from core.locking import VersionedModel
from reports.models.catalogue import Category
from reports.models.report import API_KEY_REPORTS_PER_HOUR, DESCRIPTION_MAX_CHARS
from reports.states import Status


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
