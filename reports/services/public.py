"""What residents do with a filed report: "me too", and through the reporter's private
link a comment, a photo, "fixed" / "not fixed".
"""

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidInput
from reports import compute
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
@transaction.atomic
def report_support(*, report: Report, client_ip: str) -> tuple[int, bool]:
    """Count one "me too" per client address; return (supporters, whether it was new).

    Raise Conflict when the report is closed (nothing left to support).
    """
    if not report.is_open:
        raise Conflict(_("This report is closed."), code="report_closed")
    created = Support.objects.get_or_create(report=report, client_hash=client_hash(client_ip))[1]
    if created:
        Report.objects.filter(pk=report.pk).update(supporters_count=_supporters(report))
    report.refresh_from_db(fields=["supporters_count"])
    return report.supporters_count, created


def _supporters(report: Report) -> int:
    return Support.objects.filter(report=report).count()


# ------------------------------------------------------------------ the reporter's link
@transaction.atomic
def report_follow_up(
    *, report: Report, comment: str = "", photos: list[PhotoUpload] = ()
) -> Update | None:
    """Add the reporter's comment and/or photos (through their private link)."""
    text = compute.plain_text(comment)
    if len(text) > DESCRIPTION_MAX_CHARS:
        raise InvalidInput(
            _("A comment may be at most %d characters.") % DESCRIPTION_MAX_CHARS,
            code="comment_too_long",
        )
    clean_photos = _photos_clean(list(photos), already=report.photos.count())
    if not text and not clean_photos:
        raise InvalidInput(_("Write a comment or add a photo."), code="empty")
    _photos_save(report, clean_photos, follow_up=True)
    if not text:
        text = _("The reporter added a photo.")
    return Update.objects.create(
        report=report, kind=Update.Kind.COMMENT, note=text, by_reporter=True
    )


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
