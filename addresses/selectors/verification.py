"""Verification of the register: counts per village and the likely problems to check."""

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from addresses.models import Address
from core.names import collated
from layers.models import Settlement

FAR_FROM_STREET_M = 150
SAME_POINT_M = 1.0
PROBLEMS_LIMIT = 200
PROBLEM_TITLES = {
    "duplicate": gettext_lazy("Likely duplicate"),
    "same_point": gettext_lazy("Shared point"),
    "far_from_street": gettext_lazy("Far from its street"),
    "out_of_sequence": gettext_lazy("Number out of sequence"),
}


def verification_overview() -> list[dict]:
    """Per settlement: active addresses, verified, unverified, without point or postcode."""
    active = Q(addresses__status="active")
    rows = (
        Settlement.objects.annotate(
            total=Count("addresses", filter=active),
            verified=Count("addresses", filter=active & Q(addresses__verified=True)),
            no_point=Count("addresses", filter=active & Q(addresses__location__isnull=True)),
            no_postcode=Count("addresses", filter=active & Q(addresses__postcode="")),
        )
        .order_by(collated("name_uk"))
        .values("katottg", "name_uk", "name_en", "total", "verified", "no_point", "no_postcode")
    )
    return [{**row, "unverified": row["total"] - row["verified"]} for row in rows]


_DUPLICATES_SQL = """
    SELECT a.id, b.id, t.name_uk, sa.name, sb.name, a.house_number
    FROM addresses_address a
    JOIN addresses_address b ON b.settlement_id = a.settlement_id
         AND b.house_number = a.house_number AND b.id > a.id AND b.status = 'active'
    JOIN addresses_street sa ON sa.id = a.street_id
    JOIN addresses_street sb ON sb.id = b.street_id
    JOIN layers_settlement t ON t.id = a.settlement_id
    WHERE a.status = 'active' AND similarity(sa.name, sb.name) >= 0.6
    ORDER BY t.name_uk, sa.name, a.number LIMIT %s
"""

_SAME_POINT_SQL = """
    SELECT a.id, b.id, a.house_number, b.house_number
    FROM addresses_address a
    JOIN addresses_address b
      ON ST_DWithin(ST_Transform(a.location, {srid}), ST_Transform(b.location, {srid}), %s)
         AND b.id > a.id AND b.status = 'active'
    WHERE a.status = 'active' AND a.location IS NOT NULL
    ORDER BY a.id LIMIT %s
"""

_FAR_SQL = """
    SELECT a.id, ST_Distance(ST_Transform(a.location, {srid}), ST_Transform(s.route, {srid}))
    FROM addresses_address a JOIN addresses_street s ON s.id = a.street_id
    WHERE a.status = 'active' AND a.location IS NOT NULL AND s.route IS NOT NULL
      AND NOT ST_DWithin(ST_Transform(a.location, {srid}), ST_Transform(s.route, {srid}), %s)
    ORDER BY 2 DESC LIMIT %s
"""

# Per street and side (odd/even numbers): rank by number against rank by position along the
# route, in the route's numbering direction; a jump of more than 2 places is suspicious.
_SEQUENCE_SQL = """
    WITH placed AS (
        SELECT a.id, a.street_id, a.number, a.number %% 2 AS side,
               ST_LineLocatePoint(s.route, a.location) AS pos
        FROM addresses_address a JOIN addresses_street s ON s.id = a.street_id
        WHERE a.status = 'active' AND a.location IS NOT NULL AND s.route IS NOT NULL
    ), direction AS (
        SELECT street_id, side, COALESCE(SIGN(corr(number, pos)), 1) AS dir
        FROM placed GROUP BY street_id, side HAVING count(*) >= 4
    ), ranked AS (
        SELECT p.id, p.number,
               rank() OVER (PARTITION BY p.street_id, p.side ORDER BY p.number) AS by_number,
               rank() OVER (PARTITION BY p.street_id, p.side ORDER BY p.pos * d.dir) AS by_pos
        FROM placed p JOIN direction d USING (street_id, side)
    )
    SELECT id, by_number, by_pos FROM ranked WHERE abs(by_number - by_pos) > 2
    ORDER BY id LIMIT %s
"""


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(srid=int(settings.METRIC_SRID)), params)
        return cursor.fetchall()


def address_problems_list(*, limit: int = PROBLEMS_LIMIT) -> list[dict]:
    """Return likely problems to work through: duplicates, same points, far, out of order.

    Each item is {"kind", "title", "address_ids", "addresses": [{"id", "label"}],
    "message"}, the title and message in the active language; at most `limit` of each kind.
    """
    problems = []
    for a, b, village, street_a, street_b, number in _fetch(_DUPLICATES_SQL, [limit]):
        message = _("%(village)s: «%(a)s, %(number)s» and «%(b)s, %(number)s» look alike") % {
            "village": village, "a": street_a, "b": street_b, "number": number
        }  # fmt: skip
        problems.append(_problem("duplicate", [a, b], message))
    for a, b, number_a, number_b in _fetch(_SAME_POINT_SQL, [SAME_POINT_M, limit]):
        message = _("%(a)s and %(b)s share one point (within %(m)s m)") % {
            "a": number_a, "b": number_b, "m": f"{SAME_POINT_M:g}"
        }  # fmt: skip
        problems.append(_problem("same_point", [a, b], message))
    for a, distance in _fetch(_FAR_SQL, [FAR_FROM_STREET_M, limit]):
        message = _("the point is %(m).0f m from its street (over %(limit)d m)") % {
            "m": distance, "limit": FAR_FROM_STREET_M
        }  # fmt: skip
        problems.append(_problem("far_from_street", [a], message))
    for a, by_number, by_pos in _fetch(_SEQUENCE_SQL, [limit]):
        message = _("number order %(n)d but position %(p)d along the street") % {
            "n": by_number, "p": by_pos
        }  # fmt: skip
        problems.append(_problem("out_of_sequence", [a], message))
    return _with_labels(problems)


def _problem(kind: str, address_ids: list[int], message: str) -> dict:
    title = str(PROBLEM_TITLES[kind])
    return {"kind": kind, "title": title, "address_ids": address_ids, "message": message}


def _with_labels(problems: list[dict]) -> list[dict]:
    ids = {pk for problem in problems for pk in problem["address_ids"]}
    labels = dict(Address.objects.filter(pk__in=ids).with_label().values_list("pk", "label"))
    for problem in problems:
        problem["addresses"] = [
            {"id": pk, "label": labels.get(pk, str(pk))} for pk in problem["address_ids"]
        ]
    return problems
