"""The one domain error base and its mapping to HTTP (DESIGN.md §2).

Every app raises subclasses of ApplicationError from services and selectors; views and
API handlers turn them into `{"error": {"code": ..., "message": ...}}` with a 4xx status
through `error_response`. Nothing else builds error bodies.
"""

import sys

from django.http import JsonResponse


class ApplicationError(Exception):
    """A failure the caller can act on: bad input, a missing object, a conflict."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class InvalidInput(ApplicationError):
    """A parameter or a field has a wrong type, range or format."""

    code = "invalid"


class NotFound(ApplicationError):
    """The object named in the request does not exist."""

    status = 404
    code = "not_found"


class PermissionDenied(ApplicationError):
    """The user may not read or change this object."""

    status = 403
    code = "forbidden"


class Conflict(ApplicationError):
    """The write would break a uniqueness or state rule."""

    status = 409
    code = "conflict"


class ServiceUnavailable(ApplicationError):
    """A dependency (the database) does not answer; retrying later may succeed."""

    status = 503
    code = "unavailable"
    # A restart of PostgreSQL takes seconds; connection health checks then reconnect.
    retry_after_s = 5


def error_body(code: str, message: str, details=None) -> dict:
    """Return the one JSON error shape used by every API."""
    error = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


def error_response(exc: ApplicationError) -> JsonResponse:
    """Turn an ApplicationError into its JSON response with the mapped status, and
    `Retry-After` (seconds) when the error says when to try again (`retry_after_s`)."""
    response = JsonResponse(
        error_body(exc.code, exc.message, exc.details),
        status=exc.status,
        json_dumps_params={"ensure_ascii": False},
    )
    retry_after_s = getattr(exc, "retry_after_s", None)
    if retry_after_s:
        response["Retry-After"] = str(retry_after_s)
    return response


# Paths served as machine interfaces: their 404/500 pages are JSON, never HTML.
JSON_PATH_PREFIXES = ("/api/", "/ogc/", "/tiles/", "/basemap/", "/open311/", "/healthz")


def wants_json(request) -> bool:
    """Tell whether the request targets an API path (so errors must be JSON)."""
    return request.path.startswith(JSON_PATH_PREFIXES)


def _validation_message(errors: list[dict]) -> str:
    """Summarise pydantic errors as "field: problem; field: problem"."""
    parts = []
    for err in errors:
        location = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body")]
        parts.append(f"{'.'.join(location) or 'request'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "Invalid request."


def install_api_handlers(api) -> None:
    """Map ninja's and our exceptions to the JSON error shape on a NinjaAPI instance."""
    from ninja.errors import AuthenticationError, HttpError, ValidationError

    @api.exception_handler(ApplicationError)
    def _application_error(request, exc):
        return error_response(exc)

    @api.exception_handler(ValidationError)
    def _validation_error(request, exc):
        return error_response(InvalidInput(_validation_message(exc.errors), details=None))

    @api.exception_handler(AuthenticationError)
    def _auth_error(request, exc):
        error = ApplicationError("Authentication required.", code="unauthorized")
        error.status = 401
        return error_response(error)

    @api.exception_handler(HttpError)
    def _http_error(request, exc):
        error = ApplicationError(str(exc), code="http_error")
        error.status = exc.status_code
        return error_response(error)


def handler403(request, exception=None):
    """403 page in the service's layout (JSON on API paths): who may use the page, and
    a way to sign in as someone else. Never the admin's login."""
    if wants_json(request):
        return error_response(PermissionDenied("You may not use this resource."))
    return _error_page(request, 403)


def handler404(request, exception=None):
    """404 page in the service's layout (JSON on API paths)."""
    if wants_json(request):
        return error_response(NotFound(f"Nothing at {request.path}."))
    return _error_page(request, 404)


# When even the template fails (a broken install, static files not collected), this is
# what the visitor gets: both languages, no database, no static file.
BARE_PAGE = (
    '<!DOCTYPE html><html lang="uk"><meta charset="utf-8"><title>{status}</title>'
    '<h1>{status}: {uk} / <span lang="en">{en}</span></h1>'
    '<p><a href="/">На головну / <span lang="en">Home</span></a></p></html>'
)
BARE_TITLES = {
    403: ("Доступ заборонено", "Access denied"),
    404: ("Сторінку не знайдено", "Page not found"),
    429: ("Забагато спроб", "Too many attempts"),
    500: ("Помилка сервера", "Server error"),
    503: ("Сервіс тимчасово недоступний", "Service temporarily unavailable"),
}


def _error_page(request, status: int, context: dict | None = None):
    """Render templates/<status>.html with the header; the bare page if that fails."""
    import logging

    from django.http import HttpResponse
    from django.template import loader

    try:
        page_context = {"error_status": status, **(context or {})}
        body = loader.get_template(f"{status}.html").render(page_context, request)
    except Exception:  # noqa: BLE001 — an error page must answer whatever broke
        logging.getLogger(__name__).exception("The %s page could not be rendered", status)
        uk, en = BARE_TITLES[status]
        body = BARE_PAGE.format(status=status, uk=uk, en=en)
    return HttpResponse(body, status=status)


def too_many_requests(request, *, code: str, message: str, retry_after_s: int, reason=None):
    """Answer 429 with `Retry-After: retry_after_s` (seconds).

    On API paths: the JSON error `{"error": {"code": code, "message": message}}`. Elsewhere:
    the site's 429 page (templates/429.html, the header for the visitor's role) saying
    what happened — `reason`, a lazy translation, else `message` — and when to try again,
    in the visitor's language.
    """
    if wants_json(request):
        error = ApplicationError(message, code=code)
        error.status = 429
        response = error_response(error)
    else:
        response = _error_page(request, 429, _retry_context(reason or message, retry_after_s))
    response["Retry-After"] = str(retry_after_s)
    return response


def _retry_context(reason, retry_after_s: int) -> dict:
    """The 429 page's words: the reason in the active language and in English (a Ukrainian
    page also says it in English, for a visitor who does not read Ukrainian), the wait in
    whole minutes (rounded up) and the local clock time after which to try again."""
    from datetime import timedelta

    from django.utils import timezone, translation

    with translation.override("en"):
        reason_en = str(reason)
    retry_at = timezone.localtime(timezone.now() + timedelta(seconds=retry_after_s))
    return {
        "reason": str(reason),
        "reason_en": reason_en,
        "retry_minutes": max(1, -(-retry_after_s // 60)),
        "retry_at": retry_at,
    }


def unavailable_page(request):
    """503 page in the service's layout, with Retry-After, for a database that does not
    answer. Like the 500 page it never touches the database (`error_status` 503)."""
    response = _error_page(request, 503)
    response["Retry-After"] = str(ServiceUnavailable.retry_after_s)
    return response


def handler500(request):
    """500 page: JSON on API paths (never a stack trace), else the service's layout.

    It must not need the database (which may be what failed): the template is given
    `error_status=500`, so the header shows only the public links and never asks who
    the user is.
    """
    from core.middleware import failure_response

    # Django calls this inside its `except`: an outage met outside a view (in a
    # middleware) is answered as one met in a view, 503, not 500.
    known = failure_response(request, sys.exc_info()[1])
    if known is not None:
        return known
    if wants_json(request):
        error = ApplicationError("Internal error; it has been logged.", code="internal")
        error.status = 500
        return error_response(error)
    return _error_page(request, 500)
