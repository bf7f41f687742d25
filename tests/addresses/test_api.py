"""/api/v1/addresses/: search, geocode and reverse; GeoJSON out, JSON errors."""

import pytest
from django.contrib.gis.geos import LineString

from addresses.models import Address, Street
from tests.addresses.conftest import make_address

URL = "/api/v1/addresses/"


def _labels(response):
    return [f["properties"]["house_number"] for f in response.json()["features"]]


@pytest.mark.parametrize(
    "q",
    [
        "Дмитрівка, вул. Шевченка, 12",
        "дмитрівка шевченка 12",
        "ШЕВЧЕНКА 12",
        "вулиця Шевченка 12",
        "Шевченко 12",  # typo
        "Дмитривка Шевченка 12",  # typo in the settlement
    ],
)
def test_search_ranks_the_exact_number_first_whatever_the_spelling(client, addresses, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert _labels(response)[0] == "12"


def test_search_returns_geojson_features_with_label_and_score(client, addresses):
    body = client.get(URL, {"q": "Шевченка 12а"}).json()
    assert body["type"] == "FeatureCollection"
    best = body["features"][0]
    assert best["geometry"]["type"] == "Point"
    assert best["properties"]["label"] == "Дмитрівка, вул. Шевченка, 12А"
    assert best["properties"]["score"] == pytest.approx(1.0)
    scores = [f["properties"]["score"] for f in body["features"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("apostrophe", ["'", "’", "ʼ"])
def test_search_accepts_any_apostrophe(client, settlement, apostrophe):
    street = Street.objects.create(settlement=settlement, kind="street", name="Мʼясоїдівська")
    make_address(street, "3", 32.72, 48.79)
    response = client.get(URL, {"q": f"м{apostrophe}ясоїдівська 3"})
    assert _labels(response) == ["3"]


def test_search_omits_retired_addresses(client, addresses):
    Address.objects.filter(house_number="12").update(status="retired")
    assert "12" not in _labels(client.get(URL, {"q": "Шевченка 12"}))


def test_search_filters_by_settlement_and_404s_on_an_unknown_one(client, addresses):
    ok = client.get(URL, {"q": "Шевченка", "settlement": "UA35040090010099441"})
    assert len(ok.json()["features"]) == 4
    missing = client.get(URL, {"q": "Шевченка", "settlement": "UA35040090999999999"})
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "a"}, "щонайменше з 2 символів"),
        ({"q": "ш" * 201}, "q"),
        ({"q": "Шевченка", "limit": "0"}, "limit"),
        ({"q": "Шевченка", "limit": "abc"}, "limit"),
        ({"q": "Шевченка", "settlement": "Дмитрівка"}, "settlement"),
    ],
)
def test_search_rejects_bad_parameters_with_a_json_400(client, addresses, params, fragment):
    response = client.get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] in {"invalid", "q"}
    assert fragment in error["message"]


def test_geocode_returns_ranked_candidates_with_score_and_point(client, addresses):
    make_address(addresses[0].street, "14", None, None)  # no point: not a candidate
    body = client.get(URL + "geocode", {"q": "Дмитрівка Шевченка 12"}).json()
    features = body["features"]
    assert features[0]["properties"]["house_number"] == "12"
    assert features[0]["geometry"]["coordinates"] == pytest.approx([32.7203, 48.7902])
    assert all(f["geometry"] for f in features)
    assert len(features) <= 5


def test_geocode_with_nothing_alike_returns_no_candidates(client, addresses):
    body = client.get(URL + "geocode", {"q": "Зовсім інша вулиця 99"}).json()
    assert body["features"] == []


def test_reverse_returns_the_nearest_active_address_with_distance(client, addresses):
    response = client.get(URL + "reverse", {"lat": 48.7903, "lon": 32.72031})
    assert response.status_code == 200
    feature = response.json()
    assert feature["type"] == "Feature"
    assert feature["properties"]["house_number"] == "12"
    assert 5 < feature["properties"]["distance_m"] < 20


def test_reverse_skips_retired_addresses(client, addresses):
    Address.objects.filter(house_number="12").update(status="retired")
    response = client.get(URL + "reverse", {"lat": 48.7903, "lon": 32.72031})
    assert response.json()["properties"]["house_number"] != "12"


def test_reverse_beyond_150_m_is_a_json_404(client, addresses):
    response = client.get(URL + "reverse", {"lat": 48.80, "lon": 32.72})  # ~1 km north
    assert response.status_code == 404
    assert "Немає чинної адреси в межах 150 м" in response.json()["error"]["message"]


@pytest.mark.parametrize(("lat", "lon"), [(1e-09, 118.8176495513153), (-89.9, -179.9)])
def test_reverse_far_outside_the_metric_zone_is_a_404_not_a_500(client, addresses, lat, lon):
    """PostGIS cannot project such a point into the metric CRS (it was a 500)."""
    response = client.get(URL + "reverse", {"lat": lat, "lon": lon})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_messages_are_english_when_the_client_asks_for_english(client, addresses):
    response = client.get(URL + "reverse", {"lat": 48.80, "lon": 32.72}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["error"]["message"] == "No active address within 150 m of (48.8, 32.72)."
    response = client.get(URL, {"q": "a"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "at least 2 characters" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "params",
    [
        {"lat": "abc", "lon": "32.7"},
        {"lat": "48.7"},
        {"lat": "91", "lon": "32.7"},
        {"lat": "48.7", "lon": "nan"},
        {"lat": "48.7", "lon": "inf"},
    ],
)
def test_reverse_rejects_bad_coordinates_with_a_json_400(client, params):
    response = client.get(URL + "reverse", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_search_finds_a_street_with_a_route_by_its_kind(client, settlement):
    lane = Street.objects.create(
        settlement=settlement,
        kind="lane",
        name="Садовий",
        route=LineString((32.71, 48.78), (32.72, 48.78), srid=4326),
    )
    street = Street.objects.create(settlement=settlement, kind="street", name="Садова")
    make_address(lane, "3", 32.715, 48.7801)
    make_address(street, "3", 32.716, 48.7801)
    body = client.get(URL, {"q": "пров. Садовий 3"}).json()
    assert body["features"][0]["properties"]["street_kind"] == "lane"
