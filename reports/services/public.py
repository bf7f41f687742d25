"""What residents do with a filed report: "me too", and through the reporter's private
link a comment, a photo, "fixed" / "not fixed".
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidInput, NotFound
from core.ratelimit import counter_incr, counter_value
from reports import compute, notify, selectors
from reports.errors import TooManyRequests
from reports.models import (
    DESCRIPTION_MAX_CHARS,
    Photo,
    Report,
    Status,
    Support,
    Update,
)
from reports.services.filing import client_hash
from reports.services.moderation import report_status_write
from reports.services.photos import PhotoUpload, photos_clean, photos_saved
from reports.services.subscriptions import email_clean

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

    The rule for one person with several identities: the count is the number of distinct
    people, and an identity already linked to a person who counted adds nothing. An
    e-mail confirmed in a browser (support_email_confirm) links that browser's device or
    account with the address, whichever said "me too" first: a device "me too" followed
    by the e-mail one from the same browser counts once, and so does the other order.
    A browser that counted alone and then confirms an address that counted elsewhere is
    merged into it (the count drops by one). Two different addresses are always two
    people, even confirmed in one shared browser: a browser already linked to one address
    is not linked to a second.
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
    return _support_add(report, _identity(person), None, key)


def _identity(person: str) -> tuple[str, str]:
    """Return (Support.Kind, keyed hash) of a person key such as "device:<token>"."""
    kind = person.split(":", 1)[0]
    return (kind if kind in Support.Kind.values else Support.Kind.UNKNOWN), client_hash(person)


def _support_add(
    report: Report,
    who: tuple[str, str],
    browser: tuple[str, str] | None,
    limit_key: str | None,
) -> tuple[int, bool]:
    """Store the "me too" of identity `who` (kind, hash), linked with the `browser` it was
    confirmed in (kind, hash) as report_support's rule says; return (people, whether a new
    person was counted). The report row is locked, so concurrent "me too"s of one report
    are counted and linked one after the other."""
    list(Report.objects.select_for_update().filter(pk=report.pk).values_list("pk"))
    mine = _support_of(report, who)
    theirs = _support_of(report, browser) if browser else None
    added = False
    if mine is None and theirs is not None and not _has_other_email(theirs, who):
        _support_adopt(theirs, who, browser)  # the browser's "me too" was this person's
    elif mine is None:
        mine, added = Support.objects.create(report=report, client_hash=who[1], kind=who[0]), True
        if browser and theirs is None:
            _support_link(mine, [_tag(*browser)])
    elif browser and theirs is None:
        _support_link(mine, [_tag(*browser)])
    elif theirs is not None and theirs.pk != mine.pk and not _has_other_email(theirs, who):
        _support_link(mine, [_primary_tag(theirs, browser), *theirs.linked])
        theirs.delete()  # it was this person all along: the count drops by one
    people = report.supports.count()
    Report.objects.filter(pk=report.pk).exclude(supporters_count=people).update(
        supporters_count=people
    )
    report.supporters_count = people
    if added and limit_key:
        counter_incr(limit_key, SUPPORT_PER_ADDRESS_WINDOW_S)
    return people, added


def _tag(kind: str, identity_hash: str) -> str:
    return f"{kind}:{identity_hash}"


def _primary_tag(row: Support, browser: tuple[str, str]) -> str:
    """The tag of a row's own identity; a row made before kinds were kept and found as the
    browser's is that browser's."""
    kind = row.kind or (browser[0] if row.client_hash == browser[1] else "")
    return _tag(kind, row.client_hash)


def _support_of(report: Report, identity: tuple[str, str]) -> Support | None:
    """Return the "me too" of the person an identity is, or is linked to, on the report."""
    kind, identity_hash = identity
    own = Q(client_hash=identity_hash) | Q(linked__contains=[_tag(kind, identity_hash)])
    return report.supports.filter(own).first()


def _has_other_email(row: Support, who: tuple[str, str]) -> bool:
    """Tell whether the person of `row` has an e-mail address other than `who`'s (an
    address, when known, is always the row's own identity)."""
    return row.kind == Support.Kind.EMAIL and row.client_hash != who[1]


def _support_adopt(row: Support, who: tuple[str, str], browser) -> None:
    """Make `who` (an e-mail) the identity of the browser's "me too", keeping the
    browser's own identity linked to it."""
    row.linked = [*row.linked, _primary_tag(row, browser)]
    row.client_hash, row.kind = who[1], who[0]
    row.save(update_fields=["linked", "client_hash", "kind"])


def _support_link(row: Support, tags: list[str]) -> None:
    row.linked = [*row.linked, *(tag for tag in tags if tag not in row.linked)]
    row.save(update_fields=["linked"])


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
    email = email_clean(email).lower()
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
def support_email_confirm(*, token: str, browser: str | None = None) -> tuple[Report, bool]:
    """Count the "me too" of a confirmed address once; return (report, whether new).

    `browser` is the person key of the browser the link is confirmed in ("device:<token>"
    or "user:<id>", reports/people.py): it is linked with the address as report_support
    says, so the same browser's device "me too", before or after, does not count again.
    A link confirmed again (replayed, or in another browser) counts nothing more. Raise
    NotFound for a bad or expired link, Conflict when the report has closed meanwhile.
    """
    report, person_hash = support_email_report(token=token)
    if not report.is_open:
        raise Conflict(_("This report is closed."), code="report_closed")
    confirming = _identity(browser) if browser and ":" in browser else None
    added = _support_add(report, (Support.Kind.EMAIL, person_hash), confirming, None)[1]
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
    clean_photos = photos_clean(
        list(photos), already=Photo.everything.filter(report=report).count()
    )
    if not text and not clean_photos:
        raise InvalidInput(_("Write a comment or add a photo."), code="empty")
    with photos_saved(report, clean_photos, follow_up=True):
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
