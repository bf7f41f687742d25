"""Street-first search and geocoding: ranking, typos, kinds, apostrophes, letters; reverse."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from addresses import selectors
from core.errors import NotFound
from tests.addresses.conftest import make_address


def _search(q, **kwargs):
    return json.loads(selectors.address_search_geojson(q=q, **kwargs))["features"]


def _labels(features):
    return [f["properties"]["label"] for f in features]


def test_exact_number_comes_first_then_same_number_with_a_letter_then_longer(register):
    labels = _labels(_search("Дмитрівка Шевченка 12"))
    assert labels[:4] == [
        "Дмитрівка, вул. Шевченка, 12",
        "Дмитрівка, вул. Шевченка, 12А",
        "Дмитрівка, вул. Шевченка, 12Б",
        "Дмитрівка, вул. Шевченка, 120",
    ]
    assert "Дмитрівка, вул. Шевченка, 14" not in labels


def test_the_named_settlement_outranks_a_street_of_the_same_name_elsewhere(register):
    features = _search("Плоске, вул. Шевченка, 12")
    assert _labels(features)[0] == "Плоске, вул. Шевченка, 12"
    assert features[0]["properties"]["score"] == pytest.approx(1.0)
    assert _labels(_search("Дмитрівка Шевченка 12"))[0] == "Дмитрівка, вул. Шевченка, 12"


@pytest.mark.parametrize("q", ["Шевчнека 12", "Шевченко 12", "Дмтрівка Шевченка 12"])
def test_a_typo_in_the_street_or_settlement_still_finds_the_exact_number(register, q):
    features = _search(q, settlement="UA35040090010099441")
    assert _labels(features)[0] == "Дмитрівка, вул. Шевченка, 12"


@pytest.mark.parametrize("q", ["Садовий 3", "провулок Садовий 3", "пров. Садовий 3"])
def test_the_street_kind_may_be_given_or_left_out(register, q):
    features = _search(q)
    assert features[0]["properties"]["street_kind"] == "lane"
    assert features[0]["properties"]["house_number"] == "3"


def test_a_wrong_street_kind_costs_a_little_but_still_finds_the_street(register):
    best = _search("вулиця Садовий 3")[0]["properties"]
    assert (best["street_name"], best["house_number"]) == ("Садовий", "3")
    assert best["score"] < 1.0


@pytest.mark.parametrize("apostrophe", ["'", "’", "ʼ", "`"])
def test_any_apostrophe_finds_the_street(register, apostrophe):
    features = _search(f"м{apostrophe}ясоїдівська 7")
    assert _labels(features) == ["Дмитрівка, вул. Мʼясоїдівська, 7"]


@pytest.mark.parametrize("q", ["ШЕВЧЕНКА 12А", "шевченка 12а", "Шевченка 12-а", "Шевченка 12 a"])
def test_a_number_with_a_letter_in_any_case_or_form_is_found_exactly(register, q):
    features = _search(q, settlement="UA35040090010099441")
    assert features[0]["properties"]["house_number"] == "12А"
    assert features[0]["properties"]["score"] == pytest.approx(1.0)
    assert features[1]["properties"]["house_number"] == "12"


def test_a_multi_word_street_name_is_found_by_one_of_its_words(register):
    assert _labels(_search("Українки 2")) == ["Дмитрівка, вул. Лесі Українки, 2"]


def test_a_settlement_and_number_without_a_street_finds_that_number_in_the_settlement(register):
    labels = _labels(_search("Плоске 12"))
    assert labels[0] == "Плоске, вул. Шевченка, 12"


def test_a_street_without_a_number_lists_its_addresses_in_number_order(register):
    features = _search("Садова", settlement="UA35040090010099441")
    assert [f["properties"]["house_number"] for f in features[:2]] == ["3", "5"]
    assert features[0]["properties"]["street_name"] == "Садова"


def test_search_reads_only_streets_and_the_best_streets_addresses(register):
    with CaptureQueriesContext(connection) as queries:
        _search("Дмитрівка Шевченка 12")
    statements = [q["sql"] for q in queries.captured_queries]
    assert any("addresses_street st" in sql for sql in statements)
    assert not any("search_text" in sql for sql in statements)


def test_geocode_uses_the_same_ranking_and_skips_addresses_without_a_point(register):
    make_address(register["shevchenka"], "16", None, None)
    body = json.loads(selectors.address_geocode_geojson(q="Дмитрівка Шевченка 16"))
    assert body["features"] == []
    body = json.loads(selectors.address_geocode_geojson(q="Дмитрівка Шевченка 12А"))
    assert body["features"][0]["properties"]["label"] == "Дмитрівка, вул. Шевченка, 12А"


def test_reverse_is_one_query_with_the_feature_built_in_sql(addresses):
    with CaptureQueriesContext(connection) as queries:
        feature = json.loads(selectors.address_reverse_geojson(lat=48.7903, lon=32.72031))
    assert len(queries.captured_queries) == 1
    assert "<->" in queries.captured_queries[0]["sql"]
    assert feature["properties"]["house_number"] == "12"
    assert feature["properties"]["label"] == "Дмитрівка, вул. Шевченка, 12"


def test_reverse_honours_a_smaller_radius(addresses):
    with pytest.raises(NotFound, match="5 m"):
        selectors.address_reverse_geojson(lat=48.7903, lon=32.72031, max_m=5)


def test_a_number_before_a_comma_and_the_settlement_is_read_as_the_house_number(register):
    features = _search("вул. Шевченка 12А, Дмитрівка")
    assert features[0]["properties"]["label"] == "Дмитрівка, вул. Шевченка, 12А"
    assert features[0]["properties"]["score"] == pytest.approx(1.0)


def test_a_renamed_settlement_is_found_by_its_new_name_at_once(register, village):
    village.name_uk = "Степове"
    village.save()
    assert _labels(_search("Степове, Шевченка 12"))[0] == "Степове, вул. Шевченка, 12"
    assert not any(label.startswith("Плоске") for label in _labels(_search("Плоске Шевченка 12")))
    reverse = json.loads(selectors.address_reverse_geojson(lat=48.86, lon=32.82))
    assert reverse["properties"]["label"].startswith("Степове, ")


def test_a_street_renamed_through_the_service_is_found_by_its_new_name_at_once(register):
    from django.contrib.auth.models import User

    from addresses import services

    street = register["sadova"]
    street.name = "Квіткова"
    superuser = User.objects.create_superuser("root", password="pw-root-123")
    services.street_save(street=street, user=superuser, reason="renamed by council decision")
    assert _labels(_search("Квітковая 3"))[0] == "Дмитрівка, вул. Квіткова, 3"
    assert "Дмитрівка, вул. Садова, 3" not in _labels(_search("Садова 3"))
