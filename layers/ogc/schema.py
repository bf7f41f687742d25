"""Types of a collection's properties: queryables, the collection schema, typed filters.

One reading of the registry's `LayerSpec` serves OGC API - Features - Part 3's
`/queryables`, the collection's JSON Schema (`/schema`, which GDAL and QGIS read for
typed fields), the OpenAPI parameters and the checks of filter values: a property's type
comes from its model field (or the output field of an expression), its allowed values from
the field's choices or the spec's `value_labels`.

Queryable (filterable, sortable) are the properties given as field paths; properties that
are SQL expressions (areas) are returned but not queryable.
"""

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from types import MappingProxyType

from django.db import models

from core.errors import InvalidInput
from layers.registry import LayerSpec

JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
# The geometry is queryable under this name in CQL2 (S_INTERSECTS(geometry, …)).
GEOMETRY = "geometry"
GEOMETRY_FORMATS = {
    "Point": "geometry-point",
    "MultiPoint": "geometry-multipoint",
    "LineString": "geometry-linestring",
    "MultiLineString": "geometry-multilinestring",
    "Polygon": "geometry-polygon",
    "MultiPolygon": "geometry-multipolygon",
}
TRUE_WORDS = frozenset({"true", "1", "t", "yes"})
FALSE_WORDS = frozenset({"false", "0", "f", "no"})


@dataclass(frozen=True)
class PropertyType:
    """A property's JSON type ("string", "integer", "number", "boolean"), format, enum."""

    name: str
    path: str | None
    json_type: str
    format: str | None = None
    enum: tuple[str, ...] | None = None

    @property
    def queryable(self) -> bool:
        return self.path is not None

    @property
    def temporal(self) -> bool:
        return self.format in ("date", "date-time")


def _type_of(field) -> tuple[str, str | None]:
    if isinstance(field, models.BooleanField):
        return "boolean", None
    if isinstance(field, models.IntegerField | models.AutoField):
        return "integer", None
    if isinstance(field, models.FloatField | models.DecimalField):
        return "number", None
    if isinstance(field, models.DateTimeField):
        return "string", "date-time"
    if isinstance(field, models.DateField):
        return "string", "date"
    if isinstance(field, models.UUIDField):
        return "string", "uuid"
    return "string", None


# The types of a spec's properties never change (a spec is frozen, its fields' choices
# are declared in code): read once per spec, not on every items request, where reading
# them (model fields, choices, their labels through gettext) cost more CPU than the rest
# of the view. Keyed by id(spec) and checked by identity: a layer registered anew
# (replace=True, in tests) is read again.
_TYPES_KEPT = 64
_types: dict[int, tuple[LayerSpec, MappingProxyType, MappingProxyType]] = {}
_types_lock = threading.Lock()


def _kept_types(spec: LayerSpec) -> tuple[MappingProxyType, MappingProxyType]:
    """Return (every property's type, the queryable ones), read-only, read once per spec."""
    entry = _types.get(id(spec))
    if entry is not None and entry[0] is spec:
        return entry[1], entry[2]
    types = _read_types(spec)
    every = MappingProxyType(types)
    queryable = MappingProxyType({name: t for name, t in types.items() if t.queryable})
    with _types_lock:
        if len(_types) >= _TYPES_KEPT:
            _types.clear()
        _types[id(spec)] = (spec, every, queryable)
    return every, queryable


def property_types(spec: LayerSpec) -> MappingProxyType:
    """Return {name: PropertyType} of every property of the layer, in order (read-only)."""
    return _kept_types(spec)[0]


def _read_types(spec: LayerSpec) -> dict[str, PropertyType]:
    types = {}
    for name, expr in spec.properties.items():
        path = expr if isinstance(expr, str) else None
        field = spec.model_field(expr) if path else _output_field(expr)
        json_type, fmt = _type_of(field) if field is not None else ("string", None)
        choices = tuple(spec.property_choices(name)) if path else ()
        enum = choices if choices and json_type == "string" else None
        types[name] = PropertyType(name, path, json_type, fmt, enum)
    return types


def _output_field(expr):
    try:
        return expr.output_field
    except (AttributeError, Exception):  # an expression without a resolvable type
        return None


def queryables(spec: LayerSpec) -> MappingProxyType:
    """Return {name: PropertyType} of the properties that accept filters and sortby."""
    return _kept_types(spec)[1]


