"""Address search and geocoding: streets first, then house numbers (one SQL statement).


Search matches streets first: every query word is looked up among the distinct street
names (`StreetKey`, a few thousand rows where there are tens of thousands of streets)
through pg_trgm word similarity (GIN index), each matched name is scored once and leads
to its streets by a b-tree on `Street.search_name` (or `search_latin`), settlements are scored
by how well their name appears in the query, and only the best streets' addresses are then
picked by house number (exact first, then the same number with another letter or
fraction, then numbers that start with it). Each is one SQL statement that also builds
the GeoJSON.
"""

import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext as _

from addresses import compute, searchkeys
from addresses.models import Address
from addresses.querysets import address_label_expression, fold_sql
from addresses.selectors import places
from core.errors import InvalidInput, NotFound
from layers import geojson
from layers.models import Settlement

MAX_QUERY_LENGTH = 200
MIN_QUERY_LENGTH = 2
# pg_trgm word similarity (0..1) a query word needs to a street name to make it a candidate;
# lower finds more typos (one swapped letter in "Шевченка" scores 0.44) and more streets.
WORD_SIMILARITY_THRESHOLD = 0.4
# A settlement whose name appears in the query at least this well counts as named in it.
SETTLEMENT_NAMED = 0.5
# How much the settlement weighs in a street's match when the query names one.
SETTLEMENT_WEIGHT = 0.3
STREETS_PER_QUERY = 10
STREETS_OF_A_SETTLEMENT = 200
KIND_PENALTY = 0.05
EMPTY_COLLECTION = '{"type": "FeatureCollection", "features": []}'


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
class SearchRequest:
    """A checked search: the parsed text and the settlement it is limited to (or None)."""

    parsed: compute.SearchQuery
    settlement_id: int | None


def search_query_parse(q: str | None, settlement: str | None) -> SearchRequest:
    """Validate a search text and settlement code; raise InvalidInput or NotFound."""
    text = (q or "").strip()
    if len(text) < MIN_QUERY_LENGTH:
        raise InvalidInput(
            _("Give a search text 'q' of at least %(min)d characters.") % {"min": MIN_QUERY_LENGTH},
            code="q",
        )
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            _("The search text is too long (%(length)d characters; at most %(max)d).")
            % {"length": len(text), "max": MAX_QUERY_LENGTH},
            code="q",
        )
    parsed = compute.parse_search_query(text)
    if sum(ch.isalnum() for ch in parsed.key) < MIN_QUERY_LENGTH:
        raise InvalidInput(_("The search text has nothing to search for."), code="q")
    settlement_id = None
    if settlement:
        settlement_id = Settlement.objects.filter(katottg=settlement).values_list("pk", flat=True)
        settlement_id = settlement_id.first()
        if settlement_id is None:
            raise NotFound(_("No settlement with KATOTTG code %(code)s.") % {"code": settlement})
    return SearchRequest(parsed=parsed, settlement_id=settlement_id)


# --------------------------------------------------------------------------- streets first

_KIND_ABBREVIATION_SQL = (
    "CASE st.kind "
    + " ".join(f"WHEN '{kind.code}' THEN '{kind.abbreviation}'" for kind in compute.STREET_KINDS)
    + " ELSE '' END"
)
# One address (a), its street (st) and settlement (s) as a GeoJSON Feature with the
# properties of ADDRESS_PROPERTIES, plus {extra}; written out in SQL because compiling the
# ORM expressions cost ~10 ms a request, 50 times the query itself.
FEATURE_SQL = f"""json_build_object(
    'type', 'Feature', 'id', a.id,
    'geometry', ST_AsGeoJSON(a.location, {geojson.GEOJSON_DECIMALS})::json,
    'properties', json_build_object(
        'label', concat(s.name_uk, ', ', {_KIND_ABBREVIATION_SQL}, ' ', st.name, ', ',
                        a.house_number),
        'settlement_katottg', s.katottg, 'settlement_name_uk', s.name_uk,
        'street_kind', st.kind, 'street_name', st.name, 'house_number', a.house_number,
        'postcode', a.postcode, 'building_use', a.building_use, 'status', a.status,
        'registry_id', a.registry_id, 'verified', a.verified, 'is_demo', a.is_demo,
        {{extra}}))"""

