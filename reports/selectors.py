"""Reads of reports for the pages, the JSON API and Open311.

Only `PUBLIC_FIELDS`-style reads leave this module for public surfaces: none of them
reads a reporter's e-mail or phone, and the name only of a report that is not anonymous.
"""

import math
import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat, Left, NullIf
from django.utils.translation import gettext as _

from core.errors import InvalidInput, NotFound
from layers import geojson
from reports.models import (
    OPEN_STATUSES,
    Category,
    Photo,
    Question,
    Report,
    Status,
    Subscription,
    Update,
)

DUPLICATE_RADIUS_M = 50
OPEN311_MAX_REQUESTS = 1000


def _first_photo(field: str):
    photos = Photo.objects.filter(report=OuterRef("pk")).order_by("created_at", "id")
    return Subquery(photos.values(field)[:1], output_field=CharField())


def _latest_public_note():
    notes = (
        _public_notes().filter(report=OuterRef("pk")).order_by("-created_at", "-id").values("note")
    )
    return Subquery(notes[:1])


def _public_notes():
    return Update.objects.filter(is_public=True).exclude(note="").exclude(kind=Update.Kind.COMMENT)


def _open311_status():
    return Case(
        When(status__in=list(OPEN_STATUSES), then=Value("open")),
        default=Value("closed"),
    )


REPORT_PROPERTIES = {
    "number": "number",
    "category_code": "category__code",
    "category_name": "category__name_uk",
    "status": "status",
    "open311_status": _open311_status(),
    "settlement_katottg": "settlement__katottg",
    "settlement_name": "settlement__name_uk",
    "address": "address_text",
    "summary": Left("description", 140),
    "supporters": "supporters_count",
    "created_at": "created_at",
    "url": Concat(Value("/reports/"), F("number"), Value("/")),
    # NULL when the report has no photo.
    "thumbnail": NullIf(
        Concat(
            Value(settings.MEDIA_URL),
            Coalesce(_first_photo("thumbnail"), Value("")),
            output_field=CharField(),
        ),
        Value(settings.MEDIA_URL),
    ),
}


# ------------------------------------------------------------------ lists and details
def report_list_geojson(
    *,
    bbox: tuple[float, float, float, float] | None = None,
    statuses: list[str] | None = None,
    category: str | None = None,
    settlement: str | None = None,
) -> str:
    """Return public reports as a GeoJSON FeatureCollection (EPSG:4326), newest first.

    `statuses` may hold our status codes and "open"/"closed"; InvalidInput for others.
    """
    queryset = Report.objects.public().order_by("-created_at", "-id")
    if bbox:
        queryset = queryset.in_bbox(bbox)
    if statuses:
        queryset = queryset.filter(status__in=_statuses_expand(statuses))
    if category:
        queryset = queryset.filter(category__code=category)
    if settlement:
        queryset = queryset.filter(settlement__katottg=settlement)
    return geojson.feature_collection(
        queryset, geometry="location", properties=REPORT_PROPERTIES, id_field="number"
    )


def _statuses_expand(values: list[str]) -> set[str]:
    wanted = set()
    for value in values:
        if value == "open":
            wanted |= set(OPEN_STATUSES)
        elif value == "closed":
            wanted |= set(Status.values) - set(OPEN_STATUSES)
        elif value in Status.values:
            wanted.add(value)
        else:
            allowed = ", ".join(["open", "closed", *Status.values])
            raise InvalidInput(
                _("Unknown status '%(value)s'. Allowed: %(allowed)s.")
                % {"value": value, "allowed": allowed},
                code="invalid_status",
            )
    return wanted


def report_public_get(number: str) -> Report:
    """Return a public report by number with its photos and public history; else NotFound."""
    report = (
        Report.objects.public()
        .select_related(
            "category",
            "settlement",
            "duplicate_of",
            "nearest_address__street",
            "nearest_address__settlement",
        )
        .prefetch_related(
            "photos",
            Prefetch("updates", queryset=Update.objects.filter(is_public=True), to_attr="history"),
        )
        .filter(number=number)
        .first()
    )
    if report is None:
        raise NotFound(_("No public report number %s.") % number, code="report_not_found")
    return report


