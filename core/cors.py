"""CORS for the public read APIs: any origin may read, nobody may write across origins.

`Access-Control-Allow-Origin: *` (never with credentials: a browser then sends no cookie
across origins, so a cross-origin read is always an anonymous one) goes on GET and HEAD
answers under the public read prefixes (`settings.CORS_PUBLIC_PREFIXES`: the OGC API,
the tiles, Open311 and the REST API):

* only to anonymous requests (a signed-in page reads its own origin and needs no CORS),
* never on 401 or 403 (what needs a session stays closed),
* never on POST, PUT, PATCH or DELETE (Open311's POST, the report form): a preflight for
  them gets no CORS headers, so the browser refuses to send them.

A preflight (`OPTIONS` with `Access-Control-Request-Method: GET` or `HEAD`) under those
prefixes answers 204 with the methods and the request headers allowed.
"""

from django.conf import settings
from django.http import HttpResponse

SAFE = frozenset({"GET", "HEAD"})
ALLOW_METHODS = "GET, HEAD, OPTIONS"
# Request headers a cross-origin reader may send (beyond the CORS-safelisted ones).
ALLOW_HEADERS = frozenset({"accept", "accept-language", "if-none-match", "if-modified-since"})
EXPOSE_HEADERS = "Content-Crs, ETag, Link, Content-Language"
MAX_AGE_S = 86_400


def _public(path: str) -> bool:
    return path.startswith(tuple(settings.CORS_PUBLIC_PREFIXES))


def allow_public_read(response) -> None:
    """Mark `response` readable from any origin (the headers the middleware adds)."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSE_HEADERS


class PublicReadCorsMiddleware:
    """Answer preflights and mark anonymous GET/HEAD answers of the public read APIs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "OPTIONS" and _public(request.path):
            return self._preflight(request)
        response = self.get_response(request)
        if request.method in SAFE and _public(request.path):
            user = getattr(request, "user", None)
            anonymous = user is None or not user.is_authenticated
            # An answer the same for every visitor (a public tile) keeps it even for a
            # signed-in one: a shared cache may hand either copy to anyone.
            shared = getattr(response, "visitor_independent", False)
            if (anonymous or shared) and response.status_code not in (401, 403):
                allow_public_read(response)
            elif response.get("Access-Control-Allow-Origin"):
                del response["Access-Control-Allow-Origin"]
        return response

    def _preflight(self, request) -> HttpResponse:
        response = HttpResponse(status=204)
        response["Allow"] = ALLOW_METHODS
        method = request.headers.get("Access-Control-Request-Method", "").upper()
        asked = request.headers.get("Access-Control-Request-Headers", "")
        headers = {h.strip().lower() for h in asked.split(",") if h.strip()}
        if method in SAFE and headers <= ALLOW_HEADERS:
            allow_public_read(response)
            response["Access-Control-Allow-Methods"] = ALLOW_METHODS
            if headers:
                response["Access-Control-Allow-Headers"] = ", ".join(sorted(headers))
            response["Access-Control-Max-Age"] = str(MAX_AGE_S)
        return response
