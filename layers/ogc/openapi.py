"""The OpenAPI 3.1 definition of /ogc/ (conformance class oas30), built per request.

OpenAPI 3.1 is a superset of what oas30 asks: its schemas are JSON Schema 2020-12.

Each collection gets its own paths, so that its queryable properties appear as query
parameters of its items operation; GDAL's OAPIF driver reads them from here to send
attribute filters to the server instead of filtering locally.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from layers.ogc import crs as ogc_crs
from layers.ogc import schema as ogc_schema
from layers.ogc.http import GEOJSON, HTML, JSON, OPENAPI, SCHEMA_JSON
from layers.ogc.params import LIMIT_DEFAULT, LIMIT_MAX
from layers.registry import LayerSpec
from layers.tiles.selectors import MVT

REF = "#/components"
COMMON_PARAMETERS = {
    "f": {
        "name": "f",
        "in": "query",
        "description": "The response format; without it the Accept header decides.",
        "required": False,
        "schema": {"type": "string", "enum": ["json", "html"]},
        "style": "form",
        "explode": False,
    },
    "bbox": {
        "name": "bbox",
        "in": "query",
        "description": "Only features intersecting the box: west,south,east,north in CRS84 "
        "(4 numbers, or 6 with heights).",
        "required": False,
        "schema": {
            "type": "array",
            "oneOf": [{"minItems": 4, "maxItems": 4}, {"minItems": 6, "maxItems": 6}],
            "items": {"type": "number"},
        },
        "style": "form",
        "explode": False,
    },
    "limit": {
        "name": "limit",
        "in": "query",
        "description": f"Features per page. Minimum 1, maximum {LIMIT_MAX}, default "
        f"{LIMIT_DEFAULT}.",
        "required": False,
        "schema": {
            "type": "integer",
            "minimum": 1,
            "maximum": LIMIT_MAX,
            "default": LIMIT_DEFAULT,
        },
        "style": "form",
        "explode": False,
    },
    "offset": {
        "name": "offset",
        "in": "query",
        "description": "Features to skip (the `next` and `prev` links set it).",
        "required": False,
        "schema": {"type": "integer", "minimum": 0, "default": 0},
    },
    "datetime": {
        "name": "datetime",
        "in": "query",
        "description": "An RFC 3339 instant or interval (`a/b`, `../b`, `a/..`); dates are "
        "whole days in Europe/Kyiv.",
        "required": False,
        "schema": {"type": "string"},
        "style": "form",
        "explode": False,
    },
    "filter": {
        "name": "filter",
        "in": "query",
        "description": "A CQL2 filter over the collection's queryables (text or JSON, "
        "see filter-lang).",
        "required": False,
        "schema": {"type": "string"},
    },
    "filter-lang": {
        "name": "filter-lang",
        "in": "query",
        "description": "The encoding of `filter`.",
        "required": False,
        "schema": {"type": "string", "enum": ["cql2-text", "cql2-json"], "default": "cql2-text"},
    },
    "filter-crs": {
        "name": "filter-crs",
        "in": "query",
        "description": "The CRS of the geometries in `filter` (default CRS84).",
        "required": False,
        "schema": {"type": "string", "format": "uri", "enum": list(ogc_crs.URIS)},
    },
    "sortby": {
        "name": "sortby",
        "in": "query",
        "description": "Sortable properties, comma-separated, each with + (ascending, the "
        "default) or - (descending).",
        "required": False,
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": False,
    },
    "properties": {
        "name": "properties",
        "in": "query",
        "description": "Only these properties in each feature (comma-separated).",
        "required": False,
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": False,
    },
    "crs": {
        "name": "crs",
        "in": "query",
        "description": "The CRS of the geometries in the response (default CRS84), in its "
        "own axis order.",
        "required": False,
        "schema": {"type": "string", "format": "uri", "enum": list(ogc_crs.URIS)},
    },
    "bbox-crs": {
        "name": "bbox-crs",
        "in": "query",
        "description": "The CRS of `bbox` (default CRS84).",
        "required": False,
        "schema": {"type": "string", "format": "uri", "enum": list(ogc_crs.URIS)},
    },
    "featureId": {
        "name": "featureId",
        "in": "path",
        "description": "The local identifier of a feature.",
        "required": True,
        "schema": {"type": "string"},
    },
}
EXCEPTION = {
    "type": "object",
    "description": 'An OGC exception and the project\'s {"error": {"code", "message"}} in one.',
    "required": ["code"],
    "properties": {
        "code": {"type": "string"},
        "description": {"type": "string"},
        "error": {
            "type": "object",
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        },
    },
}


def _response(description: str, *media_types: str) -> dict:
    return {
        "description": description,
        "content": {media: {"schema": {"type": "object"}} for media in media_types},
    }


def _operation(summary: str, op_id: str, tag: str, parameters: list, ok: dict) -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": op_id,
            "tags": [tag],
            "parameters": parameters,
            "responses": {
                "200": ok,
                "400": {"$ref": f"{REF}/responses/InvalidParameter"},
                "404": {"$ref": f"{REF}/responses/NotFound"},
            },
        }
    }


def _schema_of(ptype: ogc_schema.PropertyType) -> dict:
    """Return the OpenAPI schema of a property's values."""
    schema = {"type": ptype.json_type}
    if ptype.format:
        schema["format"] = ptype.format
    if ptype.enum:
        schema["enum"] = list(ptype.enum)
    return schema


