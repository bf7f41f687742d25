"""CQL2's temporal relations (T_AFTER, T_DURING, …) of an instant property, as Q.

Our temporal properties are instants (a date or a date-time), and a CQL2 temporal literal
is an instant or an interval [s, e] (None for an open end). Each relation of the
specification (OGC 21-065, "Temporal functions") reduces, for an instant x against [s, e],
to comparisons of x with s and e; relations an instant cannot have with a longer interval
(T_CONTAINS, T_OVERLAPS, …) match nothing. `layers.ogc.cql2` calls these with the
property's expression; every value is a bound parameter (`Value`).
"""

from django.db.models import Q, Value
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    IsNull,
    LessThan,
    LessThanOrEqual,
)

# A filter that matches no row (an empty IN compiles to no SQL at all: EmptyResultSet).
NOTHING = Q(pk__in=[])


# An instant property x against [s, e] (CQL2's temporal relations for an instant).
def _ge(e, v):
    return Q(GreaterThanOrEqual(e, Value(v)))


def _gt(e, v):
    return Q(GreaterThan(e, Value(v)))


def _le(e, v):
    return Q(LessThanOrEqual(e, Value(v)))


def _lt(e, v):
    return Q(LessThan(e, Value(v)))


def _eq(e, v):
    return Q(Exact(e, Value(v)))


def _present(e):
    return Q(IsNull(e, False))


def _intersects(e, s, e_):
    q = _present(e)
    if s is not None:
        q &= _ge(e, s)
    if e_ is not None:
        q &= _le(e, e_)
    return q


def _disjoint(e, s, e_):
    parts = [_lt(e, s) if s is not None else None, _gt(e, e_) if e_ is not None else None]
    parts = [p for p in parts if p is not None]
    if not parts:
        return NOTHING
    return parts[0] | parts[1] if len(parts) == 2 else parts[0]


def _bounded(fn):
    def wrapped(e, s, e_):
        if s is None and e_ is None:
            return NOTHING
        return fn(e, s, e_)

    return wrapped


TEMPORAL = {
    "t_intersects": _intersects,
    "t_disjoint": _disjoint,
    "t_after": lambda e, s, e_: _gt(e, e_) if e_ is not None else NOTHING,
    "t_before": lambda e, s, e_: _lt(e, s) if s is not None else NOTHING,
    "t_equals": _bounded(lambda e, s, e_: _eq(e, s) & _eq(e, e_)),
    "t_during": _bounded(
        lambda e, s, e_: (
            _present(e)
            & (_gt(e, s) if s is not None else Q())
            & (_lt(e, e_) if e_ is not None else Q())
        )
    ),
    "t_begins": _bounded(lambda e, s, e_: _eq(e, s) & (_lt(e, e_) if e_ is not None else Q())),
    "t_ends": _bounded(lambda e, s, e_: _eq(e, e_) & (_gt(e, s) if s is not None else Q())),
    "t_meets": _bounded(lambda e, s, e_: _eq(e, s) if s is not None else NOTHING),
    "t_metby": _bounded(lambda e, s, e_: _eq(e, e_) if e_ is not None else NOTHING),
    # An instant cannot contain, overlap, begin or end a longer interval.
    "t_contains": lambda e, s, e_: NOTHING,
    "t_overlaps": lambda e, s, e_: NOTHING,
    "t_overlappedby": lambda e, s, e_: NOTHING,
    "t_begunby": lambda e, s, e_: NOTHING,
    "t_endedby": lambda e, s, e_: NOTHING,
}
TEMPORAL_MIRROR = {
    "t_after": "t_before",
    "t_before": "t_after",
    "t_during": "t_contains",
    "t_contains": "t_during",
    "t_begins": "t_begunby",
    "t_begunby": "t_begins",
    "t_ends": "t_endedby",
    "t_endedby": "t_ends",
    "t_meets": "t_metby",
    "t_metby": "t_meets",
    "t_overlaps": "t_overlappedby",
    "t_overlappedby": "t_overlaps",
}
