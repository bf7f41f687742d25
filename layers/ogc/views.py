"""OGC API - Features - Parts 1, 2, 3 (and 5's schemas) at /ogc/ (GeoJSON, HTML, OpenAPI 3.1).

Conformance classes: core, geojson, html, oas30. Collections are the registry's layers
the user may see (`layers.registry.visible_to`); any other id answers 404.

Items: the request is parsed by `layers.ogc.items`; the view counts the matches
(numberMatched, kept per data version: see `ogc_selectors.matched_rows`), reads the
page with a deferred join (`ogc_selectors.page_sql`), writes the response's members, then
appends the features as PostGIS built them (one JSON text per feature, joined). Pages of
more than STREAM_ABOVE features are streamed in batches from a server-side cursor
(`ogc_selectors.stream_features`), so a 10,000-feature page never sits in memory; small
pages (the common case: a map or QGIS asking 10–1,000) take one fetch, which saves the
cursor's extra round trips. Either way no Python loop touches a feature.

A later page of the same request (only `offset` changed, anonymous) is answered by
`layers.ogc.replay` outside Django's request cycle, from the function the view leaves on
its answer (`response.replay`) and the headers the whole stack gave the first page.
"""

import json
from functools import partial

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.errors import InvalidInput, NotFound
from layers import registry
from layers.ogc import crs as ogc_crs
from layers.ogc import items as ogc_items
from layers.ogc import openapi as ogc_openapi
from layers.ogc import replay
from layers.ogc import schema as ogc_schema
from layers.ogc import selectors as ogc_selectors
from layers.ogc import tiles as ogc_tiles
from layers.ogc.http import (
    GEOJSON,
    HTML,
    JSON,
    OPENAPI,
    OPENAPI_30,
    SCHEMA_JSON,
    cors,
    json_response,
    link,
    ogc_view,
    self_links,
    url,
    wanted_format,
)
from layers.ogc.params import check_known, parse_format

CRS84 = ogc_crs.CRS84_URI
STYLE = ogc_tiles.STYLE
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
FEATURES = "http://www.opengis.net/spec/ogcapi-features-{part}/1.0/conf/{name}"
CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf/{name}"
# Each class here has its tests in tests/layers/test_ogc*.py.
CONFORMANCE = [
    *(FEATURES.format(part=1, name=n) for n in ("core", "geojson", "html", "oas30")),
    FEATURES.format(part=2, name="crs"),
    *(
        FEATURES.format(part=3, name=n)
        for n in ("queryables", "queryables-query-parameters", "filter", "features-filter")
    ),
    *(FEATURES.format(part=5, name=n) for n in ("schemas", "core-roles-features", "sortables")),
    *(
        CQL2.format(name=n)
        for n in (
            "cql2-text",
            "cql2-json",
            "basic-cql2",
            "advanced-comparison-operators",
            "case-insensitive-comparison",
            "basic-spatial-functions",
            "basic-spatial-functions-plus",
            "spatial-functions",
            "temporal-functions",
        )
    ),
    *ogc_tiles.TILES_CONFORMANCE,
]
REL_QUERYABLES = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
REL_SCHEMA = "http://www.opengis.net/def/rel/ogc/1.0/schema"
REL_SORTABLES = "http://www.opengis.net/def/rel/ogc/1.0/sortables"
REL_TILING_SCHEMES = "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"
REL_TILESETS = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
# Pages up to this size are read in one fetch (a server-side cursor costs three round
# trips, ~3 ms); larger pages are streamed in batches so that they never sit in memory.
STREAM_ABOVE = 1000


def _layer(request, collection_id: str) -> registry.LayerSpec:
    spec = registry.get_visible(collection_id, request.user)
    if spec is None:
        raise NotFound(f"No collection '{collection_id}'.", code="unknown_collection")
    return spec


def _page(request, template: str, context: dict):
    return cors(render(request, f"layers/ogc/{template}", context))


