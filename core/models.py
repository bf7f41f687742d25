"""The ground floor's data: rate-limit counters and the audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    """A count of events under a hashed key (a client address, a username…) over a fixed
    window ending at `expires_at`: rate limits and login lock-outs (core.ratelimit).

    Kept in PostgreSQL so that every web worker and process counts in one place, and
    changed only by single atomic statements (INSERT … ON CONFLICT DO UPDATE … RETURNING).
    """

    key = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")

    def __str__(self):
        return f"{self.key}={self.count}"


class AuditEntry(models.Model):
    """One write by a staff member: who did what to which object, when, and the changes
    ({field: [old, new]}). Written by `core.audit.record`; read by administrators."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"
