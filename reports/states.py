"""A report's life cycle: its states, which of them count as open, the transitions staff
may make between them, and the channels a report arrives by.

Kept apart from models.py so that querysets and models both read it without importing
each other. Every status change (the moderation workbench, the admin, the demo) asks
`transition_check`, so no surface can move a report backwards (fixed → new) silently.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    NEW = "new", _("new")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    IN_PROGRESS = "in_progress", _("in progress")
    FIXED = "fixed", _("fixed")
    CLOSED_NOT_FIXED = "closed_not_fixed", _("closed – not fixed")
    DUPLICATE = "duplicate", _("duplicate")
    NOT_RESPONSIBLE = "not_responsible", _("not our responsibility")


OPEN_STATUSES = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS})
CLOSED_STATUSES = frozenset(set(Status) - OPEN_STATUSES)

# Forward only while open; a closed report comes back only by a reopening with a reason.
_ENDINGS = (Status.FIXED, Status.CLOSED_NOT_FIXED, Status.DUPLICATE, Status.NOT_RESPONSIBLE)
_REOPENINGS = (Status.ACKNOWLEDGED, Status.IN_PROGRESS)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.ACKNOWLEDGED, Status.IN_PROGRESS, *_ENDINGS),
    Status.ACKNOWLEDGED: (Status.IN_PROGRESS, *_ENDINGS),
    Status.IN_PROGRESS: _ENDINGS,
    **dict.fromkeys(_ENDINGS, _REOPENINGS),
}


class TransitionError(ValueError):
    """A status change the life cycle refuses; `code` says why."""

    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.code = code


def transitions_from(status: str) -> tuple[str, ...]:
    """Return the statuses a report in `status` may move to, in workflow order."""
    return TRANSITIONS.get(status, ())


def is_reopening(old: str, new: str) -> bool:
    """Tell whether moving from `old` to `new` reopens a closed report."""
    return old in CLOSED_STATUSES and new in OPEN_STATUSES


def transition_check(old: str, new: str, *, reason: str = "") -> None:
    """Raise TransitionError unless a report may move from `old` to `new`.

    A reopening (closed → open) needs a non-empty `reason`.
    """
    if new not in transitions_from(old):
        raise TransitionError(
            _("A report cannot go from “%(old)s” to “%(new)s”.")
            % {"old": Status(old).label, "new": Status(new).label},
            code="transition_not_allowed",
        )
    if is_reopening(old, new) and not reason.strip():
        raise TransitionError(_("Say why the report is reopened."), code="reason_required")


class Channel(models.TextChoices):
    """How a report reached the community; planning counts the electronic ones."""

    WEB = "web", _("web")
    API = "api", _("API")
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("phone")
    VISIT = "visit", _("visit")
    PAPER = "paper", pgettext_lazy("channel", "letter")  # not a house number's letter


# The e-appeals indicator of the IT strategy: appeals submitted electronically.
ELECTRONIC_CHANNELS = frozenset({Channel.WEB, Channel.API, Channel.EMAIL})
# Channels only a staff member files (a resident called, came in, wrote or e-mailed).
STAFF_CHANNELS = frozenset({Channel.PHONE, Channel.VISIT, Channel.PAPER, Channel.EMAIL})