@ogc_view
def landing(request):
    """The landing page: what this API is and where its parts are."""
    check_known(request.GET, {"f"})
    fmt = wanted_format(request)
    doc = {
        "title": _("Dmytrivska community: geodata (OGC API - Features)"),
        "description": _(
            "Territory, settlements, facilities and other layers of the Dmytrivska "
            "rural territorial community as OGC API - Features collections."
        ),
        "links": [
            *self_links(request, "ogc:landing", fmt=fmt),
            link(url(request, "ogc:api", query={"f": "json"}), "service-desc", OPENAPI, "OpenAPI"),
            link(url(request, "ogc:api", query={"f": "html"}), "service-doc", HTML, "API (HTML)"),
            link(url(request, "ogc:conformance"), "conformance", JSON, _("Conformance")),
            link(url(request, "ogc:collections"), "data", JSON, _("Collections")),
            link(
                url(request, "ogc:tile_matrix_sets"), REL_TILING_SCHEMES, JSON, _("Tiling schemes")
            ),
            link(url(request, "ogc:dataset_tilesets"), REL_TILESETS, JSON, _("Vector tiles")),
            link(url(request, "tiles:style"), "stylesheet", STYLE, _("Map style (MapLibre)")),
        ],
    }
    if fmt == "html":
        return _page(request, "landing.html", {"doc": doc})
    return json_response(doc)


@ogc_view
def conformance(request):
    """The conformance classes this API implements."""
    check_known(request.GET, {"f"})
    fmt = wanted_format(request)
    doc = {"conformsTo": CONFORMANCE}
    if fmt == "html":
        return _page(request, "conformance.html", {"doc": doc})
    return json_response(doc)


def collection_doc(request, spec: registry.LayerSpec) -> dict:
    """Describe one collection: titles, extents in CRS84, links to its items and tiles."""
    extent = {}
    if box := ogc_selectors.spatial_extent(spec):
        extent["spatial"] = {"bbox": [box], "crs": CRS84}
    if interval := ogc_selectors.temporal_extent(spec):
        extent["temporal"] = {"interval": [interval], "trs": GREGORIAN}
    items = "ogc:items"
    links = [
        *self_links(request, "ogc:collection", spec.id, fmt="json"),
        link(url(request, items, spec.id, query={"f": "json"}), "items", GEOJSON, _("Features")),
        link(url(request, items, spec.id, query={"f": "html"}), "items", HTML, _("Features")),
        link(url(request, "ogc:queryables", spec.id), REL_QUERYABLES, SCHEMA_JSON, _("Queryables")),
        link(url(request, "ogc:sortables", spec.id), REL_SORTABLES, SCHEMA_JSON, _("Sortables")),
        link(url(request, "ogc:schema", spec.id), REL_SCHEMA, SCHEMA_JSON, _("Schema")),
        link(url(request, "ogc:schema", spec.id), "describedby", SCHEMA_JSON, _("Schema")),
        link(url(request, "tiles:tilejson", spec.id), "describedby", JSON, "TileJSON"),
        link(
            url(request, "ogc:collection_tilesets", spec.id), REL_TILESETS, JSON, _("Vector tiles")
        ),
    ]
    latest = spec.latest_date()
    return {
        "id": spec.id,
        "title": spec.title(),
        "description": spec.text(),
        "itemType": "feature",
        "crs": list(ogc_crs.URIS),
        "storageCrs": CRS84,
        "extent": extent,
        "links": links,
        "hromada": {
            "geometryType": spec.geometry_type(),
            "source": spec.source_text(),
            "dataDate": latest.isoformat() if latest else None,
            "style": spec.style.as_dict(),
            "queryables": sorted(spec.queryable()),
        },
    }


@ogc_view
def collections(request):
    """Every collection the user may see."""
    check_known(request.GET, {"f"})
    fmt = wanted_format(request)
    docs = [collection_doc(request, spec) for spec in registry.visible_to(request.user)]
    doc = {"links": self_links(request, "ogc:collections", fmt=fmt), "collections": docs}
    if fmt == "html":
        return _page(request, "collections.html", {"doc": doc})
    return json_response(doc)


@ogc_view
def collection(request, collection_id: str):
    """One collection's description."""
    spec = _layer(request, collection_id)
    check_known(request.GET, {"f"})
    fmt = wanted_format(request)
    doc = collection_doc(request, spec)
    doc["links"][:2] = self_links(request, "ogc:collection", spec.id, fmt=fmt)
    if fmt == "html":
        return _page(request, "collection.html", {"doc": doc, "spec": spec})
    return json_response(doc)


def _with_crs(response, crs: ogc_crs.Crs):
    response["Content-Crs"] = ogc_crs.content_crs(crs)
    return response


