"""OGC API - Tiles over the vector tiles of /tiles/ (MVT in the WebMercatorQuad).

* `/ogc/tileMatrixSets`, `/ogc/tileMatrixSets/WebMercatorQuad`: the one tile matrix set,
  as OGC Two Dimensional Tile Matrix Set 2.0 JSON;
* `/ogc/collections/{id}/tiles`, `…/tiles/WebMercatorQuad`: a collection's tileset list
  and metadata (limits from the layer's extent, zooms from its data);
* `/ogc/tiles`, `/ogc/tiles/WebMercatorQuad`: the dataset tileset, every visible layer in
  one tile;
* `…/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}`: the tile itself, the same bytes,
  ETag and caching as `/tiles/{layers}/{z}/{x}/{y}.pbf` (the OGC order is row, then col).

Every tileset links the TileJSON and the MapLibre style document (`/tiles/style.json`).
"""

import math

from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import NotFound
from layers import registry
from layers.ogc import selectors as ogc_selectors
from layers.ogc.http import JSON, check_only_f, json_response, link, ogc_view, url
from layers.ogc.params import TILE_MAX_ZOOM
from layers.tiles import views as tile_views
from layers.tiles.selectors import data_max_zoom

TMS_ID = "WebMercatorQuad"
TMS_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
EPSG_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
MVT = "application/vnd.mapbox-vector-tile"
STYLE = "application/vnd.mapbox.style+json"
REL = "http://www.opengis.net/def/rel/ogc/1.0/"
HALF = 20037508.3427892
# Scale denominator of zoom 0 at 0.28 mm pixels (OGC 17-083r4, Annex D).
SCALE_0 = 559082264.0287178
TILES_CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/dataset-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
]


def tile_matrix_set() -> dict:
    """Return the WebMercatorQuad tile matrix set (zooms 0–22) as TMS 2.0 JSON."""
    return {
        "id": TMS_ID,
        "title": "Google Maps Compatible for the World",
        "uri": TMS_URI,
        "crs": EPSG_3857,
        "orderedAxes": ["X", "Y"],
        "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
        "tileMatrices": [
            {
                "id": str(z),
                "scaleDenominator": SCALE_0 / 2**z,
                "cellSize": 2 * HALF / 256 / 2**z,
                "cornerOfOrigin": "topLeft",
                "pointOfOrigin": [-HALF, HALF],
                "tileWidth": 256,
                "tileHeight": 256,
                "matrixWidth": 2**z,
                "matrixHeight": 2**z,
            }
            for z in range(TILE_MAX_ZOOM + 1)
        ],
    }


def _tile_index(lon: float, lat: float, z: int) -> tuple[int, int]:
    """Return (col, row) of the WebMercatorQuad tile holding (lon, lat) at zoom z."""
    lat = max(min(lat, 85.0511287), -85.0511287)
    n = 2**z
    col = int((lon + 180) / 360 * n)
    row = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(max(col, 0), n - 1), min(max(row, 0), n - 1)


def _limits(bbox: list[float] | None, min_zoom: int, max_zoom: int) -> list[dict]:
    if bbox is None:
        return []
    limits = []
    for z in range(min_zoom, max_zoom + 1):
        west_col, north_row = _tile_index(bbox[0], bbox[3], z)
        east_col, south_row = _tile_index(bbox[2], bbox[1], z)
        limits.append(
            {
                "tileMatrix": str(z),
                "minTileRow": north_row,
                "maxTileRow": south_row,
                "minTileCol": west_col,
                "maxTileCol": east_col,
            }
        )
    return limits


def _union(boxes):
    boxes = [box for box in boxes if box]
    if not boxes:
        return None
    return [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]


def _tileset_links(request, specs, layers: str, self_href: str) -> list[dict]:
    sample = reverse("tiles:tile", kwargs={"layers": layers, "z": "0", "x": "0", "y": "0"})
    template = request.build_absolute_uri(sample).replace(
        "/0/0/0.pbf", "/{tileMatrix}/{tileCol}/{tileRow}.pbf"
    )
    tms = url(request, "ogc:tile_matrix_set", TMS_ID)
    tilejson = url(request, "tiles:tilejson", layers)
    return [
        link(self_href, "self", JSON, _("This tileset")),
        link(tms, f"{REL}tiling-scheme", JSON, TMS_ID),
        {**link(template, "item", MVT, _("Vector tiles")), "templated": True},
        link(tilejson, "describedby", JSON, "TileJSON 3.0.0"),
        link(url(request, "tiles:style"), "stylesheet", STYLE, _("Map style (MapLibre)")),
    ]


