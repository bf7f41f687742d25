"""CQL2 filters (OGC API - Features - Part 3, OGC 21-065) compiled to a Django `Q`.

pygeofilter parses the text (`filter-lang=cql2-text`, the default) or JSON
(`cql2-json`) encoding into its AST; `to_q` walks that AST and builds a `Q` over the
layer's queryable properties only, so the filter becomes part of the one SQL statement
of a page and of its count, every literal a bound parameter. Nothing is filtered in
Python.

Supported: AND, OR, NOT; =, <>, <, <=, >, >=; LIKE (`%`, `_`, `\\` escape), BETWEEN,
IN, IS NULL; CASEI on either side; the spatial functions S_INTERSECTS, S_WITHIN,
S_CONTAINS, S_DISJOINT, S_TOUCHES, S_CROSSES, S_OVERLAPS, S_EQUALS of the geometry and a
geometry literal (CRS84 unless `filter-crs`); the temporal functions T_* of a date or
date-time property and a DATE, TIMESTAMP or INTERVAL literal.

Before any parsing the filter is bounded (length, nesting, predicates, vertices), so a
hostile filter costs a 400, not a deep recursion, a huge geometry or a slow query. Every
failure is an `InvalidInput` naming the `filter` parameter.
"""

import json
import threading
from datetime import date

from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.db.models import F, Q, Value
from django.db.models.functions import Lower
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    IsNull,
    LessThan,
    LessThanOrEqual,
    Lookup,
)
from pygeofilter import ast, values

from layers.ogc.cql2_parsing import MAX_DEPTH, bad, parse
from layers.ogc.cql2_temporal import NOTHING, TEMPORAL, TEMPORAL_MIRROR
from layers.ogc.crs import Crs
from layers.ogc.schema import GEOMETRY, PropertyType, coerce, queryables
from layers.registry import LayerSpec

MAX_NODES = 400
MAX_VERTICES = 5_000
MAX_IN_ITEMS = 500
PARAM = "filter"
SPATIAL = {
    ast.GeometryIntersects: "intersects",
    ast.GeometryWithin: "within",
    ast.GeometryContains: "contains",
    ast.GeometryDisjoint: "disjoint",
    ast.GeometryTouches: "touches",
    ast.GeometryCrosses: "crosses",
    ast.GeometryOverlaps: "overlaps",
    ast.GeometryEquals: "equals",
}
SPATIAL_MIRROR = {"within": "contains", "contains": "within"}
COMPARE = {
    ast.Equal: Exact,
    ast.LessThan: LessThan,
    ast.LessEqual: LessThanOrEqual,
    ast.GreaterThan: GreaterThan,
    ast.GreaterEqual: GreaterThanOrEqual,
}
# A literal on the left: `5 < x` is `x > 5`.
MIRRORED = {
    ast.LessThan: ast.GreaterThan,
    ast.LessEqual: ast.GreaterEqual,
    ast.GreaterThan: ast.LessThan,
    ast.GreaterEqual: ast.LessEqual,
}


class Like(Lookup):
    """`lhs LIKE rhs` with CQL2's wildcards (`%`, `_`) and escape (`\\`), as PostgreSQL's."""

    lookup_name = "cql2_like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs}::text LIKE {rhs}", (*lhs_params, *rhs_params)


# ---------------------------------------------------------------- the AST to a Q


