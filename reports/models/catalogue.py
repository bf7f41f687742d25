"""What residents can report: categories and the extra questions each one asks."""

from django.contrib.gis.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.locking import VersionedModel


class Category(VersionedModel):
    """A kind of problem residents can report; an Open311 "service"."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description (Ukrainian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
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
    def description_local(self) -> str:
        """The description in the active language (English falls back to Ukrainian)."""
        return _localised(self.description, self.description_en)

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