def tileset_doc(request, specs: list[registry.LayerSpec], layers: str, self_href: str) -> dict:
    """Return the tileset metadata of these layers in the WebMercatorQuad."""
    bbox = _union(ogc_selectors.spatial_extent(spec) for spec in specs)
    min_zoom = min(spec.min_zoom for spec in specs)
    max_zoom = max(data_max_zoom(spec) for spec in specs)
    doc = {
        "title": " + ".join(spec.title() for spec in specs),
        "dataType": "vector",
        "crs": EPSG_3857,
        "tileMatrixSetURI": TMS_URI,
        "tileMatrixSetLimits": _limits(bbox, min_zoom, max_zoom),
        "layers": [
            {
                "id": spec.id,
                "title": spec.title(),
                "dataType": "vector",
                "geometryDimension": _dimension(spec.geometry_type()),
                "minTileMatrix": str(spec.min_zoom),
                "maxTileMatrix": str(data_max_zoom(spec)),
            }
            for spec in specs
        ],
        "links": _tileset_links(request, specs, layers, self_href),
    }
    if bbox:
        doc["boundingBox"] = {
            "lowerLeft": bbox[:2],
            "upperRight": bbox[2:],
            "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        }
    return doc


def _dimension(geometry_type: str) -> int:
    if "Point" in geometry_type:
        return 0
    return 1 if "Line" in geometry_type else 2


def _tilesets(request, specs, layers: str, tileset_href: str) -> dict:
    summary = tileset_doc(request, specs, layers, tileset_href)
    summary = {k: summary[k] for k in ("title", "dataType", "crs", "tileMatrixSetURI", "links")}
    return {"tilesets": [summary]}


def _layer(request, collection_id: str) -> registry.LayerSpec:
    spec = registry.get_visible(collection_id, request.user)
    if spec is None:
        raise NotFound(f"No collection '{collection_id}'.", code="unknown_collection")
    return spec


def _all_layers(request) -> tuple[list, str]:
    specs = registry.visible_to(request.user)[: tile_views.MAX_LAYERS_PER_TILE]
    return specs, ",".join(spec.id for spec in specs)


def _check_tms(tms_id: str) -> None:
    if tms_id != TMS_ID:
        raise NotFound(f"No tile matrix set '{tms_id}' (only {TMS_ID}).", code="unknown_tms")


@ogc_view
def tile_matrix_sets(request):
    check_only_f(request)
    href = url(request, "ogc:tile_matrix_set", TMS_ID)
    item = {
        "id": TMS_ID,
        "title": TMS_ID,
        "uri": TMS_URI,
        "links": [link(href, "self", JSON, TMS_ID)],
    }
    return json_response({"tileMatrixSets": [item]})


@ogc_view
def tile_matrix_set_view(request, tms_id: str):
    check_only_f(request)
    _check_tms(tms_id)
    return json_response(tile_matrix_set())


@ogc_view
def collection_tilesets(request, collection_id: str):
    check_only_f(request)
    spec = _layer(request, collection_id)
    href = url(request, "ogc:collection_tileset", spec.id, TMS_ID)
    return json_response(_tilesets(request, [spec], spec.id, href))


@ogc_view
def collection_tileset(request, collection_id: str, tms_id: str):
    check_only_f(request)
    spec = _layer(request, collection_id)
    _check_tms(tms_id)
    href = url(request, "ogc:collection_tileset", spec.id, TMS_ID)
    return json_response(tileset_doc(request, [spec], spec.id, href))


@ogc_view
def dataset_tilesets(request):
    check_only_f(request)
    specs, layers = _all_layers(request)
    href = url(request, "ogc:dataset_tileset", TMS_ID)
    return json_response(_tilesets(request, specs, layers, href))


@ogc_view
def dataset_tileset(request, tms_id: str):
    check_only_f(request)
    _check_tms(tms_id)
    specs, layers = _all_layers(request)
    href = url(request, "ogc:dataset_tileset", TMS_ID)
    return json_response(tileset_doc(request, specs, layers, href))


@ogc_view
def collection_tile(request, collection_id: str, tms_id: str, z: str, row: str, col: str):
    """One tile of a collection, in OGC's order (tileMatrix/tileRow/tileCol)."""
    _check_tms(tms_id)
    return tile_views.tile(request, collection_id, z, col, row)


@ogc_view
def dataset_tile(request, tms_id: str, z: str, row: str, col: str):
    """One tile of every visible layer, in OGC's order."""
    _check_tms(tms_id)
    _, layers = _all_layers(request)
    return tile_views.tile(request, layers, z, col, row)