class Compiler:
    """Turn one filter's AST into a Q over the layer's queryables."""

    def __init__(self, spec: LayerSpec, filter_crs: Crs):
        self.spec = spec
        self.types = queryables(spec)
        self.crs = filter_crs
        self.nodes = 0

    def q(self, node) -> Q:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise bad(f"more than {MAX_NODES} predicates and values.")
        if isinstance(node, ast.And):
            return self.q(node.lhs) & self.q(node.rhs)
        if isinstance(node, ast.Or):
            return self.q(node.lhs) | self.q(node.rhs)
        if isinstance(node, ast.Not):
            sub = node.sub_node
            if isinstance(sub, ast.Function) and sub.name.lower() == "t_intersects":
                return self.function(ast.Function("t_disjoint", sub.arguments))
            return ~self.q(sub)
        if isinstance(node, ast.Include):
            return NOTHING if node.not_ else Q()
        handler = _HANDLERS.get(type(node))
        if handler is not None:
            return handler(self, node)
        if isinstance(node, ast.Function):
            return self.function(node)
        if isinstance(node, ast.TemporalPredicate):
            raise bad("write temporal predicates as functions: T_INTERSECTS(property, value).")
        if isinstance(node, bool):
            return Q() if node else NOTHING
        raise bad(f"unsupported expression {_shown(node)}.")

    # ------------------------------------------------------------ operands

    def operand(self, node) -> tuple[PropertyType, object, bool]:
        """Return (property, SQL expression, case-insensitive) of a property reference."""
        caseless = False
        if isinstance(node, ast.Function) and node.name.lower() in ("lower", "casei"):
            if len(node.arguments) != 1:
                raise bad("CASEI takes one argument.")
            node, caseless = node.arguments[0], True
        if not isinstance(node, ast.Attribute):
            raise bad(f"expected a property, got {_shown(node)}.")
        ptype = self.types.get(node.name)
        if ptype is None:
            known = ", ".join(sorted(self.types))
            raise bad(f"'{node.name[:60]}' is not a queryable property (queryables: {known}).")
        expression = F(ptype.path)
        if caseless:
            if ptype.json_type != "string":
                raise bad(f"CASEI applies to text; {ptype.name} is a {ptype.json_type}.")
            expression = Lower(expression)
        return ptype, expression, caseless

    def literal(self, ptype: PropertyType, node, caseless: bool = False):
        if isinstance(node, ast.Function) and node.name.lower() in ("lower", "casei"):
            if len(node.arguments) != 1 or not isinstance(node.arguments[0], str):
                raise bad("CASEI of a value takes one text.")
            return node.arguments[0].lower()
        if isinstance(node, ast.Node | values.Geometry | values.Envelope | values.Interval):
            raise bad(f"{ptype.name} is compared with {_shown(node)}; expected a value.")
        if isinstance(node, list):
            raise bad(f"{ptype.name} is compared with a list.")
        if caseless and isinstance(node, str):
            return node.lower()
        if caseless:
            raise bad("CASEI compares text.")
        return coerce(ptype, node, PARAM)

    def sides(self, lhs, rhs, node_type):
        """Return (property, expression, value, node type) with the property on the left."""
        if not _is_property(lhs) and _is_property(rhs):
            lhs, rhs = rhs, lhs
            node_type = MIRRORED.get(node_type, node_type)
        if _is_property(rhs):
            raise bad("comparing two properties is not supported.")
        ptype, expression, caseless = self.operand(lhs)
        return ptype, expression, self.literal(ptype, rhs, caseless), node_type

    # ------------------------------------------------------------ predicates

    def comparison(self, node) -> Q:
        ptype, expression, value, node_type = self.sides(node.lhs, node.rhs, type(node))
        if node_type is ast.NotEqual:
            # SQL's three-valued logic: a missing value is not "different".
            return Q(IsNull(expression, False)) & ~Q(Exact(expression, Value(value)))
        return Q(COMPARE[node_type](expression, Value(value)))

    def between(self, node) -> Q:
        ptype, expression, caseless = self.operand(node.lhs)
        low, high = (
            self.literal(ptype, node.low, caseless),
            self.literal(ptype, node.high, caseless),
        )
        q = Q(GreaterThanOrEqual(expression, Value(low))) & Q(
            LessThanOrEqual(expression, Value(high))
        )
        return ~q if node.not_ else q

    def like(self, node) -> Q:
        ptype, expression, caseless = self.operand(node.lhs)
        pattern = node.pattern
        if isinstance(pattern, ast.Function):
            pattern, caseless = self.literal(ptype, pattern), True
            expression = expression if isinstance(expression, Lower) else Lower(expression)
        if not isinstance(pattern, str):
            raise bad("LIKE needs a text pattern.")
        if node.nocase and not caseless:
            expression, pattern = Lower(expression), pattern.lower()
        q = Q(Like(expression, Value(pattern)))
        return ~q if node.not_ else q

    def in_(self, node) -> Q:
        ptype, expression, caseless = self.operand(node.lhs)
        if not node.sub_nodes or len(node.sub_nodes) > MAX_IN_ITEMS:
            raise bad(f"IN takes 1 to {MAX_IN_ITEMS} values.")
        options = [self.literal(ptype, item, caseless) for item in node.sub_nodes]
        q = Q(In(expression, options))
        return ~q if node.not_ else q

    def is_null(self, node) -> Q:
        _, expression, _ = self.operand(node.lhs)
        return Q(IsNull(expression, not node.not_))

    def spatial(self, node) -> Q:
        lhs, rhs, lookup = node.lhs, node.rhs, SPATIAL[type(node)]
        if not _is_geometry_ref(lhs) and _is_geometry_ref(rhs):
            lhs, rhs, lookup = rhs, lhs, SPATIAL_MIRROR.get(lookup, lookup)
        if not _is_geometry_ref(lhs):
            raise bad(f"spatial functions compare the property '{GEOMETRY}' with a geometry.")
        return Q(**{f"{self.spec.geometry}__{lookup}": self.geometry(rhs)})

    def geometry(self, node) -> GEOSGeometry:
        if not isinstance(node, values.Geometry | values.Envelope):
            raise bad(f"expected a geometry literal, got {_shown(node)}.")
        shape = node.__geo_interface__
        if _vertices(shape.get("coordinates")) > MAX_VERTICES:
            raise bad(f"a geometry has more than {MAX_VERTICES} vertices.")
        if self.crs.north_first:
            shape = {**shape, "coordinates": _swapped(shape["coordinates"])}
        try:
            geometry = GEOSGeometry(json.dumps(shape))
            geometry.srid = self.crs.srid
        except (GEOSException, ValueError, TypeError) as exc:
            raise bad(f"not a valid geometry: {exc}") from None
        if geometry.empty or not geometry.valid:
            raise bad(f"the geometry is empty or invalid ({geometry.valid_reason}).")
        return geometry

    # ------------------------------------------------------------ functions (T_*)

    def function(self, node) -> Q:
        name = node.name.lower()
        if name not in TEMPORAL:
            raise bad(f"unknown function {node.name[:60]}.")
        if len(node.arguments) != 2:
            raise bad(f"{node.name} takes two arguments.")
        lhs, rhs = node.arguments
        if not _is_property(lhs) and _is_property(rhs):
            lhs, rhs = rhs, lhs
            name = TEMPORAL_MIRROR.get(name, name)
        ptype, expression, _ = self.operand(lhs)
        if not ptype.temporal:
            raise bad(f"{node.name} needs a date or date-time property; {ptype.name} is not.")
        start, end = self.interval(ptype, rhs)
        return TEMPORAL[name](expression, start, end)

    def interval(self, ptype: PropertyType, node):
        """Return (start, end) of a DATE, TIMESTAMP or INTERVAL; None for an open end."""
        if isinstance(node, values.Interval):
            ends = [node.start, node.end]
        elif isinstance(node, list) and len(node) == 2:
            ends = list(node)
        elif isinstance(node, date):
            ends = [node, node]
        else:
            raise bad(f"expected a DATE, TIMESTAMP or INTERVAL, got {_shown(node)}.")
        parsed = [None if end in (None, "..") else _instant(ptype, end) for end in ends]
        if parsed[0] is not None and parsed[1] is not None and parsed[0] > parsed[1]:
            raise bad("the interval ends before it starts.")
        return parsed


