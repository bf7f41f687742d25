"""Filing a report: every rule is checked before the first write, so a refused report
leaves nothing behind; its e-mails are queued in its transaction and sent by the task
worker (reports/tasks.py), never on the request path.
"""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput, NotFound
from core.names import is_english
from core.ratelimit import counter_hit
from layers.models import Settlement, Territory
from reports import compute
from reports.errors import (
    OUTSIDE_TERRITORY_MESSAGE,
    OutsideTerritory,
    PhotoRejected,
    TooManyRequests,
)
from reports.models import (
    DESCRIPTION_MAX_CHARS,
    Channel,
    Report,
    Update,
)
from reports.services import intake
from reports.services.photos import PhotoUpload, photos_clean, photos_saved
from reports.states import STAFF_CHANNELS
from reports.tasks import report_filed_mail_task

IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


EMAIL_MAX_CHARS = Report._meta.get_field("reporter_email").max_length
MEDIA_URL_MAX_CHARS = Report._meta.get_field("media_url").max_length


@dataclass(frozen=True)
class Reporter:
    """Who filed the report; private (never shown), except the name when not anonymous."""

    name: str = ""
    email: str = ""
    phone: str = ""
    is_anonymous: bool = True


def client_hash(client_ip: str) -> str:
    """Return a keyed hash of a client address, so addresses are never stored in clear."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip}".encode()).hexdigest()


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` reports per `window_s` seconds counted under the cache key `key`."""

    key: str
    limit: int
    window_s: int
    message: str


def client_rate_limit(client_ip: str) -> RateLimit:
    """The limit of a resident's client address (REPORTS_RATE_LIMIT per window)."""
    return RateLimit(
        key=f"reports:create:{client_hash(client_ip)}",
        limit=settings.REPORTS_RATE_LIMIT,
        window_s=settings.REPORTS_RATE_WINDOW_S,
        message=_("Too many reports from your address. Please try again later."),
    )


# ------------------------------------------------------------------ filing a report
def report_create(*, client_ip: str | None = None, rate_limit=None, **fields) -> Report:
    """File a report: see `_report_create` for the fields and the errors.

    The rate limit is counted inside the report's transaction, as its last statement (one
    commit per report, and the counter's row is locked only until that commit): the
    atomic upsert lets exactly the limit through under concurrency, and a refused or
    rolled-back report gives its count back with the rest. A request already at the limit
    is refused after one read, before any work. A report refused for its photos keeps
    its hit (decoding photos is the costly part an abuser would repeat): it is counted
    again, outside the rolled-back transaction.
    """
    if fields.pop("honeypot", ""):
        raise InvalidInput(_("The form was not filled in by a person."), code="spam")
    _channel_check(fields.get("channel", Channel.WEB), fields.get("created_by"))
    if rate_limit is None and client_ip:
        rate_limit = client_rate_limit(client_ip)
    try:
        return _report_create(rate_limit=rate_limit, **fields)
    except PhotoRejected:
        if rate_limit is not None:
            counter_hit(rate_limit.key, rate_limit.limit, rate_limit.window_s)
        raise


