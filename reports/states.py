"""A report's life cycle: its states, which of them count as open, and its channels.

Kept apart from models.py so that querysets and models both read it without importing
each other.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("new")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    IN_PROGRESS = "in_progress", _("in progress")
    FIXED = "fixed", _("fixed")
    CLOSED_NOT_FIXED = "closed_not_fixed", _("closed – not fixed")
    DUPLICATE = "duplicate", _("duplicate")
    NOT_RESPONSIBLE = "not_responsible", _("not our responsibility")


OPEN_STATUSES = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS})


class Channel(models.TextChoices):
    WEB = "web", _("web")
    API = "api", _("API")
    PHONE = "phone", _("phone")
    VISIT = "visit", _("visit")
    PAPER = "paper", _("paper")
