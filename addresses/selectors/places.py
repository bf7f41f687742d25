"""The settlement a search names outright, and suggestions when a search finds nothing.

A query that is a village's name ("Долина", "Dolyna", "Дмиртівка") should find that
village first, then its streets, not streets elsewhere whose names look alike
("Тополина"). The settlements table is small (a community has tens of villages), so
its names are compared in Python with an edit distance that counts a swap of two
letters as one slip (addresses.searchkeys.near_name).
"""

import json
from dataclasses import dataclass

from django.db import connection

from addresses import compute, searchkeys
from addresses.querysets import fold_sql
from layers import geojson
from layers.models import Settlement

SUGGESTIONS = 3
# pg_trgm similarity (0..1) a street or village name needs to be suggested.
SUGGESTION_SIMILARITY = 0.2


@dataclass(frozen=True)
class NamedPlace:
    """A settlement the whole query names, with how closely (0.9 one slip, 1 exact)."""

    id: int
    katottg: str
    name_uk: str
    name_en: str
    geometry: dict | None
    score: float

    def feature(self) -> dict:
        """Return the settlement as a GeoJSON Feature listed before the addresses."""
        return {
            "type": "Feature",
            "id": f"settlement-{self.katottg}",
            "geometry": self.geometry,
            "properties": {
                "kind": "settlement",
                "label": self.name_uk,
                "settlement_katottg": self.katottg,
                "settlement_name_uk": self.name_uk,
                "settlement_name_en": self.name_en,
                "score": self.score,
            },
        }


def settlements_named(parsed: compute.SearchQuery, settlement_id: int | None) -> list[NamedPlace]:
    """Return the settlements whose name the query's whole text is, best first (a query
    with a house number names an address, not a village: none)."""
    if parsed.house is not None or not parsed.text:
        return []
    rows = Settlement.objects.values_list("pk", "katottg", "name_uk", "name_en")
    if settlement_id is not None:
        rows = rows.filter(pk=settlement_id)
    key = searchkeys.latin_key if parsed.latin else compute.fold
    found = [
        (searchkeys.near_name(parsed.text, key(name_uk)), pk, katottg, name_uk, name_en)
        for pk, katottg, name_uk, name_en in rows
    ]
    found = sorted((row for row in found if row[0] > 0), key=lambda row: (-row[0], row[3]))
    centres = _centres([row[1] for row in found])
    return [
        NamedPlace(pk, katottg, name_uk, name_en, centres.get(pk), score)
        for score, pk, katottg, name_uk, name_en in found
    ]


def _centres(ids: list[int]) -> dict[int, dict]:
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, ST_AsGeoJSON(centre, %s) FROM layers_settlement WHERE id = ANY(%s)",
            [geojson.GEOJSON_DECIMALS, ids],
        )
        return {pk: json.loads(text) for pk, text in cursor.fetchall() if text}


# Street names are scored once per distinct key (StreetKey), then shown as one street
# bearing the key writes its name.
_SUGGEST_SQL = """
SELECT label FROM (
    SELECT DISTINCT ON (label) label, sim FROM (
        SELECT (SELECT st.name FROM addresses_street st WHERE st.{street_key} = k.key
                ORDER BY st.id LIMIT 1) AS label, k.sim
        FROM (SELECT key, similarity(key, %(text)s) AS sim
              FROM (SELECT DISTINCT {street_key} AS key FROM addresses_streetkey) d) k
        WHERE k.sim >= %(min)s
        UNION ALL
        SELECT s.name_uk, similarity({place_key}, %(text)s)
        FROM {place_from} s
    ) candidates WHERE sim >= %(min)s AND label IS NOT NULL ORDER BY label, sim DESC
) best ORDER BY sim DESC, label LIMIT %(limit)s
"""


def search_suggestions(parsed: compute.SearchQuery, place_keys: dict) -> list[str]:
    """Return up to SUGGESTIONS street or village names nearest to a query that found
    nothing (for "nothing found; did you mean …?")."""
    if not parsed.text:
        return []
    place_from = "layers_settlement"
    if parsed.latin:
        place_from = (
            "(SELECT l.name_uk, t.key FROM unnest(%(place_ids)s::bigint[], "
            "%(place_keys)s::text[]) AS t(id, key) JOIN layers_settlement l ON l.id = t.id)"
        )
    sql = _SUGGEST_SQL.format(
        street_key="search_latin" if parsed.latin else "search_name",
        place_key="s.key" if parsed.latin else fold_sql("s.name_uk"),
        place_from=place_from,
    )
    params = {"text": parsed.text, "min": SUGGESTION_SIMILARITY, "limit": SUGGESTIONS}
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, **place_keys})
        return [label for (label,) in cursor.fetchall()]
