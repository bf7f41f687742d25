"""JSON endpoints of problem reports under /api/v1/reports/ (used by the public pages).

Public reads never include a reporter's e-mail or phone (DESIGN.md §7).
"""

import math
from typing import Annotated

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from core.errors import InvalidInput
from core.http import client_address
from core.text import json_loads
from layers.api import GEOJSON, ErrorOut, FeatureCollectionOut, Latitude, Longitude
from reports import selectors, services
from reports.models import DESCRIPTION_MAX_CHARS
from reports.people import device_remember, person_key

router = Router(tags=["reports"])


class ReportFilter(Schema):
    bbox: str | None = Field(
        None,
        description="min lon,min lat,max lon,max lat (EPSG:4326)",
        # One `example`: ninja copies a schema's `examples` (a list) into the parameter,
        # where OpenAPI wants a map of Example Objects.
        json_schema_extra={"example": "32.5,48.6,33,49"},
    )
    status: str | None = Field(
        None,
        description="Comma-separated statuses, or open / closed",
        json_schema_extra={"example": "open"},
    )
    category: str | None = Field(None, description="Category code, e.g. roads")
    settlement: str | None = Field(None, pattern=r"^UA\d{17}$", description="KATOTTG code")


class NearbyParams(Schema):
    lat: Latitude
    lon: Longitude
    category: str
    radius_m: Annotated[float, Field(gt=0, le=200)] = selectors.DUPLICATE_RADIUS_M


class ReportIn(Schema):
    category: str
    lat: Latitude
    lon: Longitude
    description: Annotated[str, Field(max_length=DESCRIPTION_MAX_CHARS * 2)] = ""
    address: str = ""
    answers: str = Field("{}", description='JSON object {"question code": value or [values]}')
    name: str = ""
    email: str = ""
    phone: str = ""
    show_name: bool = False
    website: str = Field("", description="Leave empty (a trap for robots).")
    idempotency_key: str | None = Field(
        None,
        description="A random key (16–64 of A-Z a-z 0-9 - _) per report; a repeated send "
        "with the same key returns the report filed the first time (200) instead of a new one.",
    )


class CreatedOut(Schema):
    number: str
    url: str
    follow_url: str
    is_public: bool


class SupportOut(Schema):
    number: str
    supporters: int
    added: bool


def _bbox(text: str | None):
    if not text:
        return None
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        values = ()
    if (
        len(values) != 4
        or not all(math.isfinite(value) for value in values)  # nan, inf
        or values[0] >= values[2]
        or values[1] >= values[3]
    ):
        raise InvalidInput(_("bbox must be min lon,min lat,max lon,max lat."), code="invalid_bbox")
    return values


@router.get("/reports/", response={200: FeatureCollectionOut, 400: ErrorOut})
def report_list(request, filters: Query[ReportFilter]):
    """Public reports as GeoJSON (EPSG:4326), filtered by bbox, status, category, village."""
    text = selectors.report_list_geojson(
        bbox=_bbox(filters.bbox),
        statuses=[s for s in (filters.status or "").split(",") if s],
        category=filters.category,
        settlement=filters.settlement,
    )
    return HttpResponse(text, content_type=GEOJSON)


@router.get("/reports/categories/", response=list[dict])
def category_list(request):
    """Active categories with their extra questions."""
    return [selectors.category_dict(category) for category in selectors.categories_active()]


@router.get("/reports/nearby/", response={200: list[dict], 400: ErrorOut})
def report_nearby(request, params: Query[NearbyParams]):
    """Open public reports of a category within radius_m (≤ 200 m) of a point, nearest first."""
    return selectors.reports_nearby_open(
        lat=params.lat, lon=params.lon, category=params.category, radius_m=params.radius_m
    )


@router.post(
    "/reports/",
    response={200: CreatedOut, 201: CreatedOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
)
def report_create(request, data: Form[ReportIn], photos: File[list[UploadedFile]] = None):
    """File a report (multipart form); up to 3 photos. Returns the private follow link:
    201 for a new report, 200 for a repeat of a send with the same idempotency_key."""
    fields = _report_fields(request, data, photos)
    if data.idempotency_key is not None:
        report, created = services.report_create_once(
            idempotency_key=data.idempotency_key, **fields
        )
    else:
        report, created = services.report_create(**fields), True
    body = {
        "number": report.number,
        "url": reverse("reports:detail", args=[report.number]),
        "follow_url": reverse("reports:follow", args=[report.follow_token]),
        "is_public": report.is_public,
    }
    return Status(201 if created else 200, body)


def _report_fields(request, data: ReportIn, photos) -> dict:
    return {
        "category_code": data.category,
        "lat": data.lat,
        "lon": data.lon,
        "description": data.description,
        "address_text": data.address,
        "answers": _answers(data.answers),
        "photos": services.photo_uploads(photos),
        "reporter": services.Reporter(
            name=data.name, email=data.email, phone=data.phone, is_anonymous=not data.show_name
        ),
        "client_ip": client_address(request),
        "honeypot": data.website,
    }


def _answers(text: str) -> dict:
    try:
        answers = json_loads(text or "{}")  # bounded depth, strings cleaned
    except ValueError:
        answers = None
    if not isinstance(answers, dict):
        raise InvalidInput(_("answers must be a JSON object."), code="invalid_answers")
    return answers


# A report's number as the service gives it (reports.services.filing: year, then the id in
# at least five digits). Declared, so that no other word ("categories", "nearby") is read
# as one, in the API or in the schema its clients and fuzzers read.
ReportNumber = Annotated[
    str, Field(pattern=r"^\d{4}-\d{5,}$", description="report number, e.g. 2026-00012")
]


@router.get("/reports/{number}/", response={200: dict, 400: ErrorOut, 404: ErrorOut})
def report_detail(request, number: ReportNumber):
    """One public report with its public history and photos."""
    return selectors.report_public_dict(selectors.report_public_get(number))


@router.post(
    "/reports/{number}/support/",
    response={200: SupportOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut},
)
def report_support(request, response: HttpResponse, number: ReportNumber):
    """Say "me too": counted once per person (a signed-in user or the browser's device
    token cookie, set here when missing), never per network address."""
    report = selectors.report_public_get(number)
    person, new_token = person_key(request)
    supporters, added = services.report_support(
        report=report, person=person, client_ip=client_address(request)
    )
    device_remember(response, new_token)
    return {"number": report.number, "supporters": supporters, "added": added}
