"""Open311 GeoReport v2 endpoints under /open311/v2/ (http://wiki.open311.org/GeoReport_v2).

Errors follow the specification, not our JSON error shape: an `errors` list of
{code, description}, with HTTP 404 for what does not exist, 403 for a missing or wrong
api_key and 400 for anything else. Only public reports are served, without contact data.

Error descriptions are in English, whatever the client's Accept-Language: this interface
is read by other systems and their developers, and the specification's own texts are
English. What residents read in a client (service names, notices) is Ukrainian data.
"""

import hashlib
import re
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt

from addresses import selectors as address_selectors
from core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from reports import selectors, services
from reports.errors import TooManyRequests
from reports.models import ApiKey, Category, Channel
from reports.open311 import render
from reports.open311.params import comma_list, date_range, near_of, statuses_of

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# An address_string is placed at the best geocoding candidate scoring above this (0..1): a
# street match alone scores at most 0.8, so the house number must match too.
GEOCODE_MIN_SCORE = 0.8
AGENCY = "Дмитрівська сільська рада"
CONTACT = (
    "Дмитрівська сільська рада: 27422, Кіровоградська обл., Кропивницький р-н, "
    "с. Дмитрівка, пл. Перемоги, 4"
)
KEY_SERVICE = "Ключ API (api_key) видає адміністратор громади на запит до сільської ради."
MODERATION_NOTICE = "Звернення буде опубліковано після перевірки модератором."
# ApiKey.last_used_at is kept to the minute (see _last_used_touch).
LAST_USED_RESOLUTION_S = 60
LAST_USED_RESOLUTION = timedelta(seconds=LAST_USED_RESOLUTION_S)
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


def open311_view(methods=("GET",)):
    """Wrap an endpoint: check the method and jurisdiction_id, turn errors into the spec's."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, fmt="xml", **kwargs):
            if request.method not in methods:
                return render.errors(fmt, 400, [f"Method {request.method} is not supported here."])
            try:
                with translation.override("en"):
                    _jurisdiction_check(request)
                    return view(request, *args, fmt=fmt, **kwargs)
            except ApplicationError as exc:
                response = render.errors(fmt, _http_status(exc), _descriptions(exc))
                if getattr(exc, "retry_after_s", None):
                    response["Retry-After"] = str(exc.retry_after_s)
                return response

        return wrapper

    return decorate


def _http_status(exc: ApplicationError) -> int:
    """404, 403 and 400 as the specification lists them; 429 (with Retry-After) past the
    api_key's hourly limit, which the specification does not foresee."""
    if isinstance(exc, TooManyRequests):
        return 429
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, PermissionDenied):
        return 403
    return 400


def _descriptions(exc: ApplicationError) -> list[str]:
    if isinstance(exc.details, list) and exc.details:
        return [str(item) for item in exc.details]
    return [str(exc.message)]


def _jurisdiction_check(request) -> None:
    given = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    if given and given != settings.OPEN311_JURISDICTION_ID:
        raise NotFound(f"jurisdiction_id '{given}' was not found.")