@ogc_view
def items(request, collection_id: str):
    """The features of a collection: bbox, datetime, equality and CQL2 filters, sortby,
    properties, crs, limit/offset pages."""
    spec = _layer(request, collection_id)
    fmt = wanted_format(request, GEOJSON)
    query = ogc_items.items_query(request, spec)
    streamed = fmt == "json" and query.limit > STREAM_ABOVE
    page = ogc_items.items_page(
        request, spec, query, fmt=fmt, offset=query.offset, streamed=streamed
    )
    if fmt == "html":
        return _page(request, "items.html", ogc_items.items_context(spec, page.texts, page.head))
    if streamed:
        body = _chain(ogc_items.opening(page), ogc_selectors.stream_features(*page.sql), "]}")
        response = StreamingHttpResponse(body, content_type=GEOJSON)
    else:
        response = HttpResponse(ogc_items.page_geojson(page), content_type=GEOJSON)
        # Later pages of the same request are answered by layers.ogc.replay.
        response.replay = replay.Replay.of(request, partial(_geojson_at, spec=spec, query=query))
    return cors(_with_crs(response, query.crs))


def _geojson_at(request, offset: int, *, spec, query) -> str:
    """The GeoJSON text of the same request's page at `offset` (layers.ogc.replay);
    LookupError when the layer was since replaced or hidden (Django answers instead)."""
    if registry.get_visible(spec.id, None) is not spec:
        raise LookupError(f"layer {spec.id!r} changed")
    page = ogc_items.items_page(request, spec, query, fmt="json", offset=offset, streamed=False)
    return ogc_items.page_geojson(page)


def _chain(first: str, middle, last: str):
    yield first
    yield from middle
    yield last


@ogc_view
def item(request, collection_id: str, feature_id: str):
    """One feature by its id."""
    spec = _layer(request, collection_id)
    check_known(request.GET, {"f", "crs"})
    fmt = wanted_format(request, GEOJSON)
    crs = ogc_crs.parse_crs(request.GET.get("crs"), "crs")
    text = ogc_selectors.feature_by_id(spec, feature_id, None if crs.is_crs84 else crs)
    if text is None:
        raise NotFound(f"No feature '{feature_id}' in '{spec.id}'.", code="unknown_feature")
    feature = json.loads(text)
    feature["links"] = [
        *self_links(request, "ogc:item", spec.id, feature_id, fmt=fmt, json_type=GEOJSON),
        link(url(request, "ogc:collection", spec.id), "collection", JSON, spec.title()),
    ]
    if fmt == "html":
        labels = ogc_items.value_labels(spec)
        rows = [
            (spec.property_title(n), ogc_items.shown(feature["properties"].get(n), labels[n]))
            for n in spec.properties
        ]
        return _page(request, "item.html", {"feature": feature, "spec": spec, "rows": rows})
    return _with_crs(json_response(feature, content_type=GEOJSON), crs)


def _schema_response(request, spec, name: str, build):
    check_known(request.GET, {"f"})
    if parse_format(request.GET.get("f")) == "html":
        raise InvalidInput("This resource is JSON Schema only (f=json).", code="invalid_format")
    return json_response(build(spec, url(request, name, spec.id)), content_type=SCHEMA_JSON)


@ogc_view
def queryables(request, collection_id: str):
    """The properties a filter may name, as a JSON Schema (Part 3)."""
    spec = _layer(request, collection_id)
    return _schema_response(request, spec, "ogc:queryables", ogc_schema.queryables_doc)


@ogc_view
def sortables(request, collection_id: str):
    """The properties `sortby` may name, as a JSON Schema (Part 5)."""
    spec = _layer(request, collection_id)
    return _schema_response(request, spec, "ogc:sortables", ogc_schema.sortables_doc)


@ogc_view
def schema(request, collection_id: str):
    """The typed schema of the collection's features (Part 5), for GDAL and QGIS."""
    spec = _layer(request, collection_id)
    return _schema_response(request, spec, "ogc:schema", ogc_schema.schema_doc)


@ogc_view
def api(request):
    """The OpenAPI 3.1 definition of this API (only the collections the user may see)."""
    check_known(request.GET, {"f"})
    fmt = wanted_format(request, OPENAPI)
    # A client that asks for OpenAPI 3.0 only (GDAL up to 3.8 reads its queryables from
    # here) gets the same document as 3.0.3: it uses nothing 3.0 lacks.
    accept = request.headers.get("Accept", "")
    legacy = "version=3.0" in accept and "version=3.1" not in accept
    version = "3.0.3" if legacy else "3.1.0"
    doc = ogc_openapi.document(request, registry.visible_to(request.user), version=version)
    if fmt == "html":
        return _page(request, "api.html", {"doc": doc})
    return json_response(doc, content_type=OPENAPI_30 if legacy else OPENAPI)


@ogc_view
def not_found(request, rest: str = ""):
    """Any other path under /ogc/ or /tiles/: 404 in the OGC and the project error shape."""
    raise NotFound(f"Nothing at {request.path}.")
