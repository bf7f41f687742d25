"""The OpenAPI 3.0 definition of /ogc/ (conformance class oas30), built per request.

Each collection gets its own paths, so that its queryable properties appear as query
parameters of its items operation; GDAL's OAPIF driver reads them from here to send
attribute filters to the server instead of filtering locally.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _

from layers.ogc.http import GEOJSON, HTML, JSON, OPENAPI
from layers.ogc.params import LIMIT_DEFAULT, LIMIT_MAX
from layers.registry import LayerSpec

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


def _schema_of(field) -> dict:
    """Return the OpenAPI schema of a model field's values."""
    if isinstance(field, models.BooleanField):
        return {"type": "boolean"}
    if isinstance(field, models.IntegerField | models.AutoField):
        return {"type": "integer"}
    if isinstance(field, models.FloatField | models.DecimalField):
        return {"type": "number"}
    if isinstance(field, models.DateTimeField):
        return {"type": "string", "format": "date-time"}
    if isinstance(field, models.DateField):
        return {"type": "string", "format": "date"}
    return {"type": "string"}


def _queryable_parameters(spec: LayerSpec) -> list[dict]:
    return [
        {
            "name": name,
            "in": "query",
            "description": _("Only features whose “%(title)s” equals this value.")
            % {"title": spec.property_title(name)},
            "required": False,
            "schema": _schema_of(spec.model_field(path)),
            "style": "form",
            "explode": False,
        }
        for name, path in spec.queryable().items()
    ]


def _collection_paths(spec: LayerSpec) -> dict:
    base = f"/collections/{spec.id}"
    common = [{"$ref": f"{REF}/parameters/{name}"} for name in ("f", "bbox", "limit", "offset")]
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
            [{"$ref": f"{REF}/parameters/featureId"}, *f],
            _response(_("The feature."), GEOJSON, HTML),
        ),
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
    }


def document(request, specs: list[LayerSpec]) -> dict:
    """Return the OpenAPI 3.0 document for the given (visible) collections."""
    paths = _service_paths()
    for spec in specs:
        paths |= _collection_paths(spec)
    server = request.build_absolute_uri(reverse("ogc:landing")).rstrip("/")
    error = {"application/json": {"schema": {"$ref": f"{REF}/schemas/exception"}}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": _("Dmytrivska community: geodata (OGC API - Features)"),
            "version": "1.0.0",
            "description": _("OGC API - Features - Part 1: Core; GeoJSON, HTML, OpenAPI 3.0."),
        },
        "servers": [{"url": server}],
        "tags": [{"name": "service"}] + [{"name": s.id, "description": s.title()} for s in specs],
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