def _property_schema(spec: LayerSpec, ptype: PropertyType) -> dict:
    schema = {"title": spec.property_title(ptype.name), "type": ptype.json_type}
    if ptype.format:
        schema["format"] = ptype.format
    if ptype.enum:
        schema["enum"] = list(ptype.enum)
    return schema


def geometry_schema(spec: LayerSpec) -> dict:
    fmt = GEOMETRY_FORMATS.get(spec.geometry_type(), "geometry-any")
    return {"title": "geometry", "format": fmt, "x-ogc-role": "primary-geometry"}


def queryables_doc(spec: LayerSpec, self_url: str) -> dict:
    """Return the queryables of the layer as a JSON Schema (Part 3, /queryables)."""
    properties = {GEOMETRY: {k: v for k, v in geometry_schema(spec).items() if k != "x-ogc-role"}}
    properties |= {name: _property_schema(spec, t) for name, t in queryables(spec).items()}
    return {
        "$schema": JSON_SCHEMA,
        "$id": self_url,
        "type": "object",
        "title": spec.title(),
        "properties": properties,
        "additionalProperties": False,
    }


def sortables_doc(spec: LayerSpec, self_url: str) -> dict:
    """Return the properties `sortby` accepts as a JSON Schema (Part 5, /sortables)."""
    doc = queryables_doc(spec, self_url)
    del doc["properties"][GEOMETRY]
    return doc


def schema_doc(spec: LayerSpec, self_url: str) -> dict:
    """Return the JSON Schema of the layer's features (every property, typed)."""
    properties = {"id": {"title": "id", "x-ogc-role": "id"}, GEOMETRY: geometry_schema(spec)}
    properties |= {n: _property_schema(spec, t) for n, t in property_types(spec).items()}
    return {
        "$schema": JSON_SCHEMA,
        "$id": self_url,
        "type": "object",
        "title": spec.title(),
        "description": spec.text(),
        "properties": properties,
    }


def coerce(ptype: PropertyType, value, param: str):
    """Return `value` as the property's Python type; 400 naming `param` when it is not one.

    `value` is a URL text (equality filters) or a CQL2 literal (str, int, float, bool,
    date, datetime). A string property with an enum refuses any other value.
    """
    kind = ptype.json_type
    if kind == "boolean":
        return _boolean(value, ptype, param)
    if kind in ("integer", "number"):
        return _number(value, ptype, param)
    if ptype.temporal:
        return _temporal(value, ptype, param)
    if not isinstance(value, str):
        _wrong(ptype, value, param)
    if ptype.enum is not None and value not in ptype.enum:
        raise InvalidInput(
            f"{param}: '{value[:100]}' is not a value of {ptype.name} "
            f"(one of {', '.join(ptype.enum)}).",
            code=f"invalid_{param}",
        )
    return value


def _wrong(ptype: PropertyType, value, param: str):
    shown = str(value)[:100]
    raise InvalidInput(
        f"{param}: {ptype.name} is a {ptype.format or ptype.json_type}; got '{shown}'.",
        code=f"invalid_{param}",
    )


def _boolean(value, ptype, param) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in TRUE_WORDS | FALSE_WORDS:
        return value.lower() in TRUE_WORDS
    _wrong(ptype, value, param)


def _number(value, ptype, param):
    if isinstance(value, bool):
        _wrong(ptype, value, param)
    if isinstance(value, str):
        try:
            value = int(value) if ptype.json_type == "integer" else float(value)
        except ValueError:
            _wrong(ptype, value, param)
    if (
        not isinstance(value, int | float)
        or value != value
        or value in (float("inf"), -float("inf"))
    ):
        _wrong(ptype, value, param)
    if ptype.json_type == "integer" and isinstance(value, float):
        if not value.is_integer():
            _wrong(ptype, value, param)
        value = int(value)
    if isinstance(value, int) and abs(value) > 2**63 - 1:
        _wrong(ptype, value, param)
    return value


def _temporal(value, ptype, param):
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            _wrong(ptype, value, param)
    if not isinstance(value, date):
        _wrong(ptype, value, param)
    if ptype.format == "date-time":
        if not isinstance(value, datetime):
            value = datetime.combine(value, time())
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return value.date() if isinstance(value, datetime) else value
