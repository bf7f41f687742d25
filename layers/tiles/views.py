"""The /tiles/ views: one vector tile (200 MVT, 204 empty, 304 unchanged), TileJSON and
the maps' one style document.

The tiles themselves are built by PostGIS in `layers.tiles.selectors`, the style document
by `layers.tiles.style`.
"""

import hashlib
from functools import partial

from django.db import Error, connection
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, gettext

from core.errors import InvalidInput, NotFound
from core.http import revalidated
from core.timeouts import CANCELLED, is_query_cancelled, public_read_timeout
from layers import registry, styles
from layers.basemap.compute import MAX_ZOOM as BASEMAP_MAX_ZOOM
from layers.basemap.selectors import basemap_choice
from layers.basemap.style import basemap_style
from layers.ogc.http import cors, json_response, ogc_view, reversed_path
from layers.ogc.params import TILE_MAX_ZOOM, parse_tile
from layers.tiles import cache as tilecache
from layers.tiles.selectors import (
    MVT,
    data_max_zoom,
    territory_bounds,
    tile_bytes,
    tilejson_doc,
)
from layers.tiles.style import StyleInputs, style_document

MAX_LAYERS_PER_TILE = 12
CACHE_PUBLIC = "public, max-age=300"
CACHE_PRIVATE = "private, max-age=60"


def _visible_layers(request, layers: str) -> list[registry.LayerSpec]:
    """Return the specs of a comma-separated id list; 404 naming any unknown or hidden one."""
    ids = list(dict.fromkeys(part for part in layers.split(",") if part))
    if not ids or len(ids) > MAX_LAYERS_PER_TILE:
        raise InvalidInput(f"Give 1 to {MAX_LAYERS_PER_TILE} layer ids.", code="invalid_layers")
    specs = [registry.get_visible(layer_id, request.user) for layer_id in ids]
    missing = [layer_id for layer_id, spec in zip(ids, specs, strict=True) if spec is None]
    if missing:
        raise NotFound(f"No layer {', '.join(missing)}.", code="unknown_layer")
    return specs


def _etag_matches(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in tags or "*" in tags


def _etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"' if body else ""


def _accepts_gzip(request) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "")


def _tile_response(request, entry: tilecache.CachedTile):
    if not entry.body:
        return HttpResponse(status=204)
    # Each encoding is its own representation: its own strong ETag (RFC 9110 §8.8.3).
    zipped = _accepts_gzip(request)
    etag = entry.etag[:-1] + '-gz"' if zipped else entry.etag
    if _etag_matches(request, etag):
        response = HttpResponse(status=304)
    elif zipped:
        response = HttpResponse(tilecache.gzipped(entry), content_type=MVT)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(entry.body, content_type=MVT)
    response["ETag"] = etag
    response["Vary"] = "Accept-Encoding"
    return response


def _tile_key(specs: list[registry.LayerSpec], z: int, x: int, y: int) -> tuple:
    # id(spec): a layer registered anew (replace=True) does not reuse the old tiles.
    return (tuple((spec.id, id(spec)) for spec in specs), z, x, y)


def _finished(response, public: bool):
    response["Cache-Control"] = CACHE_PUBLIC if public else CACHE_PRIVATE
    # The same bytes in every language, and for every visitor when public (tiles.middleware).
    response.language_independent = True
    response.visitor_independent = public
    return cors(response)


@ogc_view
def tile(request, layers: str, z: str, x: str, y: str):
    """One vector tile of one or more layers: 200 MVT, 204 empty, 304 when unchanged."""
    specs = _visible_layers(request, layers)
    z_, x_, y_ = parse_tile(z, x, y)

    entry = tilecache.get_or_render(
        _tile_key(specs, z_, x_, y_), partial(_rendered, specs, z_, x_, y_)
    )
    public = all(spec.is_public for spec in specs)
    return _finished(_tile_response(request, entry), public)


def _rendered(specs, z: int, x: int, y: int) -> tuple[bytes, str]:
    """The tile's MVT bytes and their ETag."""
    body = tile_bytes(specs, z, x, y)
    return body, _etag_of(body)


