"""Search in either script, with slips in any word; a village's name finds the village first;
"nothing found" comes with suggestions; bad input is a 400 or an empty answer, never a 500."""

import json

import pytest
from django.urls import reverse

from addresses import searchkeys, selectors
from addresses.models import Street
from core.errors import InvalidInput
from tests.addresses.conftest import make_address


def _search(q, **kwargs):
    return json.loads(selectors.address_search_geojson(q=q, **kwargs))["features"]


def _labels(features):
    return [f["properties"]["label"] for f in features]


@pytest.fixture
def dolyna(village, register):
    """A village named Долина and a street Тополина in Дмитрівка that looks alike."""
    village.name_uk, village.name_en = "Долина", "Dolyna"
    village.save()
    topolyna = Street.objects.create(settlement=register["shevchenka"].settlement, name="Тополина")
    make_address(topolyna, "4", 32.72, 48.79)
    return village


@pytest.mark.parametrize(
    "q",
    [
        "Шевчеинка 12",  # an extra letter
        "Шевчнка 12",  # a missing letter
        "Шевчернка 12",  # a wrong letter
        "Шевчекна 12",  # two letters swapped
        "Дмиртівка Шевченка 12",  # swapped in the village's name
    ],
)
def test_a_slip_in_any_word_still_finds_the_address(register, q):
    assert _labels(_search(q))[0] == "Дмитрівка, вул. Шевченка, 12"


@pytest.mark.parametrize(
    "q",
    [
        "vul. Shevchenka 12",  # the official transliteration
        "vulytsia Shevchenka 12",
        "Dmytrivka, Shevchenka 12",
        "Dmitrovka ul. Shevchenko 12",  # Russian-style, informal
        "Shevtchenka 12",  # German-style
        "Shewchenka 12",
        "Dmytrivka Shevchenak 12",  # Latin with two letters swapped
    ],
)
def test_latin_spellings_find_the_address(register, q):
    assert _labels(_search(q))[0] == "Дмитрівка, вул. Шевченка, 12"


@pytest.mark.parametrize("q", ["prov. Sadovyi 3", "provulok Sadovyi 3", "per. Sadovyy 3"])
def test_latin_street_kinds_are_the_ukrainian_ones(register, q):
    best = _search(q)[0]["properties"]
    assert (best["street_kind"], best["street_name"], best["house_number"]) == (
        "lane",
        "Садовий",
        "3",
    )


def test_a_latin_letter_house_number_is_the_cyrillic_one(register):
    best = _search("Dmytrivka Shevchenka 12a")[0]["properties"]
    assert best["house_number"] == "12А"


def test_an_apostrophe_street_is_found_in_latin(register):
    assert _labels(_search("Miasoidivska 7")) == ["Дмитрівка, вул. Мʼясоїдівська, 7"]


@pytest.mark.parametrize("q", ["Долина", "долина", "Dolyna", "Dolina", "Дoлинa", "Долниа"])
def test_a_village_name_finds_the_village_first_then_its_streets(dolyna, q):
    features = _search(q)
    assert features[0]["properties"]["kind"] == "settlement"
    assert features[0]["properties"]["label"] == "Долина"
    assert features[0]["geometry"]["type"] == "Point"
    villages = [f["properties"]["settlement_name_uk"] for f in features[1:]]
    assert villages[0] == "Долина"
    # Its streets before any look-alike street elsewhere ("Тополина" in Дмитрівка).
    assert villages == sorted(villages, key=lambda name: name != "Долина")


def test_nothing_found_comes_with_the_nearest_names(register):
    body = json.loads(selectors.address_search_geojson(q="Шквченкоова"))
    assert body["features"] == []
    assert "Шевченка" in body["suggestions"]


def test_nothing_found_in_latin_suggests_ukrainian_names(register):
    body = json.loads(selectors.address_search_geojson(q="Shefchenky"))
    assert body["features"] == []
    assert "Шевченка" in body["suggestions"]


@pytest.mark.parametrize(
    "q",
    [
        "x",
        "?!.,;:-",
        "ш" * 500,
        "'; DROP TABLE addresses_address; --",
        "<script>alert(1)</script>",
        "Шевchenka 12",
        "%_%",
        "\\",
        "0",
    ],
)
def test_bad_queries_are_a_400_or_an_empty_answer_never_a_500(client, register, q):
    response = client.get(reverse("api:address_search"), {"q": q})
    assert response.status_code in (200, 400)
    body = response.json()
    assert "features" in body or body["error"]["message"]


def test_a_mixed_script_word_is_read_in_the_script_most_of_it_is(register):
    assert _labels(_search("Шевchenka 12"))[0] == "Дмитрівка, вул. Шевченка, 12"


def test_only_punctuation_is_refused_with_a_message():
    with pytest.raises(InvalidInput):
        selectors.search_query_parse("!!! ...", None)


def test_the_latin_key_folds_official_and_informal_spellings_together():
    assert searchkeys.latin_key("Дмитрівка") == searchkeys.latin_key("Dmytrivka")
    assert searchkeys.latin_key("Dmitrivka") == searchkeys.latin_key("Dmytriwka")
    assert searchkeys.latin_key("Мʼясоїдівська") == searchkeys.latin_key("Myasoidivska")
    assert searchkeys.latin_key("вул. Шевченка") == "vul sevcenka"


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("шевченка", "шевченка", 0), ("шевченка", "шевчекна", 1), ("abc", "ab", 1), ("ab", "ba", 1)],
)
def test_edit_distance_counts_a_swap_as_one_slip(a, b, distance):
    assert searchkeys.edit_distance(a, b) == distance


def test_a_street_created_in_bulk_has_its_latin_key(settlement):
    Street.objects.bulk_create([Street(settlement=settlement, name="Зелена")])
    assert Street.objects.get(name="Зелена").search_latin == "zelena"


def test_a_renamed_street_gets_its_new_latin_key(street):
    street.name = "Франка"
    street.save(update_fields=["name"])
    street.refresh_from_db()
    assert street.search_latin == "franka"
