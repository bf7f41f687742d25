"""Reads of the address register: search, geocoding, reverse geocoding, verification.

Search is typo-tolerant through pg_trgm word similarity on `Address.search_text` (GIN
index); reverse geocoding is a KNN search on the metric GiST index of the points.
GeoJSON is built in PostGIS (layers.geojson).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import Case, Count, FloatField, Func, Q, Value, When

from addresses import compute
from addresses.models import Address
from addresses.querysets import address_label_expression
from layers import geojson
from layers.errors import InvalidInput, NotFound
from layers.models import Settlement

MAX_QUERY_LENGTH = 200
MIN_QUERY_LENGTH = 2
# pg_trgm word similarity a candidate needs (0..1); lower finds more typos, slower.
WORD_SIMILARITY_THRESHOLD = 0.5
REVERSE_MAX_M = 150
FAR_FROM_STREET_M = 150
SAME_POINT_M = 1.0
PROBLEMS_LIMIT = 200


class _Round3(Func):
    template = "ROUND((%(expressions)s)::numeric, 3)::float"
    output_field = FloatField()


ADDRESS_PROPERTIES = {
    "label": address_label_expression(),
    "settlement_katottg": "settlement__katottg",
    "settlement_name_uk": "settlement__name_uk",
    "street_kind": "street__kind",
    "street_name": "street__name",
    "house_number": "house_number",
    "postcode": "postcode",
    "building_use": "building_use",
    "status": "status",
    "registry_id": "registry_id",
    "verified": "verified",
    "is_demo": "is_demo",
}


@dataclass(frozen=True)
class _Query:
    parsed: compute.SearchQuery
    settlement_id: int | None


def _read_query(q: str | None, settlement: str | None) -> _Query:
    """Validate a search text and settlement code; raise InvalidInput or NotFound."""
    text = (q or "").strip()
    if len(text) < MIN_QUERY_LENGTH:
        raise InvalidInput(
            f"Give a search text 'q' of at least {MIN_QUERY_LENGTH} characters.", code="q"
        )
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            f"The search text is too long ({len(text)} characters; at most {MAX_QUERY_LENGTH}).",
            code="q",
        )
    parsed = compute.parse_search_query(text)
    if len(parsed.key.replace(" ", "")) < MIN_QUERY_LENGTH:
        raise InvalidInput("The search text has nothing to search for.", code="q")
    settlement_id = None
    if settlement:
        settlement_id = Settlement.objects.filter(katottg=settlement).values_list("pk", flat=True)
        settlement_id = settlement_id.first()
        if settlement_id is None:
            raise NotFound(f"No settlement with KATOTTG code {settlement}.")
    return _Query(parsed=parsed, settlement_id=settlement_id)


def _ranked(query: _Query):
    """Active addresses matching the query, annotated with `score` (0..1), best first."""
    parsed = query.parsed
    queryset = Address.objects.active().filter(search_text__trigram_word_similar=parsed.key)
    if query.settlement_id:
        queryset = queryset.filter(settlement_id=query.settlement_id)
    number_bonus = Value(0.0)
    if parsed.house is not None:
        number_bonus = Case(
            When(house_number=parsed.house.display, then=Value(0.2)),
            When(number=parsed.house.number, then=Value(0.1)),
            default=Value(0.0),
        )
    kind_penalty = Value(0.0)
    if parsed.kind:
        kind_penalty = Case(When(street__kind=parsed.kind, then=Value(0.0)), default=Value(0.05))
    similarity = TrigramWordSimilarity(parsed.key, "search_text")
    return queryset.annotate(
        score=_Round3(similarity * Value(0.8) + number_bonus - kind_penalty)
    ).order_by("-score", "street__name", "number", "house_number", "pk")


def _collection(queryset, *, limit: int, extra: dict | None = None) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        # SET LOCAL: the threshold of `%>` for this transaction only.
        cursor.execute(
            "SET LOCAL pg_trgm.word_similarity_threshold = %s", [WORD_SIMILARITY_THRESHOLD]
        )
        return geojson.feature_collection(
            queryset[:limit],
            geometry="location",
            properties={**ADDRESS_PROPERTIES, **(extra or {})},
        )


def address_search_geojson(*, q: str, settlement: str | None = None, limit: int = 20) -> str:
    """Return active addresses matching a free text as a FeatureCollection, best first.

    The text may name the settlement, the street (with or without its kind, any case,
    any apostrophe, with typos) and the house number. Addresses without a point have
    geometry null. Raise InvalidInput for an empty or over-long text.
    """
    query = _read_query(q, settlement)
    return _collection(_ranked(query), limit=limit, extra={"score": "score"})


def address_geocode_geojson(*, q: str, settlement: str | None = None, limit: int = 5) -> str:
    """Return ranked candidate points for an address text, each with `score` 0..1.

    Only addresses with a point are candidates; the best is first.
    """
    query = _read_query(q, settlement)
    return _collection(_ranked(query).located(), limit=limit, extra={"score": "score"})


_REVERSE_SQL = """
    SELECT a.id, ST_Distance(ST_Transform(a.location, {srid}), p.geom) AS distance_m
    FROM addresses_address a,
         (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4326), {srid}) AS geom) p
    WHERE a.status = 'active' AND a.location IS NOT NULL
      AND ST_DWithin(ST_Transform(a.location, {srid}), p.geom, %s)
    ORDER BY ST_Transform(a.location, {srid}) <-> p.geom
    LIMIT 1