@transaction.atomic
def _report_create(
    *,
    category_code: str,
    lat: float,
    lon: float,
    description: str,
    rate_limit: RateLimit | None = None,
    address_text: str = "",
    answers: dict | None = None,
    photos: list[PhotoUpload] = (),
    reporter: Reporter = Reporter(),
    channel: str = Channel.WEB,
    media_url: str = "",
    created_by=None,
    location_approximate: bool = False,
    idempotency_key: str | None = None,
) -> Report:
    """File a report at (lat, lon), EPSG:4326 degrees, and return it.

    Raise InvalidInput (400) for a filled honeypot, a bad description, contact, answer or
    photo; OutsideTerritory (400) for a place outside every territory; NotFound (404) for
    an unknown or inactive category; TooManyRequests (429) past REPORTS_RATE_LIMIT reports
    per client address per REPORTS_RATE_WINDOW_S seconds. Staff channels (phone, visit,
    paper) need `created_by`. `rate_limit` replaces the client address's limit (an Open311
    client's api_key has its own). `nearest_address` is set to the nearest active address of the
    register within 150 m (addresses' reverse geocoding), else left empty. A report of a
    private category is private (never public). `idempotency_key` is stored unique: use
    report_create_once to file a report that may be sent twice. Its mail (staff, reporter,
    subscribers) is queued for the task worker in this transaction, never sent here.
    """
    point = _point_parse(lat, lon)
    facts = intake.intake_facts(
        category_code=category_code,
        lat=point.y,
        lon=point.x,
        counter_key=rate_limit.key if rate_limit else "",
    )
    if rate_limit is not None and facts.counted >= rate_limit.limit:
        raise TooManyRequests(str(rate_limit.message), retry_after_s=rate_limit.window_s)
    if facts.category_key is None:
        raise NotFound(
            _("No active category with code '%s'.") % category_code, code="unknown_category"
        )
    if not facts.in_territory:
        raise OutsideTerritory(str(OUTSIDE_TERRITORY_MESSAGE))
    cached = intake.category_cached(category_code, facts.category_key)
    category = cached.category
    text = description_clean(description, has_media=bool(photos or media_url))
    clean_answers = _answers_clean(cached.questions, answers or {})
    clean_reporter = _reporter_clean(reporter)
    clean_photos = photos_clean(photos, already=0)
    if media_url:
        _url_check(media_url)
    report_id, now = _report_id_next(), timezone.now()
    report = Report.objects.create(
        pk=report_id,
        number=report_number(now.year, report_id),
        category=category,
        description=text,
        location=point,
        location_approximate=location_approximate,
        settlement_id=facts.settlement_id,
        nearest_address_id=facts.nearest_address_id,
        address_text=compute.plain_text(address_text)[:300],
        reporter_name=clean_reporter.name,
        reporter_email=clean_reporter.email,
        reporter_phone=clean_reporter.phone,
        is_anonymous=clean_reporter.is_anonymous,
        channel=channel,
        is_approved=not category.moderate_first,
        is_private=category.is_private,
        idempotency_key=idempotency_key or None,
        answers=clean_answers,
        media_url=media_url,
        created_by=created_by,
    )
    if report.created_at.year != now.year:  # filed across midnight of 31 December (UTC)
        report.number = report_number(report.created_at.year, report.pk)
        report.save(update_fields=["number"])
    with photos_saved(report, clean_photos):
        Update.objects.create(report=report, kind=Update.Kind.CREATED, new_status=report.status)
        report_filed_mail_task.enqueue(report.pk)
        if rate_limit is not None:  # last: the counter's row stays locked until the commit
            _rate_limit_take(rate_limit)
    return report


def report_number(year: int, report_id: int) -> str:
    """Return the public number of a report: the year it was filed (UTC) and its id."""
    return f"{year}-{report_id:05d}"


