"""/api/v1/coverage/: snapshot reads, gaps, areas, hotspots, Wi-Fi sites, targets."""

import json

import pytest
import shapely
from django.contrib.gis.geos import Point

from coverage.models import CoverageArea, WifiHotspot
from coverage.services import coverage_compute
from tests.coverage.conftest import make_addresses, make_area

API = "/api/v1/coverage"


def post(client, path, body, method="post"):
    return getattr(client, method)(
        f"{API}{path}", data=json.dumps(body), content_type="application/json"
    )


def square_geojson(lon, lat, half):
    return json.loads(
        shapely.to_geojson(shapely.box(lon - half, lat - half, lon + half, lat + half))
    )


@pytest.fixture
def computed(territory, settlement, village2, facility, providers):
    c = settlement.centre
    make_addresses(settlement, [(c.x, c.y), (c.x + 0.015, c.y)], [3, 1])
    make_area(providers["ProstoNet"], "fibre", 300, 100, shapely.Point(c.x, c.y).buffer(0.01))
    return coverage_compute()


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    if code:
        assert body["error"]["code"] == code


# --- snapshot reads ---------------------------------------------------------------------


def test_summary_before_any_computation_is_a_json_404(client, db):
    assert_error(client.get(f"{API}/summary/"), 404, "no_snapshot")


def test_summary_reads_the_current_snapshot(client, computed):
    body = client.get(f"{API}/summary/").json()
    assert body["snapshot_id"] == computed.pk
    # 3 of Dmytrivka's 4 households; Makarykha's 104 (estimated) have no fibre.
    fibre = body["territory"]["groups"]["fibre"]["served"]
    assert fibre["households_pct"] == pytest.approx(100 * 3 / 108)
    assert body["villages"]["total"] == 2


def test_summary_does_not_compute_when_coverage_changes(client, computed, providers):
    make_area(providers["Укртелеком"], "dsl", 20, 1, shapely.box(32.5, 48.6, 32.9, 49.0))
    body = client.get(f"{API}/summary/").json()
    assert body["territory"]["groups"]["fixed"]["covered"]["area_pct"] < 1


def test_settlements_list_every_village_and_the_priority_list(client, computed):
    body = client.get(f"{API}/settlements/").json()
    assert {s["name_en"] for s in body["settlements"]} == {"Dmytrivka", "Makarykha"}
    assert body["priorities"][0]["name_en"] == "Makarykha"
    assert "unserved" not in json.dumps(body["settlements"][0]["katottg"])


# --- gaps and unserved addresses (planners) ----------------------------------------------


def test_gaps_are_for_planners_only(client, computed, django_user_model):
    assert_error(client.get(f"{API}/gaps/"), 401)
    client.force_login(django_user_model.objects.create_user("resident", password="x-pw-1"))
    assert_error(client.get(f"{API}/gaps/"), 403, "forbidden")


def test_gaps_geojson_is_the_uncovered_territory(planner_client, computed):
    response = planner_client.get(f"{API}/gaps/?tier=served")
    assert response["Content-Type"] == "application/geo+json"
    (feature,) = response.json()["features"]
    territory_m2 = computed.results["territory"]["area_m2"]
    served_m2 = computed.results["territory"]["groups"]["any"]["served"]["area_m2"]
    assert feature["properties"]["area_m2"] == pytest.approx(territory_m2 - served_m2, rel=1e-6)
    assert feature["geometry"]["type"] == "MultiPolygon"


def test_gaps_with_an_unknown_tier_are_a_400(planner_client, computed):
    assert_error(planner_client.get(f"{API}/gaps/?tier=best"), 400, "invalid")


def test_gaps_download_as_geopackage(planner_client, computed):
    response = planner_client.get(f"{API}/gaps/?tier=underserved&format=gpkg")
    assert response.status_code == 200
    assert response.content.startswith(b"SQLite format 3")
    assert "gaps-underserved.gpkg" in response["Content-Disposition"]


def test_unserved_addresses_csv_lists_only_addresses_without_coverage(planner_client, computed):
    response = planner_client.get(f"{API}/unserved-addresses/")
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert lines[0].startswith("address_id,settlement,address,households")
    assert len(lines) == 2 and ",1," in lines[1]


def test_unserved_addresses_are_refused_to_the_public(client, computed):
    assert_error(client.get(f"{API}/unserved-addresses/"), 401)


# --- coverage areas ------------------------------------------------------------------------


def area_body(**overrides):
    body = {
        "provider": "ProstoNet",
        "technology": "fibre",
        "down_mbps": 300,
        "up_mbps": 100,
        "geometry": square_geojson(32.72, 48.79, 0.01),
    }
    return {**body, **overrides}


def test_planner_creates_changes_and_deletes_an_area(planner_client, territory, providers):
    response = post(planner_client, "/areas/", area_body())
    assert response.status_code == 201, response.content
    area_id = response.json()["id"]
    assert response.json()["warnings"] == []
    response = post(planner_client, f"/areas/{area_id}/", area_body(down_mbps=1000), "put")
    assert response.status_code == 200
    assert CoverageArea.objects.get(pk=area_id).down_mbps == 1000
    assert planner_client.delete(f"{API}/areas/{area_id}/").status_code == 204
    assert not CoverageArea.objects.exists()