"""


def address_reverse_geojson(*, lat: float, lon: float, max_m: float = REVERSE_MAX_M) -> str:
    """Return the nearest active address within `max_m` metres as a Feature with distance_m.

    Distances are measured in METRIC_SRID (KNN on its GiST index). Raise NotFound when
    no active address is that close.
    """
    with connection.cursor() as cursor:
        cursor.execute(_REVERSE_SQL.format(srid=int(settings.METRIC_SRID)), [lon, lat, max_m])
        row = cursor.fetchone()
    if row is None:
        raise NotFound(f"No active address within {max_m:g} m of ({lat}, {lon}).")
    address_id, distance_m = row
    return geojson.feature(
        Address.objects.filter(pk=address_id),
        geometry="location",
        properties={**ADDRESS_PROPERTIES, "distance_m": Value(round(distance_m, 1))},
    )


# --------------------------------------------------------------------------- verification


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
        .order_by("name_uk")
        .values("katottg", "name_uk", "total", "verified", "no_point", "no_postcode")
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

    Each item is {"kind", "address_ids", "addresses": [{"id", "label"}], "message"}; at
    most `limit` of each kind.
    """
    problems = []
    for a, b, village, street_a, street_b, number in _fetch(_DUPLICATES_SQL, [limit]):
        message = f"{village}: «{street_a}, {number}» and «{street_b}, {number}» look alike"
        problems.append({"kind": "duplicate", "address_ids": [a, b], "message": message})
    for a, b, number_a, number_b in _fetch(_SAME_POINT_SQL, [SAME_POINT_M, limit]):
        message = f"{number_a} and {number_b} share one point (within {SAME_POINT_M:g} m)"
        problems.append({"kind": "same_point", "address_ids": [a, b], "message": message})
    for a, distance in _fetch(_FAR_SQL, [FAR_FROM_STREET_M, limit]):
        message = f"the point is {distance:.0f} m from its street (over {FAR_FROM_STREET_M} m)"
        problems.append({"kind": "far_from_street", "address_ids": [a], "message": message})
    for a, by_number, by_pos in _fetch(_SEQUENCE_SQL, [limit]):
        message = f"number order {by_number} but position {by_pos} along the street"
        problems.append({"kind": "out_of_sequence", "address_ids": [a], "message": message})
    return _with_labels(problems)


def _with_labels(problems: list[dict]) -> list[dict]:
    ids = {pk for problem in problems for pk in problem["address_ids"]}
    labels = dict(Address.objects.filter(pk__in=ids).with_label().values_list("pk", "label"))
    for problem in problems:
        problem["addresses"] = [
            {"id": pk, "label": labels.get(pk, str(pk))} for pk in problem["address_ids"]
        ]
    return problems
