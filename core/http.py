"""Request helpers shared by every app."""

import hashlib

from django.conf import settings
from django.middleware.gzip import GZipMiddleware


def client_address(request) -> str:
    """Return the client's IP address, for rate limits and lock-outs.

    Without proxies (TRUSTED_PROXY_COUNT = 0) it is REMOTE_ADDR. Behind N trusted reverse
    proxies, each appends the address it saw to X-Forwarded-For, so the client is the
    N-th entry from the right; entries further left were written by the client and are
    not trusted. A header shorter than expected falls back to its leftmost entry.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if proxies > 0 and hops:
        return hops[-min(proxies, len(hops))][:64]
    return request.META.get("REMOTE_ADDR") or "unknown"


# Smaller bodies gain nothing from gzip (headers and a round trip dominate).
GZIP_MIN_BYTES = 1024


def revalidated(request, response, *, cache_control: str = ""):
    """Make a 200 answer cheap to fetch again: gzip it when the client accepts gzip, give
    it a strong ETag of the bytes sent (so each encoding has its own) and answer 304 when
    the client already holds them. `cache_control` defaults to "no-cache" (store, but ask
    each time), private for a signed-in visitor, public otherwise. Other answers, streams
    and answers that already say how to cache them or carry an ETag are returned untouched."""
    from django.utils.cache import get_conditional_response, patch_vary_headers
    from django.utils.text import compress_string

    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    # An ETag set by the view is its own (an address's version, for If-Match): kept as is.
    if response.streaming or response.has_header("Cache-Control") or response.has_header("ETag"):
        return response
    patch_vary_headers(response, ("Accept-Encoding",))
    body = response.content
    if len(body) >= GZIP_MIN_BYTES and "gzip" in request.headers.get("Accept-Encoding", ""):
        body = compress_string(body)  # deterministic (mtime 0): the same ETag each time
        response.content = body
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(body))
    response["ETag"] = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
    signed_in = getattr(getattr(request, "user", None), "is_authenticated", False)
    response["Cache-Control"] = cache_control or (
        "private, no-cache" if signed_in else "public, no-cache"
    )
    return get_conditional_response(request, etag=response["ETag"], response=response)


class RevalidatedApiMiddleware:
    """The JSON API's GET answers (`prefix`, /api/v1/ by default) gzipped, with an ETag
    and "no-cache": a map reloaded over a slow line gets 304s instead of its data again
    (the coverage page's GeoJSON was sent whole on every visit)."""

    def __init__(self, get_response, prefix: str = "/api/v1/"):
        self.get_response = get_response
        self.prefix = prefix

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(self.prefix):
            return response
        kind = response.get("Content-Type", "")
        if kind.startswith(("application/json", "application/geo+json")):
            return revalidated(request, response)
        return response


class HtmlGZipMiddleware(GZipMiddleware):
    """HTML pages gzipped for a client that accepts gzip: /reports/new/ is 17 kB as
    written, about a third of that gzipped, over a rural line of 1.6 Mbit/s where every
    other request of the page waits for its head to be read. Django's GZipMiddleware
    (since 4.2) pads each answer with random bytes against BREACH ("Heal the BREACH"),
    and Django masks the CSRF token anew in each page. Only HTML: GZipMiddleware makes an
    ETag weak, and an ETag a view sets (an address's version, checked by If-Match) must
    stay as it is; the API's larger JSON is gzipped by RevalidatedApiMiddleware; static
    files come precompressed from WhiteNoise; tiles are binary."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