# Street names are matched word by word on the GIN index of the distinct keys
# (StreetKey: `%>`, the word appears in the name) and scored against the whole query once
# per distinct name; the b-tree on Street's key then leads to the streets bearing it.
# Settlements are matched on the expression index of their folded name.
_SEARCH_SQL = """
WITH name AS MATERIALIZED (
    SELECT key, GREATEST(word_similarity(key, %(text)s),
                         word_similarity(%(text)s, key)) AS street_sim
    FROM (SELECT DISTINCT k.{street_key} AS key FROM addresses_streetkey k
          WHERE {street_match}) k
), street AS (
    SELECT st.id, st.kind, st.settlement_id, n.street_sim
    FROM name n JOIN addresses_street st ON st.{street_key} = n.key
    WHERE %(settlement)s::bigint IS NULL OR st.settlement_id = %(settlement)s
), place AS (
    SELECT s.id, word_similarity({place_key}, %(text)s) AS sim
    FROM {place_from} s
    WHERE (s.id IN (SELECT settlement_id FROM street) OR {place_match})
      AND (%(settlement)s::bigint IS NULL OR s.id = %(settlement)s)
), named AS (
    SELECT COALESCE(max(sim), 0) AS best, COALESCE(max(sim), 0) >= %(named)s AS yes FROM place
), best AS (
    (SELECT st.id, 0.8 * CASE WHEN named.yes
                THEN (1 - %(weight)s) * st.street_sim + %(weight)s * p.sim
                ELSE st.street_sim END
            - CASE WHEN %(kind)s IN ('', st.kind) THEN 0 ELSE %(penalty)s END AS score
     FROM street st JOIN place p ON p.id = st.settlement_id, named
     WHERE st.settlement_id IS DISTINCT FROM %(named_id)s
     ORDER BY score DESC, st.id LIMIT %(streets)s)
    UNION ALL
    -- No street word matched but the query names a settlement: its every street.
    (SELECT st.id, 0.8 * %(weight)s * p.sim
     FROM named, place p JOIN addresses_street st ON st.settlement_id = p.id
     WHERE named.yes AND p.sim = named.best AND NOT EXISTS (SELECT 1 FROM street)
       AND %(named_id)s::bigint IS NULL
     ORDER BY st.id LIMIT %(settlement_streets)s)
    UNION ALL
    -- The whole query is a settlement's name (places.settlements_named): its every
    -- street, above look-alike streets of other settlements.
    (SELECT st.id, 0.8 * %(named_score)s FROM addresses_street st
     WHERE st.settlement_id = %(named_id)s ORDER BY st.id LIMIT %(settlement_streets)s)
), found AS (
    SELECT a.*, round((b.score + CASE WHEN a.house_number = %(display)s THEN 0.2
                                      WHEN a.number = %(number)s THEN 0.1
                                      ELSE 0 END)::numeric, 3)::float AS score
    FROM best b JOIN addresses_address a ON a.street_id = b.id
    WHERE a.status = 'active' AND (NOT %(located)s OR a.location IS NOT NULL)
      AND (%(number)s::int IS NULL OR a.number = %(number)s OR a.house_number LIKE %(prefix)s
           OR %(number)s BETWEEN a.number AND a.number_to)
), page AS (
    SELECT {feature} AS feature, a.score, st.name, a.number, a.id,
           row_number() OVER (ORDER BY a.score DESC, st.name, {natural}, a.id) AS rank
    FROM found a JOIN addresses_street st ON st.id = a.street_id
    JOIN layers_settlement s ON s.id = a.settlement_id
    ORDER BY rank
    LIMIT %(limit)s
)
SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(
    json_agg(feature ORDER BY rank), '[]'::json))::text
FROM page
"""


# House numbers in natural order (as Address.Meta.ordering): 2 < 10 < 12/1 < 12А.
NATURAL_ORDER_SQL = (
    "a.number, a.letter, a.fraction NULLS FIRST, a.number_to NULLS FIRST, "
    "a.building NULLS FIRST, a.house_number"
)

# Settlements with their Latin keys (computed in Python: the transliteration is a library).
LATIN_PLACES_SQL = (
    "(SELECT * FROM unnest(%(place_ids)s::bigint[], %(place_keys)s::text[]) AS t(id, key))"
)


def settlement_latin_keys() -> dict:
    """Return {"place_ids": [...], "place_keys": [...]}: every settlement's Latin search key."""
    rows = list(Settlement.objects.values_list("pk", "name_uk"))
    return {
        "place_ids": [pk for pk, _name in rows],
        "place_keys": [searchkeys.latin_key(name) for _pk, name in rows],
    }


def address_search_sql(
    query: SearchRequest, *, limit: int, located: bool, named: places.NamedPlace | None = None
) -> tuple[str, dict]:
    """Return (sql, params) of the one statement behind search and geocode (for benchmarks).

    `named` is the settlement the whole query names, whose streets then come first.
    """
    parsed, house = query.parsed, query.parsed.house
    words = {f"w{i}": word for i, word in enumerate(parsed.words)}
    street_key = "search_latin" if parsed.latin else "search_name"
    place_key = "s.key" if parsed.latin else fold_sql("s.name_uk")
    street_match = " OR ".join(f"k.{street_key} %%> %({key})s" for key in words) or "FALSE"
    place_match = " OR ".join(f"{place_key} %%> %({key})s" for key in words)
    sql = _SEARCH_SQL.format(
        street_key=street_key,
        street_match=street_match,
        place_match=place_match or "FALSE",
        place_key=place_key,
        place_from=LATIN_PLACES_SQL if parsed.latin else "layers_settlement",
        feature=FEATURE_SQL.format(extra="'score', a.score"),
        natural=NATURAL_ORDER_SQL,
    )
    params = {
        **words,
        **(settlement_latin_keys() if parsed.latin else {}),
        "text": parsed.text,
        "settlement": query.settlement_id,
        "named": SETTLEMENT_NAMED,
        "weight": SETTLEMENT_WEIGHT,
        "kind": parsed.kind or "",
        "penalty": KIND_PENALTY,
        "streets": STREETS_PER_QUERY,
        "settlement_streets": STREETS_OF_A_SETTLEMENT,
        "display": house.display if house else None,
        "number": house.number if house else None,
        "prefix": f"{house.number}%" if house else None,
        "located": located,
        "limit": limit,
        "named_id": named.id if named else None,
        "named_score": named.score if named else 0,
    }
    return sql, params


