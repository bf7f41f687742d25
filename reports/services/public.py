"""What residents do with a filed report: "me too", and through the reporter's private
link a comment, a photo, "fixed" / "not fixed".
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidInput
from core.ratelimit import counter_incr, counter_value
from reports import compute
from reports.errors import TooManyRequests
from reports.models import (
    DESCRIPTION_MAX_CHARS,
    Report,
    Status,
    Support,
    Update,
)
from reports.services.filing import (
    PhotoUpload,
    _photos_clean,
    _photos_save,
    client_hash,
)
from reports.services.moderation import report_status_write

# ------------------------------------------------------------------ public: "me too"
SUPPORT_PER_ADDRESS_LIMIT = 60
SUPPORT_PER_ADDRESS_WINDOW_S = 3600


@transaction.atomic
def report_support(*, report: Report, person: str, client_ip: str = "") -> tuple[int, bool]:
    """Count one "me too" per person; return (people, whether this one was new).

    `person` names who says it: "user:<id>" for a signed-in user, "email:<address>" for a
    confirmed e-mail, "device:<token>" for a browser's long-lived random token; only its
    keyed hash is stored. The network address only bounds abuse: at most
    SUPPORT_PER_ADDRESS_LIMIT new "me too"s from one address an hour (a village behind one
    operator's NAT still counts as its people). Raise Conflict when the report is closed,
    TooManyRequests past the limit, InvalidInput without a person.
    """
    if not report.is_open:
        raise Conflict(_("This report is closed."), code="report_closed")
    if not person or ":" not in person:
        raise InvalidInput(_("Who says “me too” is not known."), code="invalid_person")
    key = f"reports:support:{client_hash(client_ip)}" if client_ip else None
    if key and counter_value(key) >= SUPPORT_PER_ADDRESS_LIMIT:
        raise TooManyRequests(
            _("Too many “me too” from your address. Please try again later."),
            retry_after_s=SUPPORT_PER_ADDRESS_WINDOW_S,
        )
    created = Support.objects.get_or_create(report=report, client_hash=client_hash(person))[1]
    if created:
        Report.objects.filter(pk=report.pk).update(supporters_count=_supporters(report))
        if key:
            counter_incr(key, SUPPORT_PER_ADDRESS_WINDOW_S)
    report.refresh_from_db(fields=["supporters_count"])
    return report.supporters_count, created


def _supporters(report: Report) -> int:
    return Support.objects.filter(report=report).count()


# ------------------------------------------------------------------ the reporter's link
@transaction.atomic
def report_follow_up(
    *, report: Report, comment: str = "", photos: list[PhotoUpload] = ()
) -> Update | None:
    """Add the reporter's comment and/or photos (through their private link).

    The comment waits for a moderator when REPORTS_COMMENT_MODERATION is "pre", else it is
    public at once and a moderator may delete it. Raise InvalidInput for an empty or too
    long comment or one holding a phone number or an e-mail address.
    """
    text = compute.plain_text(comment)
    if len(text) > DESCRIPTION_MAX_CHARS:
        raise InvalidInput(
            _("A comment may be at most %d characters.") % DESCRIPTION_MAX_CHARS,
            code="comment_too_long",
        )
    if compute.has_contact_data(text):
        raise InvalidInput(
            _("Please do not write phone numbers or e-mail addresses in a public comment."),
            code="contact_in_comment",
        )
    clean_photos = _photos_clean(list(photos), already=report.photos.count())
    if not text and not clean_photos:
        raise InvalidInput(_("Write a comment or add a photo."), code="empty")
    _photos_save(report, clean_photos, follow_up=True)
    if not text:
        text = _("The reporter added a photo.")
    pending = comments_premoderated()
    return Update.objects.create(
        report=report,
        kind=Update.Kind.COMMENT,
        note=text,
        by_reporter=True,
        is_public=not pending,
        is_pending=pending,
    )


def comments_premoderated() -> bool:
    """Tell whether reporters' comments wait for a moderator (REPORTS_COMMENT_MODERATION)."""
    return getattr(settings, "REPORTS_COMMENT_MODERATION", "post") == "pre"


@transaction.atomic
def report_feedback(*, report: Report, fixed: bool, note: str = "") -> Update:
    """Record the reporter's "fixed" / "not fixed" on a closed report; "not fixed" reopens it.

    Raise Conflict while the report is still open.
    """
    if report.is_open:
        raise Conflict(_("The report is still open."), code="report_open")
    status = Status.FIXED if fixed else Status.NEW
    if fixed:
        note = note or _("The reporter confirms it is fixed.")
    else:
        note = note or _("The reporter says it is not fixed; the report is reopened.")
    return report_status_write(
        report, status, note=note, author=None, kind=Update.Kind.FEEDBACK, by_reporter=True
    )