def photo_for_file(name: str, *, include_private: bool = False) -> tuple[Photo, bool]:
    """Return the photo whose image or thumbnail is stored as `name`, and whether its report
    is public; NotFound when none is, or when the report is not public and not
    `include_private` (staff who may view reports)."""
    photo = (
        Photo.objects.select_related("report")
        .filter(Q(image=name) | Q(thumbnail=name))
        .only("image", "thumbnail", "report__is_approved", "report__is_hidden")
        .first()
    )
    if photo is None or not (photo.report.is_public or include_private):
        raise NotFound(_("No such photo."), code="photo_not_found")
    return photo, photo.report.is_public


def report_for_follow(token: str) -> Report:
    """Return the report a private follow link points at (even if hidden); else NotFound."""
    report = Report.objects.select_related("category", "settlement").filter(follow_token=token)
    report = report.first()
    if report is None:
        raise NotFound(_("This link is not valid."), code="invalid_token")
    return report


def follow_history(report: Report):
    """The reporter's timeline: public updates and their own comments awaiting moderation
    (never staff-only entries)."""
    mine = Q(is_pending=True, by_reporter=True, kind=Update.Kind.COMMENT)
    return report.updates.filter(Q(is_public=True) | mine).order_by("created_at", "id")


def report_public_dict(report: Report) -> dict:
    """Serialise a public report for the JSON API; contact data never included."""
    return {
        "number": report.number,
        "category": report.category.code,
        "category_name": report.category.name_uk,
        "status": report.status,
        "status_name": report.get_status_display(),
        "open311_status": "open" if report.is_open else "closed",
        "description": report.description,
        "lat": round(report.location.y, 6),
        "lon": round(report.location.x, 6),
        "settlement": _settlement_brief(report.settlement),
        "address": report.address_text,
        "reporter": public_reporter_name(report),
        "supporters": report.supporters_count,
        "duplicate_of": report.duplicate_of.number if report.duplicate_of_id else None,
        "answers": report.answers,
        "photos": [
            {"url": photo.image.url, "thumbnail": photo.thumbnail.url}
            for photo in report.photos.all()
        ],
        "history": [_history_dict(update) for update in report.history],
        "created_at": report.created_at.isoformat(),
        "updated_at": report.updated_at.isoformat(),
    }


def answers_display(report: Report) -> list[tuple[str, str]]:
    """The report's answers as (question, answer) texts, choices shown by their names."""
    rows = []
    for question in report.category.questions.all():
        value = report.answers.get(question.code)
        if value in (None, "", []):
            continue
        names = {str(choice["key"]): choice["name"] for choice in question.localised_choices}
        values = value if isinstance(value, list) else [value]
        rows.append((question.text, ", ".join(names.get(str(v), str(v)) for v in values)))
    return rows


def public_reporter_name(report: Report) -> str:
    """The name shown publicly: the reporter's own when they chose not to be anonymous."""
    return "" if report.is_anonymous else report.reporter_name


def _settlement_brief(settlement) -> dict | None:
    if settlement is None:
        return None
    return {"katottg": settlement.katottg, "name_uk": settlement.name_uk}


def _history_dict(update) -> dict:
    return {
        "kind": update.kind,
        "status": update.new_status or None,
        "note": update.note,
        "by_reporter": update.by_reporter,
        "created_at": update.created_at.isoformat(),
    }


def reports_nearby_open(
    *, lat: float, lon: float, category: str, radius_m: float = DUPLICATE_RADIUS_M
) -> list[dict]:
    """Return open public reports of a category within `radius_m` m of a point, nearest first.

    Offered before filing a new report: "is it one of these?".
    """
    point = Point(lon, lat, srid=4326)
    reports = (
        Report.objects.public()
        .open()
        .filter(category__code=category)
        .near(point, radius_m)
        .select_related("category")[:10]
    )
    return [
        {
            "number": report.number,
            "summary": report.description[:140],
            "status": report.status,
            "status_name": report.get_status_display(),
            "supporters": report.supporters_count,
            "distance_m": round(report.distance.m, 1),
            "created_at": report.created_at.isoformat(),
            "url": f"/reports/{report.number}/",
        }
        for report in reports
    ]


def categories_active():
    """Active categories with their questions, in display order."""
    return Category.objects.filter(is_active=True).prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("order", "code"))
    )


