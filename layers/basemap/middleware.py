"""The proxy's fast path: a fresh basemap tile on disk is sent before the rest of Django.

Placed right after WhiteNoise (gis/settings.py MIDDLEWARE), as WhiteNoise serves static
files: a cached tile needs no session, locale, CSRF or user, and a map asks for dozens
of them at once. Anything else — a miss, a stale tile, a bad path — goes on to the view
(`layers.basemap.views.raster`), which fetches, revalidates or answers the error.
"""

import re

from layers.basemap import services
from layers.basemap.compute import MAX_ZOOM
from layers.basemap.views import tile_response

# /basemap/{z}/{x}/{y}.png with plain numbers; anything else is the view's to judge.
PATH = re.compile(r"^/basemap/(\d{1,2})/(\d{1,7})/(\d{1,7})\.png$")


class CachedBasemapMiddleware:
    """Answer GET/HEAD of a fresh cached basemap tile straight from the disk cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = PATH.match(request.path_info) if request.method in ("GET", "HEAD") else None
        if match:
            z, x, y = (int(part) for part in match.groups())
            if z <= MAX_ZOOM and x < 2**z and y < 2**z:
                tile = services.basemap_tile_fresh(z, x, y)
                if tile is not None:
                    return tile_response(request, tile)
        return self.get_response(request)
