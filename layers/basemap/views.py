"""/basemap/: the raster tile proxy (`.png`) and the local basemap's vector tiles (`.pbf`).

Errors are JSON (`core.errors`); a bad or too deep z/x/y is a 404 like a missing tile.
"""

from django.http import HttpResponse

from core.http import client_address
from layers.basemap import compute, selectors, services
from layers.basemap.tiles import vector_tile
from layers.ogc.http import ogc_view
from layers.tiles.selectors import MVT

# Like the other public vector tiles (layers.tiles.views.CACHE_PUBLIC), s.
VECTOR_MAX_AGE_S = 300


def tile_response(request, tile) -> HttpResponse:
    """Answer with a proxied tile (`services.ServedTile`): 200, or 304 on our ETag."""
    response = _response(request, tile.body, tile.content_type, tile.etag, tile.max_age_s)
    if tile.placeholder:
        response["X-Basemap-Placeholder"] = "1"
    return response


def _matches(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in tags or "*" in tags


def _response(request, body: bytes, content_type: str, etag: str, max_age_s: int):
    if _matches(request, etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={max_age_s}"
    return response


@ogc_view
def raster(request, z: str, x: str, y: str):
    """One raster basemap tile through the caching proxy (placeholder when upstream fails)."""
    tile = services.basemap_tile(*compute.parse_tile(z, x, y), client=client_address(request))
    return tile_response(request, tile)


@ogc_view
def vector(request, z: str, x: str, y: str):
    """One vector tile of the local basemap (imported extract or own data); 204 empty."""
    z_, x_, y_ = compute.parse_tile(z, x, y)
    entry = vector_tile(selectors.local_choice().kind, z_, x_, y_)
    if not entry.body:
        return HttpResponse(status=204)
    return _response(request, entry.body, MVT, entry.etag, VECTOR_MAX_AGE_S)