def category_dict(category: Category) -> dict:
    return {
        "code": category.code,
        "name_uk": category.name_uk,
        "name_en": category.name_en,
        "description": category.description,
        "group": category.group,
        "moderate_first": category.moderate_first,
        "is_coverage_complaint": category.is_coverage_complaint,
        "questions": [
            {
                "code": question.code,
                "text_uk": question.text_uk,
                "text_en": question.text_en,
                "hint": question.hint,
                "datatype": question.datatype,
                "required": question.required,
                "choices": question.choices,
            }
            for question in category.questions.all()
        ],
    }


# ------------------------------------------------------------------ subscriptions
def subscriptions_for_report(report: Report):
    """Confirmed subscriptions whose village or circle covers the report's location, or
    whose category is the report's."""
    within = RawSQL(
        "ST_DWithin(centre::geography, ST_GeomFromEWKT(%s)::geography, radius_m)",
        (report.location.ewkt,),
        output_field=BooleanField(),
    )
    by_area = Q(centre__isnull=False) & Q(_within=True)
    by_village = Q(settlement_id=report.settlement_id) if report.settlement_id else Q(pk=None)
    by_category = Q(category_id=report.category_id)
    return (
        Subscription.objects.filter(is_confirmed=True)
        .annotate(_within=within)
        .filter(by_village | by_area | by_category)
        .distinct()
    )


# ------------------------------------------------------------------ Open311
def open311_requests(
    *,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: list[str] | None = None,
    near: tuple[float, float, float] | None = None,
):
    """Public reports for Open311 GET requests, newest first, at most 1,000.

    `ids` overrides every other argument (as the specification says); otherwise the
    range [start, end] is applied as given (the caller supplies the 90-day default).
    `near` (lat, long, radius in metres) keeps the reports within that distance.
    """
    queryset = _open311_base()
    if ids:
        return queryset.filter(number__in=ids)[:OPEN311_MAX_REQUESTS]
    if service_codes:
        queryset = queryset.filter(category__code__in=service_codes)
    if start:
        queryset = queryset.filter(created_at__gte=start)
    if end:
        queryset = queryset.filter(created_at__lte=end)
    if statuses:
        queryset = queryset.filter(status__in=_statuses_expand(statuses))
    if near:
        queryset = queryset.filter(_near_q(*near))
    return queryset[:OPEN311_MAX_REQUESTS]


def _near_q(lat: float, lon: float, radius_m: float) -> Q:
    """Reports within `radius_m` metres of (lat, lon): a box in degrees the GiST index
    answers, then the distance on the spheroid."""
    centre = Point(lon, lat, srid=4326)
    degrees = radius_m / (111_000 * max(math.cos(math.radians(lat)), 0.01)) + 1e-6
    return Q(location__dwithin=(centre, degrees)) & Q(
        location__distance_lte=(centre, D(m=radius_m))
    )


def open311_request_get(number: str) -> Report:
    """One public report for Open311 GET requests/{id}; NotFound otherwise."""
    report = _open311_base().filter(number=number).first()
    if report is None:
        raise NotFound(_("service_request_id %s was not found.") % number)
    return report


def open311_token_get(token: str) -> Report:
    """The public report an Open311 token names; NotFound otherwise."""
    try:
        report = Report.objects.public().filter(open311_token=uuid.UUID(token)).first()
    except ValueError:
        report = None
    if report is None:
        raise NotFound(_("token %s was not found.") % token)
    return report


# Geometries a service request does not show: parsing a village's boundary polygon (and the
# street's route) once per row made a page of 1,000 requests several times slower.
_OPEN311_DEFERRED = (
    "settlement__boundary",
    "settlement__centre",
    "nearest_address__location",
    "nearest_address__street__route",
    "nearest_address__settlement__boundary",
    "nearest_address__settlement__centre",
)


def _open311_base():
    return (
        Report.objects.public()
        .select_related(
            "category", "settlement", "nearest_address__street", "nearest_address__settlement"
        )
        .defer(*_OPEN311_DEFERRED)
        .annotate(
            status_notes=_latest_public_note(),
            first_photo=_first_photo("image"),
        )
        .order_by("-created_at", "-id")
    )