def _instant(ptype: PropertyType, value):
    if not isinstance(value, date | str):
        raise bad(f"expected a date or timestamp, got {_shown(value)}.")
    return coerce(ptype, value, PARAM)


def _is_property(node) -> bool:
    if isinstance(node, ast.Function) and node.name.lower() in ("lower", "casei"):
        return bool(node.arguments) and isinstance(node.arguments[0], ast.Attribute)
    return isinstance(node, ast.Attribute)


def _is_geometry_ref(node) -> bool:
    return isinstance(node, ast.Attribute) and node.name == GEOMETRY


def _vertices(coordinates) -> int:
    """Count positions in GeoJSON coordinates without recursion (a hostile depth)."""
    count, stack = 0, [coordinates]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            if item and not isinstance(item[0], list | tuple):
                count += 1
            else:
                stack.extend(item)
        if count > MAX_VERTICES:
            break
    return count


def _swapped(coordinates):
    if coordinates and not isinstance(coordinates[0], list | tuple):
        return [coordinates[1], coordinates[0], *coordinates[2:]]
    return [_swapped(item) for item in coordinates]


def _shown(node) -> str:
    return repr(node)[:80]


_HANDLERS = {
    **dict.fromkeys((*COMPARE, ast.NotEqual), Compiler.comparison),
    ast.Between: Compiler.between,
    ast.Like: Compiler.like,
    ast.In: Compiler.in_,
    ast.IsNull: Compiler.is_null,
    **dict.fromkeys(SPATIAL, Compiler.spatial),
}


# Compiled filters per (layer, text, language, CRS): a map or a client pages through the
# same filter again and again, and parsing and compiling it (pygeofilter's Lark parser)
# cost more CPU than the rest of the request. Only filters that compiled are kept, so a
# bad one is refused (400) every time; a layer registered anew is compiled again. A Q is
# never changed by `QuerySet.filter` (it resolves copies), so one may serve every request.
COMPILED_KEPT = 256
_compiled: dict[tuple, tuple[LayerSpec, Q]] = {}
_compiled_lock = threading.Lock()


def to_q(spec: LayerSpec, text: str, lang: str | None, filter_crs: Crs) -> Q:
    """Return the Q of a CQL2 filter over the layer's queryables; 400 naming `filter`."""
    key = (id(spec), text, lang, filter_crs.uri)
    entry = _compiled.get(key)
    if entry is not None and entry[0] is spec:
        return entry[1]
    q = _compile(spec, text, lang, filter_crs)
    with _compiled_lock:
        if len(_compiled) >= COMPILED_KEPT:
            _compiled.clear()
        _compiled[key] = (spec, q)
    return q


def _compile(spec: LayerSpec, text: str, lang: str | None, filter_crs: Crs) -> Q:
    tree = parse(text, lang)
    try:
        return Compiler(spec, filter_crs).q(tree)
    except RecursionError:
        raise bad(f"nested deeper than {MAX_DEPTH} levels.") from None
