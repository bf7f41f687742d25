"""The base-layer APIs: GeoJSON shape (RFC 7946), filters, and JSON errors for bad input."""

import pytest

pytestmark = pytest.mark.django_db


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(("application/json", "application/geo+json"))
    return response.json()


def assert_error(client, url, status):
    body = get_json(client, url, status)
    assert set(body["error"]) >= {"code", "message"}
    assert body["error"]["message"]
    return body["error"]


def test_territory_is_a_feature_collection_in_lon_lat(client, territory):
    body = get_json(client, "/api/v1/territory/")
    assert body["type"] == "FeatureCollection"
    (feature,) = body["features"]
    assert feature["properties"]["katottg"] == "UA35040090000082553"
    assert feature["geometry"]["type"] == "MultiPolygon"
    lon, lat = feature["geometry"]["coordinates"][0][0][0]
    assert 32 < lon < 33 and 48 < lat < 49  # RFC 7946 order: longitude first


def test_territory_reports_its_area_in_square_kilometres(client, territory):
    feature = get_json(client, "/api/v1/territory/")["features"][0]
    # ±0.2° square at 48.8°N: about 44.5 km × 29.3 km in UCS-2000 / TM zone 11.
    assert 1250 < feature["properties"]["area_km2"] < 1350


def test_settlement_list_uses_katottg_as_feature_id(client, settlement):
    body = get_json(client, "/api/v1/settlements/")
    (feature,) = body["features"]
    assert feature["id"] == "UA35040090010099441"
    assert feature["properties"]["name_uk"] == "Дмитрівка"
    assert feature["properties"]["households"] == 1700


def test_settlement_list_can_return_centres_as_points(client, settlement):
    body = get_json(client, "/api/v1/settlements/?geometry=centre")
    assert body["features"][0]["geometry"] == {
        "type": "Point",
        "coordinates": [32.720833, 48.793611],
    }


def test_settlement_detail_returns_one_feature(client, settlement):
    body = get_json(client, "/api/v1/settlements/UA35040090010099441/")
    assert body["type"] == "Feature"
    assert body["properties"]["territory_katottg"] == "UA35040090000082553"


def test_unknown_settlement_is_404_json(client, settlement):
    error = assert_error(client, "/api/v1/settlements/UA35040090010099440/", 404)
    assert error["code"] == "not_found"


@pytest.mark.parametrize("code", ["UA123", "XX35040090010099441", "UA3504009001009944A"])
def test_malformed_katottg_is_400_json(client, code):
    assert_error(client, f"/api/v1/settlements/{code}/", 400)


def test_unknown_geometry_choice_is_400(client, settlement):
    assert_error(client, "/api/v1/settlements/?geometry=polygon", 400)


def test_facilities_filter_by_settlement_kind_and_internet(client, facility):
    base = "/api/v1/facilities/"
    assert len(get_json(client, base)["features"]) == 1
    assert len(get_json(client, f"{base}?settlement=UA35040090010099441")["features"]) == 1
    assert len(get_json(client, f"{base}?kind=school&internet=connected")["features"]) == 1
    assert get_json(client, f"{base}?kind=library")["features"] == []
    assert get_json(client, f"{base}?internet=not_connected")["features"] == []


def test_facility_properties_name_the_settlement(client, facility):
    props = get_json(client, "/api/v1/facilities/")["features"][0]["properties"]
    assert props["settlement_katottg"] == "UA35040090010099441"
    assert props["technology"] == "fibre"
    assert props["down_mbps"] == 100


@pytest.mark.parametrize(
    "query, status",
    [
        ("kind=spaceport", 400),
        ("internet=maybe", 400),
        ("settlement=UA1", 400),
        ("settlement=UA99999999999999999", 404),
    ],
)
def test_bad_facility_filters_are_json_errors(client, facility, query, status):
    assert_error(client, f"/api/v1/facilities/?{query}", status)


def test_locate_finds_the_containing_settlement(client, settlement):
    body = get_json(client, "/api/v1/locate?lat=48.7936&lon=32.7208")
    assert body["in_territory"] is True
    assert body["territory"]["katottg"] == "UA35040090000082553"
    assert body["settlement"]["name_uk"] == "Дмитрівка"
    assert body["nearest"] is None


def test_locate_names_the_nearest_settlement_within_2_km(client, settlement):
    # 0.035° east of the centre: 0.015° (≈1.1 km) beyond the village's east edge.
    body = get_json(client, "/api/v1/locate?lat=48.79&lon=32.755")
    assert body["settlement"] is None
    assert body["in_territory"] is True
    assert body["nearest"]["katottg"] == "UA35040090010099441"
    assert 900 < body["nearest"]["distance_m"] < 1300


def test_locate_far_away_is_outside_with_no_nearest(client, settlement):
    body = get_json(client, "/api/v1/locate?lat=50.45&lon=30.52")
    assert body["in_territory"] is False
    assert body["settlement"] is None and body["nearest"] is None


@pytest.mark.parametrize("lat, lon", [(0.9, 120.0), (89.9, 179.9), (-89.9, -179.9)])
def test_locate_outside_the_metric_crs_domain_is_an_answer_not_a_500(client, settlement, lat, lon):
    # ST_Transform of such a point to the УСК-2000 zone fails; found by the API fuzzer.
    body = get_json(client, f"/api/v1/locate?lat={lat}&lon={lon}")
    assert body["in_territory"] is False
    assert body["settlement"] is None and body["nearest"] is None


@pytest.mark.parametrize(
    "query",
    [
        "lat=abc&lon=32.7",
        "lat=95&lon=32.7",
        "lat=48.8&lon=-181",
        "lat=48.8",
        "lon=32.7",
        "",
        "lat=nan&lon=32.7",
        "lat=inf&lon=32.7",
        "lat=48.8&lon=" + "9" * 5000,
    ],
)
def test_locate_rejects_bad_coordinates_with_400_json(client, query):
    assert_error(client, f"/api/v1/locate?{query}", 400)


def test_unknown_api_path_is_404_json_not_html(client):
    error = assert_error(client, "/api/v1/no-such-thing/", 404)
    assert error["code"] == "not_found"


def test_openapi_schema_lists_the_layer_endpoints(client):
    schema = get_json(client, "/api/v1/schema/")
    assert schema["openapi"].startswith("3.")
    for path in ["/api/v1/territory/", "/api/v1/settlements/{katottg}/", "/api/v1/locate"]:
        assert path in schema["paths"]


def test_healthz_reports_versions(client):
    body = get_json(client, "/healthz")
    assert body["status"] == "ok"
    assert body["versions"]["postgis"].startswith("3.")
    assert set(body["versions"]) == {"postgresql", "postgis", "geos", "proj", "gdal"}