def public_tile(request, layers: str, z: str, x: str, y: str):
    """Return the answer `tile` would give when every layer is public: the tile this worker
    holds, or, outside a transaction, rendered now under the public reads' statement
    timeout. None leaves it to the view: a bad or hidden tile, a database error (which the
    view meets again, and answers), or a cancelled query (marked so that the view is not
    run: `core.timeouts.CANCELLED`)."""
    ids = list(dict.fromkeys(part for part in layers.split(",") if part))
    if not ids or len(ids) > MAX_LAYERS_PER_TILE:
        return None
    specs = [registry.get_visible(layer_id, None) for layer_id in ids]
    if None in specs:
        return None
    try:
        key = _tile_key(specs, *parse_tile(z, x, y))
    except InvalidInput:
        return None
    entry = tilecache.peek(key)
    if entry is None:
        if connection.in_atomic_block:  # the test suite's: the view's savepoint handles it
            return None
        try:
            with public_read_timeout():
                entry = tilecache.get_or_render(key, partial(_rendered, specs, *key[1:]))
        except Error as exc:  # InterfaceError included
            if is_query_cancelled(exc):
                request.META[CANCELLED] = True
            else:  # a broken connection is not the view's to retry on
                connection.close_if_unusable_or_obsolete()
            return None
        except OSError:  # the data version's file (disk full): the stack answers it
            return None
    return _finished(_tile_response(request, entry), public=True)


@ogc_view
def tilejson(request, layers: str):
    """TileJSON 3.0.0 of one layer or a comma-separated set."""
    if request.GET:
        raise InvalidInput("TileJSON takes no query parameters.", code="unknown_parameter")
    specs = _visible_layers(request, layers)
    response = json_response(tilejson_doc(request, layers, specs))
    cache = CACHE_PUBLIC if all(spec.is_public for spec in specs) else CACHE_PRIVATE
    response["Cache-Control"] = cache
    return response


def _tile_template(request, layer_id: str) -> str:
    sample = reversed_path("tiles:tile", (layer_id, "0", "0", "0"))
    return request.build_absolute_uri(sample).replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf")


def _basemap(request, max_zoom: int) -> dict:
    """Return the style document's basemap part for the basemap shown now."""
    choice = basemap_choice()
    sample = reversed_path("basemap:raster", ("0", "0", "0"))
    raster = request.build_absolute_uri(sample).replace("/0/0/0.png", "/{z}/{x}/{y}.png")
    return basemap_style(
        choice.kind,
        raster_tiles=raster,
        vector_tiles=raster.removesuffix(".png") + ".pbf",
        attribution=choice.attribution,
        label=choice.label,
        max_zoom=max_zoom,
        language=get_language() or "uk",
    )


def _style_inputs(request) -> StyleInputs:
    """Gather the visitor's visible layers, in the active language, and our URLs."""
    specs = registry.visible_to(request.user)
    absolute = request.build_absolute_uri
    return StyleInputs(
        name=gettext("Dmytrivska community — GIS"),
        language=get_language() or "uk",
        legends=[spec.legend() for spec in specs],
        tiles={spec.id: _tile_template(request, spec.id) for spec in specs},
        tilejson={spec.id: absolute(reversed_path("tiles:tilejson", (spec.id,))) for spec in specs},
        api={name: absolute(reversed_path(url)) for name, url in registry.endpoints().items()},
        markers={name: style.as_dict() for name, style in styles.markers().items()},
        bounds=territory_bounds(),
        max_zoom=TILE_MAX_ZOOM,
        basemap=_basemap(request, BASEMAP_MAX_ZOOM),
        tile_max_zoom={spec.id: data_max_zoom(spec) for spec in specs},
    )


@ogc_view
def style(request):
    """The MapLibre style document of the layers the visitor may see, in their language."""
    if request.GET:
        raise InvalidInput(
            "The style document takes no query parameters.", code="unknown_parameter"
        )
    response = json_response(style_document(_style_inputs(request)))
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    # Built per visitor (their layers) and language: never shared by caches. Gzipped, and
    # once a minute old revalidated by its ETag (a 304 instead of the whole document).
    return revalidated(request, response, cache_control=CACHE_PRIVATE)
