"""What the maps app stores: council packs made in the background from the web."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PackJob(models.Model):
    """One council pack being made by the task worker, then kept for download.

    `key` names what the pack holds (paper, the maps' date, the layers printed); while a
    job of a key is queued or running, a second request of the same key gets that job
    (a partial unique index makes this hold across processes). The PDF is stored only
    when the whole pack is drawn, in the same UPDATE that marks the job done, so a job
    that failed midway never offers half a file.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.CharField(_("what the pack holds"), max_length=500)
    paper = models.CharField(_("paper"), max_length=2)
    map_date = models.DateField(_("maps' date"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    pages_done = models.PositiveSmallIntegerField(_("pages drawn"), default=0)
    pages_total = models.PositiveSmallIntegerField(_("pages in all"), default=0)
    error = models.TextField(_("error"), blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, editable=False)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last progress at"), auto_now=True)

    class Meta:
        verbose_name = _("council pack job")
        verbose_name_plural = _("council pack jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(status__in=["queued", "running"]),
                name="maps_packjob_one_active_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
