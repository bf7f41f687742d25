"""Two middlewares of the vector tiles.

`PublicTileMiddleware`, near the top of the stack: a tile of public layers is answered
before sessions, locale, CSRF, auth and the rest, as WhiteNoise answers static files:
from this worker's cache, or rendered there and then (the stack was half of a cached
tile's Python CPU and about 40% of an uncached one's; bench/RESULTS.md, issue 20). Any
other tile, and one whose rendering meets a database error, goes down the stack to the
view.

`LanguageIndependentMiddleware`: tiles are the same bytes in every language, so no
`Vary: Accept-Language` on them.

Django's LocaleMiddleware adds `Vary: Accept-Language` to every answer, which splits a
shared cache's copy of a tile into one per browser language. A view marks an answer that
does not depend on the language (`response.language_independent = True`) and, when it
is the same for every visitor, on the cookie either (`response.visitor_independent`);
this middleware, outside LocaleMiddleware and SessionMiddleware, takes those out of Vary.
"""

import re

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils.cache import cc_delim_re

from core.cors import allow_public_read
from layers.tiles.views import public_tile

# /tiles/{layers}/{z}/{x}/{y}.pbf as tiles.urls matches it; the view judges the parts.
PATH = re.compile(r"^/tiles/([^/]+)/([^/]+)/([^/]+)/([^/]+)\.pbf$")


def _host_allowed(request) -> bool:
    """ALLOWED_HOSTS, as CommonMiddleware further down checks it (a 400 there)."""
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


class PublicTileMiddleware:
    """Answer GET/HEAD of a tile of public layers with the view's own answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = PATH.match(request.path_info) if request.method in ("GET", "HEAD") else None
        response = (
            public_tile(request, *match.groups()) if match and _host_allowed(request) else None
        )
        if response is None:
            return self.get_response(request)
        # The headers the rest of the stack adds to a public tile (tests/layers/test_tiles.py
        # compares both answers): CORS, Content-Length and X-Frame-Options. Vary already
        # holds neither the language nor the cookie (LanguageIndependentMiddleware).
        allow_public_read(response)
        response["Content-Length"] = str(len(response.content))
        response.setdefault("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY"))
        return response


class LanguageIndependentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "language_independent", False) and response.has_header("Vary"):
            drop = {"accept-language"}
            if getattr(response, "visitor_independent", False):
                drop.add("cookie")
            kept = [v for v in cc_delim_re.split(response["Vary"]) if v.lower() not in drop]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
