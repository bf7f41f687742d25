"""Reads of the verification workbench: the queue of addresses to check, their conflicts
and the progress per village.

The queue holds the active, unverified addresses. Those with a conflict found
automatically come first, each with its reasons:

* `same_number` — another active address of the village has the same house number on
  the same street or on a look-alike one (trigram similarity >= 0.6, the overview's
  threshold): equal letter, fraction and building, and number ranges ("12-14") that
  share a number of the same side (parity);
* `outside_village` — the point is outside its village's boundary;
* `far_from_houses` — the nearest other house of its street is more than
  FAR_FROM_HOUSES_M metres away (in METRIC_SRID, EPSG:6385).

A verified address is not queued again: confirming it says an editor looked at it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from addresses.compute import STREET_KIND_BY_CODE
from addresses.models import Address, Street
from core.names import collated

# Houses on a village street stand 20-40 m apart (plots of about 0.25 ha with 25-40 m of
# frontage), and a farmstead at a street's end rarely stands more than 200-300 m beyond
# the last house. 500 m is a dozen empty plots: in the community's villages (1-3 km
# across) that is a point put in the wrong place, not a lonely house.
FAR_FROM_HOUSES_M = 500
# Look-alike street names (the overview's duplicates use the same threshold).
SIMILAR_STREET = 0.6
# The conflicts read for ordering the queue: enough for a day's work, bounded for a GET.
CONFLICTS_LIMIT = 500
CONFLICT_TITLES = {
    "same_number": gettext_lazy("Same number on the street"),
    "outside_village": gettext_lazy("Outside its village"),
    "far_from_houses": gettext_lazy("Far from the street's other houses"),
}

# {only} is "" for the whole register or "AND a.id = %s" for one address.
_SAME_NUMBER_SQL = """
    SELECT a.id, b.id
    FROM addresses_address a
    JOIN addresses_street sa ON sa.id = a.street_id
    JOIN addresses_address b ON b.settlement_id = a.settlement_id AND b.id <> a.id
         AND b.status = 'active' AND b.letter = a.letter
         AND b.fraction IS NOT DISTINCT FROM a.fraction
         AND b.building IS NOT DISTINCT FROM a.building
         AND b.number %% 2 = a.number %% 2
         AND b.number <= COALESCE(a.number_to, a.number)
         AND a.number <= COALESCE(b.number_to, b.number)
    JOIN addresses_street sb ON sb.id = b.street_id
    WHERE a.status = 'active' AND {unverified} {only}
      AND (sb.id = sa.id OR similarity(sa.name, sb.name) >= {similar})
    ORDER BY a.id, b.id LIMIT %s
"""

_OUTSIDE_SQL = """
    SELECT a.id FROM addresses_address a JOIN layers_settlement t ON t.id = a.settlement_id
    WHERE a.status = 'active' AND {unverified} {only} AND a.location IS NOT NULL
      AND t.boundary IS NOT NULL AND NOT ST_Intersects(t.boundary, a.location)
    ORDER BY a.id LIMIT %s
"""

# The nearest other house of the street by the metric KNN index (address_location_metric).
_FAR_SQL = """
    SELECT a.id, nearest.metres FROM addresses_address a
    CROSS JOIN LATERAL (
        SELECT ST_Distance(ST_Transform(b.location, {srid}), ST_Transform(a.location, {srid}))
               AS metres
        FROM addresses_address b
        WHERE b.street_id = a.street_id AND b.id <> a.id AND b.status = 'active'
          AND b.location IS NOT NULL
        ORDER BY ST_Transform(b.location, {srid}) <-> ST_Transform(a.location, {srid})
        LIMIT 1
    ) nearest
    WHERE a.status = 'active' AND {unverified} {only} AND a.location IS NOT NULL
      AND nearest.metres > %s
    ORDER BY a.id LIMIT %s