def _search(
    query: SearchRequest, *, limit: int, located: bool, named: places.NamedPlace | None = None
) -> str:
    sql, params = address_search_sql(query, limit=limit, located=located, named=named)
    with transaction.atomic(), connection.cursor() as cursor:
        # For this transaction only: the threshold of `%>`; trigram indexes even on small
        # tables: the planner prices pg_trgm's operators like `=`, but each costs 20-50 µs a
        # row, so a seq scan, or a full scan of StreetKey's unique b-tree with `%>` as a
        # filter (54 ms at 1,162 keys against 1 ms on the GIN index), must be ruled out; and
        # no JIT, which the cost of a disabled scan would otherwise trigger (seconds).
        cursor.execute(SEARCH_SETTINGS_SQL, [str(WORD_SIMILARITY_THRESHOLD)])
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


SEARCH_SETTINGS_SQL = (
    "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true), "
    "set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true), "
    "set_config('enable_indexonlyscan', 'off', true), set_config('jit', 'off', true)"
)


def address_search_geojson(*, q: str, settlement: str | None = None, limit: int = 20) -> str:
    """Return active addresses matching a free text as a FeatureCollection, best first.

    The text may name the settlement, the street (with or without its kind, any case,
    any apostrophe, with typos) and the house number. Each feature has `score` 0..1:
    the street's match (up to 0.8) plus 0.2 for the exact house number, 0.1 for the same
    number with another letter, fraction or корпус, 0 for a number that starts alike.
    Addresses without a point have geometry null.

    A query that is a settlement's name (allowing one slip, in either script) lists that
    settlement first (a feature with `kind` "settlement" at its centre), then its streets'
    addresses. When nothing is found the collection carries `suggestions`: the nearest
    street and village names. Raise InvalidInput for an empty or over-long text,
    NotFound for an unknown settlement code.
    """
    query = search_query_parse(q, settlement)
    named = places.settlements_named(query.parsed, query.settlement_id)
    text = _search(query, limit=limit, located=False, named=named[0] if named else None)
    if not named and '"features" : []' not in text:
        return text
    collection = json.loads(text)
    collection["features"] = [place.feature() for place in named] + collection["features"]
    collection["features"] = collection["features"][:limit]
    if not collection["features"]:
        keys = settlement_latin_keys() if query.parsed.latin else {}
        collection["suggestions"] = places.search_suggestions(query.parsed, keys)
    return json.dumps(collection, ensure_ascii=False)


def address_geocode_geojson(*, q: str, settlement: str | None = None, limit: int = 5) -> str:
    """Return ranked candidate points for an address text, each with `score` 0..1.

    The same matching as address_search_geojson; only addresses with a point are
    candidates; the best is first.
    """
    return _search(search_query_parse(q, settlement), limit=limit, located=True)


@dataclass(frozen=True)
class GeocodedAddress:
    """The best geocoding candidate: the address id, its point (EPSG:4326) and score 0..1."""

    address_id: int
    lat: float
    lon: float
    score: float
    label: str


def address_geocode_best(*, q: str, min_score: float) -> GeocodedAddress | None:
    """Return the best located candidate for an address text if its score is above
    `min_score`, else None. Raise InvalidInput for an empty or over-long text."""
    features = json.loads(address_geocode_geojson(q=q, limit=1))["features"]
    if not features or features[0]["properties"]["score"] <= min_score:
        return None
    best = features[0]
    lon, lat = best["geometry"]["coordinates"]
    properties = best["properties"]
    return GeocodedAddress(best["id"], lat, lon, properties["score"], properties["label"])


def address_located_get(address_id) -> Address:
    """Return the active address with a point whose id is `address_id` (an integer or its
    text); raise NotFound when there is none."""
    try:
        pk = int(str(address_id).strip())
    except ValueError:
        pk = None
    address = (
        Address.objects.active().located().select_related("street", "settlement").filter(pk=pk)
        if pk is not None
        else Address.objects.none()
    ).first()
    if address is None:
        raise NotFound(
            _("No active address with id '%(id)s' and a point in the register.")
            % {"id": address_id}
        )
    return address
