"""What residents do with a filed report: "me too", and through the reporter's private
link a comment, a photo, "fixed" / "not fixed".
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidInput, NotFound
from core.ratelimit import counter_incr, counter_value
from reports import compute, notify, selectors
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
from reports.services.subscriptions import _email_clean

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
    return _support_add(report, client_hash(person), key)


def _support_add(report: Report, person_hash: str, limit_key: str | None) -> tuple[int, bool]:
    """Store one "me too" under `person_hash` (unique per report: a repeat adds nothing)."""
    key = limit_key
    created = Support.objects.get_or_create(report=report, client_hash=person_hash)[1]
    if created:
        Report.objects.filter(pk=report.pk).update(supporters_count=_supporters(report))
        if key:
            counter_incr(key, SUPPORT_PER_ADDRESS_WINDOW_S)
    report.refresh_from_db(fields=["supporters_count"])
    return report.supporters_count, created


def _supporters(report: Report) -> int:
    return Support.objects.filter(report=report).count()


# ------------------------------------------------------------------ "me too" by e-mail
# As FixMyStreet confirms an update: the letter carries a signed link; its page asks for a
# POST (mail scanners follow GET links). The link holds only a keyed hash of the address,
# so a forwarded link reveals nothing, and one address counts once per report.
SUPPORT_EMAIL_SALT = "reports.support.email"
SUPPORT_EMAIL_LINK_MAX_AGE_S = 7 * 24 * 3600
# Letters to one address a day; letters asked for from one client address an hour.
SUPPORT_EMAILS_PER_ADDRESS_PER_DAY = 5
SUPPORT_EMAILS_PER_CLIENT_PER_HOUR = 20


def support_email_request(*, report: Report, email: str, client_ip: str = "") -> None:
    """E-mail a link that confirms the address's "me too" for `report`.

    Nothing is counted until the link's page is confirmed. Raise InvalidInput for a bad
    address, Conflict for a closed report, TooManyRequests past the per-address and
    per-client limits (a stranger's mailbox cannot be flooded).
    """
    email = _email_clean(email).lower()
    if not report.is_open:
        raise Conflict(_("This report is closed."), code="report_closed")
    person_hash = client_hash(f"email:{email}")
    keys = [(f"reports:support-mail:{person_hash}", SUPPORT_EMAILS_PER_ADDRESS_PER_DAY, 86400)]
    if client_ip:
        keys.append(
            (
                f"reports:support-mail-client:{client_hash(client_ip)}",
                SUPPORT_EMAILS_PER_CLIENT_PER_HOUR,
                3600,
            )
        )
    for key, limit, window_s in keys:
        if counter_value(key) >= limit:
            raise TooManyRequests(
                _("Too many confirmation letters asked for. Please try again later."),
                retry_after_s=window_s,
            )
    for key, _limit, window_s in keys:
        counter_incr(key, window_s)
    token = signing.dumps({"n": report.number, "h": person_hash}, salt=SUPPORT_EMAIL_SALT)
    notify.support_confirm(report, email, token)


def support_email_report(*, token: str) -> tuple[Report, str]:
    """Return the report and the person's hash a "me too" link names; raise NotFound for a
    link that is forged, expired or names no public report."""
    try:
        data = signing.loads(token, salt=SUPPORT_EMAIL_SALT, max_age=SUPPORT_EMAIL_LINK_MAX_AGE_S)
        number, person_hash = str(data["n"]), str(data["h"])
    except (signing.BadSignature, KeyError, TypeError):
        raise NotFound(_("This link is not valid or has expired."), code="bad_link") from None
    return selectors.report_public_get(number), person_hash


@transaction.atomic
def support_email_confirm(*, token: str) -> tuple[Report, bool]:
    """Count the "me too" of a confirmed address once; return (report, whether new).
    Raise NotFound for a bad link, Conflict when the report has closed meanwhile."""
    report, person_hash = support_email_report(token=token)
    if not report.is_open:
        raise Conflict(_("This report is closed."), code="report_closed")
    added = _support_add(report, person_hash, None)[1]
    report.refresh_from_db(fields=["supporters_count"])
    return report, added


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