"""


@dataclass(frozen=True)
class Conflict:
    """A reason to look at an address: its kind, title and message, and the other
    address involved (`other_id`, or None)."""

    kind: str
    title: str
    message: str
    other_id: int | None = None
    other_label: str = ""


def _rows(sql: str, params: list, *, address_id: int | None) -> list[tuple]:
    only = "AND a.id = %s" if address_id is not None else ""
    # One address is checked whether verified or not; the queue wants only unverified.
    unverified = "TRUE" if address_id is not None else "NOT a.verified"
    text = sql.format(
        srid=int(settings.METRIC_SRID), only=only, unverified=unverified, similar=SIMILAR_STREET
    )
    head = [address_id] if address_id is not None else []
    with connection.cursor() as cursor:
        cursor.execute(text, head + params)
        return cursor.fetchall()


def conflicted_ids(*, limit: int = CONFLICTS_LIMIT) -> set[int]:
    """Return the ids of unverified active addresses with a conflict (at most `limit`
    of each kind)."""
    ids = {a for a, _b in _rows(_SAME_NUMBER_SQL, [limit], address_id=None)}
    ids |= {a for (a,) in _rows(_OUTSIDE_SQL, [limit], address_id=None)}
    ids |= {a for a, _m in _rows(_FAR_SQL, [FAR_FROM_HOUSES_M, limit], address_id=None)}
    return ids


def address_conflicts(address: Address) -> list[Conflict]:
    """Return the conflicts of one address, their messages in the active language."""
    found = []
    for _a, other in _rows(_SAME_NUMBER_SQL, [10], address_id=address.pk):
        found.append(_same_number(other))
    if _rows(_OUTSIDE_SQL, [1], address_id=address.pk):
        message = _("The point lies outside the boundary of its village.")
        found.append(_conflict("outside_village", message))
    for _a, metres in _rows(_FAR_SQL, [FAR_FROM_HOUSES_M, 1], address_id=address.pk):
        message = _(
            "The nearest other house of this street is %(m).0f m away (more than %(limit)d m)."
        ) % {"m": metres, "limit": FAR_FROM_HOUSES_M}
        found.append(_conflict("far_from_houses", message))
    return found


def _same_number(other_id: int) -> Conflict:
    # The other address is named beside the message (in the page's script), not in it.
    message = _("Another active address of this village has the same number:")
    label = Address.objects.with_label().filter(pk=other_id).values_list("label", flat=True)
    return Conflict("same_number", str(CONFLICT_TITLES["same_number"]), message, other_id, label[0])


def _conflict(kind: str, message: str) -> Conflict:
    return Conflict(kind, str(CONFLICT_TITLES[kind]), message)


def _queue(settlement: str | None, skipped: set[int], conflicted: set[int]):
    queryset = Address.objects.active().filter(verified=False).exclude(pk__in=skipped)
    if settlement:
        queryset = queryset.filter(settlement__katottg=settlement)
    first = Case(When(pk__in=conflicted, then=Value(0)), default=Value(1))
    return queryset.annotate(conflict_last=first).order_by(
        "conflict_last", collated("settlement__name_uk"), "street__name", "number", "pk"
    )


def verification_next(
    *, settlement: str | None = None, skipped: set[int] = frozenset()
) -> int | None:
    """Return the id of the address to check next (conflicts first), or None when none
    is left; `settlement` (KATOTTG) limits the queue to one village, `skipped` ids are
    left out."""
    conflicted = conflicted_ids()
    return _queue(settlement, set(skipped), conflicted).values_list("pk", flat=True).first()


def verification_left(*, settlement: str | None = None, skipped: set[int] = frozenset()) -> int:
    """Return how many addresses are left in the queue (the skipped ones not counted)."""
    return _queue(settlement, set(skipped), set()).count()


def verification_progress(settlement_id: int) -> dict:
    """Return {"done", "total", "village_done", "village_total"}: verified and active
    addresses of the register and of one village."""
    return Address.objects.active().aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(verified=True)),
        village_total=Count("pk", filter=Q(settlement_id=settlement_id)),
        village_done=Count("pk", filter=Q(settlement_id=settlement_id, verified=True)),
    )


def streets_of(settlement_id: int) -> list[tuple[int, str]]:
    """Return (id, "вул. Шевченка") of a village's streets in Ukrainian alphabetical
    order: the rename's choices (pages show them through the `latin` filter)."""
    streets = Street.objects.filter(settlement_id=settlement_id).order_by(collated("name"))
    return [
        (pk, f"{_abbreviation(kind)} {name}".strip())
        for pk, kind, name in streets.values_list("pk", "kind", "name")
    ]


def _abbreviation(kind: str) -> str:
    return STREET_KIND_BY_CODE[kind].abbreviation if kind in STREET_KIND_BY_CODE else ""
