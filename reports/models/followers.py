"""Residents who follow a report: a "me too" and an e-mail subscription."""

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext_lazy as _

from reports.models.catalogue import Category
from reports.models.report import Report, new_secret


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