def _queryable_parameters(spec: LayerSpec) -> list[dict]:
    return [
        {
            "name": name,
            "in": "query",
            "description": _("Only features whose “%(title)s” equals this value.")
            % {"title": spec.property_title(name)},
            "required": False,
            "schema": _schema_of(ptype),
            "style": "form",
            "explode": False,
        }
        for name, ptype in ogc_schema.queryables(spec).items()
    ]


def _collection_paths(spec: LayerSpec) -> dict:
    base = f"/collections/{spec.id}"
    common = [
        {"$ref": f"{REF}/parameters/{name}"}
        for name in ("f", "bbox", "bbox-crs", "limit", "offset", "filter", "filter-lang")
        + ("filter-crs", "sortby", "properties", "crs")
    ]
    if spec.temporal:
        common.append({"$ref": f"{REF}/parameters/datetime"})
    f = [{"$ref": f"{REF}/parameters/f"}]
    title = spec.title()
    return {
        base: _operation(
            f"{title}: {_('description')}",
            f"describeCollection_{spec.id}",
            spec.id,
            f,
            _response(_("The collection."), JSON, HTML),
        ),
        f"{base}/items": _operation(
            f"{title}: {_('features')}",
            f"getFeatures_{spec.id}",
            spec.id,
            common + _queryable_parameters(spec),
            _response(_("The features."), GEOJSON, HTML),
        ),
        f"{base}/items/{{featureId}}": _operation(
            f"{title}: {_('one feature')}",
            f"getFeature_{spec.id}",
            spec.id,
            [{"$ref": f"{REF}/parameters/featureId"}, *f, {"$ref": f"{REF}/parameters/crs"}],
            _response(_("The feature."), GEOJSON, HTML),
        ),
        **{
            f"{base}/{name}": _operation(
                f"{title}: {name}",
                f"get{name.title()}_{spec.id}",
                spec.id,
                f,
                _response(_("A JSON Schema."), SCHEMA_JSON),
            )
            for name in ("queryables", "sortables", "schema")
        },
        **_tiles_paths(base, spec.id, spec.id),
    }


def _service_paths() -> dict:
    f = [{"$ref": f"{REF}/parameters/f"}]
    return {
        "/": _operation(
            _("Landing page"), "getLandingPage", "service", f, _response("", JSON, HTML)
        ),
        "/conformance": _operation(
            _("Conformance classes"), "getConformance", "service", f, _response("", JSON, HTML)
        ),
        "/api": _operation(
            _("This API definition"), "getApi", "service", f, _response("", OPENAPI, HTML)
        ),
        "/collections": _operation(
            _("Collections"), "getCollections", "service", f, _response("", JSON, HTML)
        ),
        **_tiles_paths("", "dataset", "tiles"),
        "/tileMatrixSets": _operation(
            _("Tiling schemes"), "getTileMatrixSets", "tiles", f, _response("", JSON)
        ),
        "/tileMatrixSets/{tileMatrixSetId}": _operation(
            "WebMercatorQuad", "getTileMatrixSet", "tiles", [TMS_PARAM], _response("", JSON)
        ),
    }


TMS_PARAM = {
    "name": "tileMatrixSetId",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": ["WebMercatorQuad"]},
}
TILE_PARAMS = [
    TMS_PARAM,
    *(
        {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
        for name in ("tileMatrix", "tileRow", "tileCol")
    ),
]


def _tiles_paths(base: str, op_suffix: str, tag: str) -> dict:
    """The tileset list, tileset and tile operations under `base` (a collection or none)."""
    empty = {"description": _("No feature in this tile.")}
    tile = _operation(
        _("Vector tile"), f"getTile_{op_suffix}", tag, TILE_PARAMS, _response("", MVT)
    )
    tile["get"]["responses"]["204"] = empty
    return {
        f"{base}/tiles": _operation(
            _("Vector tiles"), f"getTileSets_{op_suffix}", tag, [], _response("", JSON)
        ),
        f"{base}/tiles/{{tileMatrixSetId}}": _operation(
            _("Vector tiles"), f"getTileSet_{op_suffix}", tag, [TMS_PARAM], _response("", JSON)
        ),
        f"{base}/tiles/{{tileMatrixSetId}}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}": tile,
    }


def document(request, specs: list[LayerSpec], version: str = "3.1.0") -> dict:
    """Return the OpenAPI 3.1 document for the given (visible) collections."""
    paths = _service_paths()
    for spec in specs:
        paths |= _collection_paths(spec)
    server = request.build_absolute_uri(reverse("ogc:landing")).rstrip("/")
    error = {"application/json": {"schema": {"$ref": f"{REF}/schemas/exception"}}}
    return {
        "openapi": version,
        "info": {
            "title": _("Dmytrivska community: geodata (OGC API - Features)"),
            "version": "1.0.0",
            "description": _(
                "OGC API - Features - Parts 1, 2 and 3: GeoJSON, HTML, CRSs, CQL2 filters."
            ),
        },
        "servers": [{"url": server}],
        "tags": [{"name": "service"}, {"name": "tiles"}]
        + [{"name": s.id, "description": s.title()} for s in specs],
        "paths": paths,
        "components": {
            "parameters": COMMON_PARAMETERS,
            "schemas": {"exception": EXCEPTION},
            "responses": {
                "InvalidParameter": {"description": _("A parameter is invalid."), "content": error},
                "NotFound": {"description": _("No such resource."), "content": error},
            },
        },
    }