# ------------------------------------------------------------------ discovery and services
@open311_view()
def discovery(request, fmt):
    """The service discovery document (http://wiki.open311.org/Service_Discovery)."""
    changeset = render.w3_datetime(Category.objects.aggregate(at=Max("updated_at"))["at"])
    endpoint = {
        "specification": SPECIFICATION,
        "url": request.build_absolute_uri("/open311/v2"),
        "changeset": changeset,
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    data = {
        "changeset": changeset,
        "contact": CONTACT,
        "key_service": KEY_SERVICE,
        "endpoints": [endpoint],
    }
    return render.document(fmt, "discovery", data)


@open311_view()
def service_list(request, fmt):
    """GET services: every active category."""
    services_ = [
        {
            "service_code": category.code,
            "service_name": category.name_uk,
            "description": category.description,
            "metadata": bool(category.questions.all()),
            "type": "realtime",
            "keywords": category.keywords,
            "group": category.group,
        }
        for category in selectors.categories_active()
    ]
    return render.document(fmt, "services", services_)


@open311_view()
def service_definition(request, service_code, fmt):
    """GET services/{service_code}: the category's extra questions as attributes."""
    category = selectors.categories_active().filter(code=service_code).first()
    if category is None:
        raise NotFound(f"service_code '{service_code}' was not found.")
    attributes = [_attribute(question) for question in category.questions.all()]
    data = {"service_code": category.code, "attributes": attributes}
    return render.document(fmt, "service_definition", data)


def _attribute(question) -> dict:
    attribute = {
        "variable": True,
        "code": question.code,
        "datatype": question.datatype,
        "required": question.required,
        "datatype_description": question.hint or None,
        "order": question.order,
        "description": question.text_uk,
    }
    if question.datatype in ("singlevaluelist", "multivaluelist"):
        attribute["values"] = [
            {"key": str(choice["key"]), "name": choice["name"]} for choice in question.choices
        ]
    return attribute


# ------------------------------------------------------------------ requests
@open311_view(methods=("GET", "POST"))
def requests_(request, fmt):
    """GET requests (query) or POST requests (file one)."""
    if request.method == "POST":
        return _request_create(request, fmt)
    params = request.GET
    ids = comma_list(params.get("service_request_id"))
    start, end = date_range(params.get("start_date"), params.get("end_date"))
    reports = selectors.open311_requests(
        ids=ids,
        service_codes=comma_list(params.get("service_code")),
        start=start,
        end=end,
        statuses=statuses_of(params.get("status")),
        near=near_of(params.get("lat"), params.get("long"), params.get("radius")),
    )
    return render.document(fmt, "service_requests", [_request_dict(request, r) for r in reports])


@open311_view()
def request_detail(request, service_request_id, fmt):
    """GET requests/{service_request_id}."""
    report = selectors.open311_request_get(service_request_id)
    return render.document(fmt, "service_requests", [_request_dict(request, report)])


@open311_view()
def token_detail(request, token, fmt):
    """GET tokens/{token}: the service_request_id a token stands for."""
    report = selectors.open311_token_get(token)
    data = [{"service_request_id": report.number, "token": str(report.open311_token)}]
    return render.document(fmt, "service_requests", data)


def not_found(request, *args, **kwargs):
    """Anything else under /open311/: the specification's 404 (XML unless .json asked)."""
    fmt = "json" if request.path.endswith(".json") else "xml"
    return render.errors(fmt, 404, [f"Nothing at {request.path}."])


def _request_dict(request, report) -> dict:
    """One service request with the specification's field names; never contact data."""
    media_url = report.media_url or None
    if report.first_photo:
        media_url = request.build_absolute_uri(settings.MEDIA_URL + report.first_photo)
    return {
        "service_request_id": report.number,
        "status": "open" if report.is_open else "closed",
        "status_notes": report.status_notes or None,
        "service_name": report.category.name_uk,
        "service_code": report.category.code,
        "description": report.description,
        "agency_responsible": AGENCY,
        "service_notice": None,
        "requested_datetime": render.w3_datetime(report.created_at),
        "updated_datetime": render.w3_datetime(report.updated_at),
        "expected_datetime": None,
        "address": _address(report),
        "address_id": report.nearest_address_id,
        "zipcode": None,
        "lat": round(report.location.y, 6),
        "long": round(report.location.x, 6),
        "media_url": media_url,
    }


def _address(report) -> str | None:
    """The register's label of the nearest address, else the reporter's text and village."""
    if report.nearest_address is not None:
        return report.nearest_address.label
    parts = [report.address_text, f"с. {report.settlement.name_uk}" if report.settlement else ""]
    return ", ".join(part for part in parts if part) or None


# ------------------------------------------------------------------ POST requests
def _request_create(request, fmt):
    data = request.POST
    api_key = _api_key_check(data.get("api_key"))
    service_code = data.get("service_code")
    if not service_code:
        raise InvalidInput("service_code was not provided.")
    lat, lon, approximate = _location(data)
    report = services.report_create(
        category_code=service_code,
        lat=lat,
        lon=lon,
        location_approximate=approximate,
        description=data.get("description", ""),
        address_text=data.get("address_string", ""),
        answers=_attributes(data),
        reporter=services.Reporter(
            name=" ".join(filter(None, [data.get("first_name"), data.get("last_name")])),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
        ),
        channel=Channel.API,
        media_url=data.get("media_url", ""),
        rate_limit=_key_rate_limit(api_key),
    )
    notice = MODERATION_NOTICE if not report.is_approved else None
    body = [{"service_request_id": report.number, "service_notice": notice, "account_id": None}]
    return render.document(fmt, "service_requests", body, status=201)


def _api_key_check(key: str | None) -> ApiKey:
    """Return the active key; PermissionDenied (403) when missing or unknown."""
    if not key:
        raise PermissionDenied("api_key was not provided.")
    # A plain SHA-256 is enough: keys are 32+ random bytes, not passwords to stretch.
    digest = hashlib.sha256(key.encode()).hexdigest()
    api_key = ApiKey.objects.filter(key_hash=digest, is_active=True).first()
    if api_key is None:
        raise PermissionDenied("Invalid api_key received -- can't proceed with create_request.")
    _last_used_touch(api_key)
    return api_key


def _last_used_touch(api_key: ApiKey) -> None:
    """Record that the key was used, at most once per LAST_USED_RESOLUTION_S seconds.

    Writing the column on every POST cost a write and a commit of its own per request (and
    made every concurrent POST of one key queue on that row); "last used" to the minute
    is what staff need to see whether a client is alive.
    """
    now = timezone.now()
    seen = api_key.last_used_at
    if seen is not None and now - seen < LAST_USED_RESOLUTION:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ApiKey.objects.filter(stale, pk=api_key.pk).update(last_used_at=now)


def _key_rate_limit(api_key: ApiKey) -> services.RateLimit:
    """The key's own limit: a key files for many residents from one address, so the
    per-address limit of the public form would stop a whole hotline after 5 reports."""
    return services.RateLimit(
        key=f"reports:create:api_key:{api_key.pk}",
        limit=api_key.reports_per_hour,
        window_s=3600,
        message=f"api_key '{api_key.prefix}…' may file at most {api_key.reports_per_hour} "
        "requests per hour; try again later.",
    )


def _location(data) -> tuple[float, float, bool]:
    """Return (lat, long, approximate) from lat+long, address_string or address_id."""
    lat, lon = data.get("lat"), data.get("long")
    if lat or lon:
        if not (lat and lon):
            raise InvalidInput("lat and long must be sent together.")
        try:
            return float(lat), float(lon), False
        except ValueError:
            raise InvalidInput("lat and long must be decimal degrees (WGS84).") from None
    if address_id := data.get("address_id"):
        return _address_id_locate(address_id)
    if address := data.get("address_string"):
        return _address_locate(address)
    raise InvalidInput("A location is required: lat and long, address_string or address_id.")


def _address_id_locate(address_id: str) -> tuple[float, float, bool]:
    """Place the request at the point of our register's address `address_id` (the id that
    GET requests return as address_id, not the national register id)."""
    try:
        address = address_selectors.address_located_get(address_id)
    except NotFound:
        raise InvalidInput(
            f"address_id '{address_id}' is not an active address of the register with a "
            "point. Send lat and long or address_string."
        ) from None
    return address.location.y, address.location.x, False


def _address_locate(address: str) -> tuple[float, float, bool]:
    """Geocode an address_string through the address register (approximate: from text)."""
    best = address_selectors.address_geocode_best(q=address, min_score=GEOCODE_MIN_SCORE)
    if best is None:
        raise InvalidInput(
            f"address_string '{address}' matches no address of the register well enough: "
            "give the village, street and house number, or send lat and long."
        )
    return best.lat, best.lon, True


def _attributes(data) -> dict:
    """Collect attribute[code]=value and attribute[code][]=value pairs."""
    answers = {}
    for key in data:
        match = _ATTRIBUTE.match(key)
        if match:
            code, is_list = match.group(1), bool(match.group(2))
            answers[code] = data.getlist(key) if is_list else data.get(key)
    return answers
