"""HTTP plumbing shared by /ogc/ and /tiles/: errors, content negotiation, links.

Error bodies carry two shapes at once, because two contracts apply to these paths:
OGC API - Features' exception (`{"code", "description"}`, with OGC's code names such as
`InvalidParameterValue`) and the project's (`{"error": {"code", "message"}}`, DESIGN.md
§4). Both are plain members of one JSON object, so an OGC client and our own front end
each read theirs and ignore the other; neither needs a special case.
"""

from functools import wraps
from urllib.parse import urlencode

from django.http import JsonResponse
from django.urls import get_script_prefix, reverse
from django.views.decorators.http import require_safe

from core.errors import ApplicationError, error_body
from layers.ogc.params import check_known, parse_format

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.1"
OPENAPI_30 = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA_JSON = "application/schema+json"

# OGC exception codes (the names pygeoapi and ldproxy use) by HTTP status.
OGC_CODES = {
    400: "InvalidParameterValue",
    403: "Forbidden",
    404: "NotFound",
    406: "NotAcceptable",
    500: "NoApplicableCode",
    503: "ServiceUnavailable",
}


def cors(response):
    """Allow any origin: the data is public or cookie-protected, never credentialed by CORS."""
    response["Access-Control-Allow-Origin"] = "*"
    return response


def ogc_error_response(exc: ApplicationError) -> JsonResponse:
    """Return the error as one JSON body in both the OGC and the project shape."""
    body = {
        "code": OGC_CODES.get(exc.status, "NoApplicableCode"),
        "description": exc.message,
        **error_body(exc.code, exc.message, exc.details),
    }
    return cors(JsonResponse(body, status=exc.status, json_dumps_params={"ensure_ascii": False}))


def ogc_view(view):
    """Wrap a GET/HEAD view so that every ApplicationError becomes its JSON error response."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as exc:
            return ogc_error_response(exc)

    return require_safe(wrapper)


def json_response(data, *, content_type: str = JSON, status: int = 200) -> JsonResponse:
    return cors(
        JsonResponse(
            data,
            status=status,
            content_type=content_type,
            safe=False,
            json_dumps_params={"ensure_ascii": False},
        )
    )


def wanted_format(request, json_type: str = JSON) -> str:
    """Return "json" or "html": `f` when given (400 when unknown), else the Accept header.

    A request without a preference (no Accept, or */*) gets JSON: machines ask that way;
    browsers prefer text/html explicitly.
    """
    chosen = parse_format(request.GET.get("f"))
    if chosen:
        return chosen
    # Map clients and scripts send no Accept or */*: JSON, without parsing media types.
    if request.headers.get("Accept", "*/*").strip() == "*/*":
        return "json"
    preferred = request.get_preferred_type([json_type, JSON, GEOJSON, HTML])
    return "html" if preferred == HTML else "json"


# Reversed paths per (script prefix, view name, args): reverse() costs ~0.1 ms and a
# page of items links to the same few views five times; the URLconf does not change in a
# running process. Bounded: feature ids in the args come from the URL.
_PATHS_KEPT = 2048
_paths: dict[tuple, str] = {}


def reversed_path(name: str, args: tuple = ()) -> str:
    """Return reverse(name, args=args), kept per process (see above)."""
    key = (get_script_prefix(), name, args)
    path = _paths.get(key)
    if path is None:
        path = reverse(name, args=args)
        if len(_paths) >= _PATHS_KEPT:
            _paths.clear()
        _paths[key] = path
    return path


def url(request, name: str, *args, query: dict | str | None = None) -> str:
    """Return the absolute URL of the named /ogc/ or /tiles/ view, with a query string
    (a dict to encode, or an already encoded string)."""
    href = request.build_absolute_uri(reversed_path(name, args))
    if query:
        href += "?" + (query if isinstance(query, str) else urlencode(query))
    return href


def link(href: str, rel: str, media_type: str, title: str) -> dict:
    return {"href": href, "rel": rel, "type": media_type, "title": title}


def self_links(request, name: str, *args, fmt: str, json_type: str = JSON, query=None) -> list:
    """Return the `self` link (the format served) and its `alternate` (the other format).

    `query`: the parameters besides `f`, a dict or an already encoded string."""
    encoded = (query if isinstance(query, str) else urlencode(query)) if query else ""
    head = url(request, name, *args) + "?" + (encoded + "&" if encoded else "")
    as_json = link(head + "f=json", "", json_type, "JSON")
    as_html = link(head + "f=html", "", HTML, "HTML")
    current, other = (as_json, as_html) if fmt == "json" else (as_html, as_json)
    return [{**current, "rel": "self"}, {**other, "rel": "alternate"}]


def check_only_f(request) -> None:
    """Refuse (400) any query parameter but `f`, and an unknown `f`."""
    check_known(request.GET, {"f"})
    parse_format(request.GET.get("f"))