def test_area_list_is_public_geojson(client, territory, providers):
    make_area(providers["ProstoNet"], "fibre", 300, 100, shapely.box(32.7, 48.7, 32.8, 48.8))
    body = client.get(f"{API}/areas/?technology=fibre").json()
    assert body["features"][0]["properties"]["provider_name"] == "ProstoNet"


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[32.7, 48.7], [32.8, 48.8], [32.8, 48.7], [32.7, 48.8], [32.7, 48.7]]],
}
LINE = {"type": "LineString", "coordinates": [[32.7, 48.7], [32.8, 48.8]]}
EMPTY = {"type": "Polygon", "coordinates": []}


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"geometry": BOWTIE}, "invalid_geometry"),
        ({"geometry": EMPTY}, "invalid_geometry"),
        ({"geometry": LINE}, "wrong_geometry_type"),
        ({"geometry": {"type": "Polygon"}}, "invalid_geometry"),
        ({"technology": "carrier_pigeon"}, "unknown_technology"),
        ({"provider": "Nobody"}, "unknown_provider"),
        ({"down_mbps": -1}, "invalid"),
        ({"source": "rumour"}, "unknown_source"),
        ({"valid_from": "2022-01-01", "valid_to": "2021-01-01"}, "invalid_period"),
    ],
)
def test_bad_area_is_a_400_and_nothing_is_written(
    planner_client, territory, providers, overrides, code
):
    assert_error(post(planner_client, "/areas/", area_body(**overrides)), 400, code)
    assert not CoverageArea.objects.exists()


def test_area_entirely_outside_the_territory_is_kept_with_a_warning(
    planner_client, territory, providers
):
    response = post(
        planner_client, "/areas/", area_body(geometry=square_geojson(30.5, 50.45, 0.01))
    )
    assert response.status_code == 201
    assert "outside the territory" in response.json()["warnings"][0]
    assert CoverageArea.objects.count() == 1


def test_non_planner_may_not_create_an_area(client, territory, providers, django_user_model):
    client.force_login(django_user_model.objects.create_user("clerk", password="x-pw-2"))
    assert_error(post(client, "/areas/", area_body()), 403)
    assert not CoverageArea.objects.exists()


def test_changing_a_missing_area_is_a_404(planner_client, territory, providers):
    assert_error(post(planner_client, "/areas/999/", area_body(), "put"), 404)


# --- hotspots and Wi-Fi sites --------------------------------------------------------------


def hotspot_body(**overrides):
    body = {
        "name": "Площа",
        "provider": "Громада Wi-Fi",
        "lon": 32.72,
        "lat": 48.79,
        "radius_m": 80,
    }
    return {**body, **overrides}


def test_planner_adds_a_hotspot_with_its_buffered_area(
    planner_client, client, territory, providers
):
    assert post(planner_client, "/hotspots/", hotspot_body()).status_code == 201
    assert CoverageArea.objects.get().source == "hotspot"
    (feature,) = client.get(f"{API}/hotspots/").json()["features"]
    assert feature["properties"]["radius_m"] == 80


@pytest.mark.parametrize("radius", [-10, 0, 50_000])
def test_hotspot_with_a_bad_radius_is_a_400_and_nothing_is_written(
    planner_client, territory, providers, radius
):
    assert_error(
        post(planner_client, "/hotspots/", hotspot_body(radius_m=radius)), 400, "invalid_radius"
    )
    assert not WifiHotspot.objects.exists() and not CoverageArea.objects.exists()


@pytest.fixture
def two_sites(territory, settlement, providers):
    from layers.models import Facility

    c = settlement.centre
    near, far = Point(c.x, c.y, srid=4326), Point(c.x + 0.01, c.y, srid=4326)
    Facility.objects.create(kind="school", name="Школа", settlement=settlement, location=near)
    Facility.objects.create(kind="library", name="Бібліотека", settlement=settlement, location=far)
    # 3 + 2 households at the school, 4 at the library (about 735 m apart).
    make_addresses(settlement, [(c.x, c.y), (c.x + 0.0002, c.y), (c.x + 0.01, c.y)], [3, 2, 4])
    return settlement


def test_wifi_sites_pick_the_facilities_that_newly_reach_most_households(planner_client, two_sites):
    body = planner_client.get(f"{API}/wifi-sites/?k=5&radius_m=100").json()
    assert [(s["name"], s["households_added"]) for s in body["sites"]] == [
        ("Школа", 5),
        ("Бібліотека", 4),
    ]
    assert body["sites"][-1]["households_total"] == 9


def test_wifi_sites_skip_households_an_existing_zone_reaches(planner_client, two_sites):
    from coverage.services import hotspot_save

    hotspot_save(name="Є", provider="Громада Wi-Fi", location=two_sites.centre, radius_m=50)
    body = planner_client.get(f"{API}/wifi-sites/?k=1&radius_m=100").json()
    assert [(s["name"], s["households_added"]) for s in body["sites"]] == [("Бібліотека", 4)]


def test_wifi_sites_among_posted_points(planner_client, two_sites):
    c = two_sites.centre
    body = post(
        planner_client, "/wifi-sites/", {"k": 1, "radius_m": 2000, "points": [[c.x, c.y]]}
    ).json()
    assert body["sites"][0]["households_added"] == 9


@pytest.mark.parametrize(
    "query", ["k=0&radius_m=100", "k=-3", "k=2&radius_m=-1", "k=2&radius_m=99999"]
)
def test_wifi_sites_with_bad_k_or_radius_are_a_400(planner_client, two_sites, query):
    assert_error(planner_client.get(f"{API}/wifi-sites/?{query}"), 400)


# --- strategy targets ----------------------------------------------------------------------


def test_targets_list_the_strategy_beside_the_current_actuals(client, computed):
    rows = client.get(f"{API}/targets/").json()
    keys = {(r["indicator"], r["year"]) for r in rows}
    assert ("new_wifi_zones", 2022) in keys and ("e_appeals_pct", 2022) in keys
    facilities = next(r for r in rows if r["indicator"] == "facilities_high_speed_pct")
    assert facilities["target"] == 80 and facilities["comparison"] == "gt"
    assert facilities["actual"] is None  # no snapshot was computed for 2022
