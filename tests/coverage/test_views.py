"""/planning/ (planners) and /coverage/ (public) pages, and the point lookup."""

import pytest
import shapely

from coverage.models import CoverageSnapshot
from coverage.services import coverage_compute
from tests.coverage.conftest import make_addresses, make_area


@pytest.fixture
def computed(territory, settlement, facility, providers):
    c = settlement.centre
    make_addresses(settlement, [(c.x, c.y), (c.x + 0.015, c.y)], [3, 1])
    make_area(providers["ProstoNet"], "fibre", 300, 100, shapely.Point(c.x, c.y).buffer(0.01))
    make_area(providers["Київстар"], "3g", 5, 1, shapely.Point(c.x, c.y).buffer(0.05))
    return coverage_compute()


def test_planning_page_asks_anonymous_visitors_to_sign_in(client, db):
    response = client.get("/planning/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_planning_page_is_forbidden_to_users_outside_planners(client, django_user_model, db):
    client.force_login(django_user_model.objects.create_user("clerk", password="x-pw-3"))
    assert client.get("/planning/").status_code == 403


def test_planning_page_shows_a_card_per_indicator_villages_charts_and_map(planner_client, computed):
    html = planner_client.get("/planning/").content.decode()
    assert "Дмитрівка" in html and html.count('<article class="card') == 6
    assert html.count("<svg") == 2
    # The map client is served by the site itself (Leaflet and protomaps-leaflet).
    assert "vendor/leaflet/leaflet.js" in html
    assert "vendor/protomaps-leaflet/protomaps-leaflet.js" in html
    assert "maplibre" not in html.lower()
    assert "unpkg" not in html and "cdn" not in html.lower()


def test_planning_page_dates_are_local_words_and_counts_whole(planner_client, computed):
    from django.utils import timezone
    from django.utils.dateformat import format as date_format

    html = planner_client.get("/planning/").content.decode()
    at = timezone.localtime(computed.computed_at)
    assert f"({date_format(at, 'j E Y, H:i')}) станом на " in html
    assert computed.computed_at.isoformat() not in html
    # The new Free Wi-Fi zones card is a count: "0", not "0,0".
    assert '<p class="card-value">0\n      <span class="card-year">у ' in html


def test_planning_page_before_any_computation_offers_the_button(planner_client, territory):
    html = planner_client.get("/planning/").content.decode()
    assert "planning/recompute/" in html


def test_recompute_button_makes_a_new_current_snapshot(planner_client, computed):
    response = planner_client.post("/planning/recompute/")
    assert response.status_code == 302
    assert CoverageSnapshot.objects.get(is_current=True).pk != computed.pk


def test_recompute_is_refused_to_non_planners(client, computed, django_user_model):
    client.force_login(django_user_model.objects.create_user("clerk", password="x-pw-4"))
    assert client.post("/planning/recompute/").status_code == 403
    assert CoverageSnapshot.objects.get(is_current=True).pk == computed.pk


def test_public_page_shows_no_address_level_data(client, computed):
    html = client.get("/coverage/").content.decode()
    assert 'id="coverage-map"' in html
    assert "unserved-addresses" not in html and "Шевченка" not in html


def test_public_page_lists_each_villages_share_as_a_table_in_the_pages_language(
    client, computed, settlement
):
    """The shares were only map labels: on a phone some are left out (no room), and a
    screen reader reads none. 3 of the 4 homes are within the fibre's reach."""
    html = client.get("/coverage/").content.decode()
    row = f'<tr><th scope="row">{settlement.name_uk}</th><td class="num">4</td>'
    assert row in html and '<td class="num">75%</td>' in html
    client.cookies["django_language"] = "en"
    english = client.get("/coverage/").content.decode()
    assert '<th scope="col" class="num">Share</th>' in english
    assert settlement.name_uk not in english


def test_public_page_has_no_shares_table_before_the_first_computation(client, territory):
    html = client.get("/coverage/").content.decode()
    assert 'id="coverage-map"' in html and "village-shares-table" not in html


def test_point_lookup_lists_offers_best_first_with_the_tier(client, computed, settlement):
    c = settlement.centre
    body = client.get(f"/api/v1/coverage/at/?lat={c.y}&lon={c.x}").json()
    assert body["tier"] == "served"
    assert [(o["provider"], o["tier"]) for o in body["offers"]] == [
        ("ProstoNet", "served"),
        ("Київстар", "unserved"),
    ]


def test_point_lookup_outside_any_coverage_is_unserved(client, computed):
    body = client.get("/api/v1/coverage/at/?lat=48.65&lon=32.55").json()
    assert body == {"lat": 48.65, "lon": 32.55, "tier": "unserved", "offers": []}


def test_point_lookup_with_a_bad_latitude_is_a_400(client, db):
    response = client.get("/api/v1/coverage/at/?lat=123&lon=32")
    assert response.status_code == 400 and "error" in response.json()