def _report_id_next() -> int:
    """Draw the next id from the reports table's identity sequence.

    The number holds the id; drawn first, the number goes into the one INSERT instead of
    a placeholder followed by an UPDATE (a second row version, and a second round of
    every post_save receiver, for each report).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Report._meta.db_table])
        return cursor.fetchone()[0]


def report_create_once(*, idempotency_key: str, **fields) -> tuple[Report, bool]:
    """File a report unless one with this key was filed already; return (report, created).

    The offline form sends a random key with every draft; a send that is retried (the
    answer was lost with the signal) gets the report filed the first time, not a second
    one, even when both sends arrive at once (the key's unique index decides). Raise
    InvalidInput for a malformed key, and what report_create raises.
    """
    if not IDEMPOTENCY_KEY.fullmatch(idempotency_key or ""):
        raise InvalidInput(
            _("The idempotency key must be 16–64 letters, digits, - or _."),
            code="invalid_idempotency_key",
        )
    existing = Report.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return report_create(idempotency_key=idempotency_key, **fields), True
    except IntegrityError:
        existing = Report.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing, False


def _channel_check(channel: str, created_by) -> None:
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel '%s'.") % channel, code="invalid_channel")
    if channel in STAFF_CHANNELS and created_by is None:
        raise InvalidInput(
            _("Only a staff member files a report received by phone, visit or paper."),
            code="invalid_channel",
        )


def _rate_limit_take(rate_limit: RateLimit) -> None:
    if not counter_hit(rate_limit.key, rate_limit.limit, rate_limit.window_s):
        raise TooManyRequests(str(rate_limit.message), retry_after_s=rate_limit.window_s)


def _point_parse(lat: float, lon: float) -> Point:
    """Return the point (EPSG:4326) of decimal degrees; InvalidInput when not numbers in range."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise InvalidInput(
            _("Latitude and longitude must be numbers."), code="invalid_location"
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput(_("Latitude or longitude out of range."), code="invalid_location")
    return Point(lon, lat, srid=4326)


def point_in_territory(lat: float, lon: float) -> Point:
    """Return the point, or raise OutsideTerritory when no territory contains it."""
    point = _point_parse(lat, lon)
    if not Territory.objects.filter(boundary__intersects=point).exists():
        raise OutsideTerritory(str(OUTSIDE_TERRITORY_MESSAGE))
    return point


def settlement_for_point(point: Point) -> Settlement | None:
    """Return the settlement containing the point, else the nearest within 2 km, else None.

    Its geometries are deferred: a report needs the village's id and name, and reading
    the boundary would move and parse a polygon per report.
    """
    settlements = Settlement.objects.defer("boundary", "centre")
    inside = settlements.containing(point).first()
    if inside is not None:
        return inside
    nearest = settlements.with_distance_m(point).first()
    if nearest is not None and nearest.distance.m <= settings.LOCATE_NEAREST_MAX_M:
        return nearest
    return None


def description_clean(description: str, *, has_media: bool) -> str:
    text = compute.plain_text(description)
    if len(text) > DESCRIPTION_MAX_CHARS:
        raise InvalidInput(
            _("The description may be at most %(max)d characters; it has %(n)d.")
            % {"max": DESCRIPTION_MAX_CHARS, "n": len(text)},
            code="description_too_long",
        )
    if not text and not has_media:
        raise InvalidInput(_("Please describe the problem."), code="description_required")
    return text


def _answers_clean(questions, raw: dict) -> dict:
    try:
        return compute.answers_clean(list(questions), raw, english=is_english())
    except compute.AnswerError as exc:
        problems = [problem.translated(_) for problem in exc.details]
        raise InvalidInput("; ".join(problems), code="invalid_answers", details=problems) from None


def _reporter_clean(reporter: Reporter) -> Reporter:
    email = reporter.email.strip()
    if email:
        try:
            if len(email) > EMAIL_MAX_CHARS:  # the column's length (RFC 5321 paths)
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            raise InvalidInput(
                _("The e-mail address is not valid."), code="invalid_email"
            ) from None
    phone = reporter.phone.strip()
    if phone and not compute.phone_is_plausible(phone):
        raise InvalidInput(_("The phone number is not valid."), code="invalid_phone")
    name = compute.plain_text(reporter.name)[:200]
    return Reporter(name=name, email=email, phone=phone, is_anonymous=reporter.is_anonymous)


def _url_check(url: str) -> None:
    if len(url) > MEDIA_URL_MAX_CHARS:
        raise InvalidInput(
            _("media_url may be at most %(max)d characters.") % {"max": MEDIA_URL_MAX_CHARS},
            code="invalid_media_url",
        )
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise InvalidInput(
            _("media_url is not an http(s) URL."), code="invalid_media_url"
        ) from None
