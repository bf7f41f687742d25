"""Input that gave a 500 (issue #21) now gets a 4xx JSON error or is cleaned at the door.

Control characters and non-characters are removed from forms, query strings and JSON
bodies (core.text); every XML written parses; geometry is checked by core.geometry.
"""

import json
from xml.etree import ElementTree as ET

import pytest
from django.contrib.gis.geos import Point

from tests.helpers.users import make_user
from tests.security.conftest import INSIDE

API = "/api/v1"


@pytest.fixture
def category(db):
    from reports.models import Category

    return Category.objects.create(code="roads", name_uk="Дороги", name_en="Roads")


@pytest.fixture
def planner_client(client, db):
    planner = make_user("planner-h", groups=["planners"], is_staff=True)
    client.force_login(planner, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def provider(db):
    from coverage.models import Provider

    return Provider.objects.create(name="ProstoNet", kind="fixed")


def report_form(**overrides):
    data = {
        "category": "roads",
        "lat": str(INSIDE["lat"]),
        "lon": str(INSIDE["lon"]),
        "description": "Яма",
    }
    return {**data, **overrides}


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    if code:
        assert response.json()["error"]["code"] == code


# --- reports ---------------------------------------------------------------------------


def test_an_e_mail_longer_than_the_column_is_a_400(client, settlement, category):
    email = "a" * 64 + "@" + ".".join(["b" * 59] * 4) + ".org"  # 308 characters
    assert len(email) == 308
    response = client.post(f"{API}/reports/", report_form(email=email))
    assert_error(response, 400, "invalid_email")


def test_a_media_url_longer_than_500_characters_is_refused(settlement, category):
    from core.errors import InvalidInput
    from reports import services
    from reports.models import Report

    with pytest.raises(InvalidInput) as caught:
        services.report_create(
            category_code="roads",
            description="",
            media_url="https://example.org/" + "x" * 500,
            **INSIDE,
        )
    assert caught.value.code == "invalid_media_url"
    assert not Report.objects.exists()


def test_deeply_nested_json_answers_are_a_400(client, settlement, category):
    nested = "[" * 100_000 + "]" * 100_000
    response = client.post(f"{API}/reports/", report_form(answers=nested))
    assert_error(response, 400, "invalid_answers")


def test_a_deeply_nested_json_body_is_a_400(planner_client, provider):
    body = '{"provider": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = planner_client.post(f"{API}/coverage/areas/", body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("bbox", ["nan,nan,nan,nan", "0,0,inf,1", "nan,48,33,49"])
def test_a_bbox_of_nan_or_infinity_is_a_400(client, db, bbox):
    assert_error(client.get(f"{API}/reports/?bbox={bbox}"), 400, "invalid_bbox")


def test_a_non_character_in_a_description_is_removed_and_open311_xml_parses(
    client, settlement, category
):
    response = client.post(
        f"{API}/reports/", report_form(description="Яма\ufffe на\x01 дорозі\uffff\x0b")
    )
    assert response.status_code == 201, response.content
    from reports.models import Report

    assert Report.objects.get().description == "Яма на дорозі"
    xml = client.get("/open311/v2/requests.xml")
    assert xml.status_code == 200
    root = ET.fromstring(xml.content)  # noqa: S314 — our own output
    assert root.find("request/description").text == "Яма на дорозі"


def test_open311_xml_parses_even_with_a_non_character_stored(client, settlement, category):
    from reports import services
    from reports.models import Report

    report = services.report_create(category_code="roads", description="Яма", **INSIDE)
    Report.objects.filter(pk=report.pk).update(description="Яма\ufffe\x02")  # older rows
    root = ET.fromstring(client.get("/open311/v2/requests.xml").content)  # noqa: S314
    assert root.find("request/description").text == "Яма"


def test_control_characters_in_a_query_string_never_give_a_500(client, settlement):
    for q in ("%00", "%EF%BF%BE", "%01%02", "%ED%A0%80"):
        response = client.get(f"{API}/addresses/search?q=Шевч{q}")
        assert response.status_code < 500, (q, response.content[:300])


def test_control_characters_in_a_json_body_are_removed(planner_client, territory, provider):
    from coverage.models import CoverageArea

    body = {
        "provider": "ProstoNet",
        "technology": "fibre",
        "down_mbps": 100,
        "up_mbps": 10,
        "note": "вузол\u0000 №1\ufffe",
        "geometry": square_geojson(32.72, 48.79, 0.01),
    }
    response = planner_client.post(
        f"{API}/coverage/areas/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert CoverageArea.objects.get().note == "вузол №1"


def test_text_clean_removes_exactly_the_forbidden_characters():
    from core import text

    kept = "Тест\tрядок\nдругий\r\n€ 😀 \ufffd"
    assert text.text_clean(kept) == kept
    dirty = "a\x00b\x1fc\x7fd\ufffee\uffff" + "\ud800" + "f"
    assert text.text_clean(dirty) == "abcdef"


# --- coverage areas API ------------------------------------------------------------------


def square_geojson(lon, lat, half, z=None):
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    if z is not None:
        ring = [[x, y, z] for x, y in ring]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.mark.parametrize(
    "geometry",
    [
        square_geojson(32.72, 48.79, 0.01, z=120.0),  # 3D
        square_geojson(32.72, 94.99, 0.01),  # latitude 95
        square_geojson(181.0, 48.79, 0.5),  # longitude 181
    ],
    ids=["3d", "latitude-95", "longitude-181"],
)
def test_the_coverage_areas_api_refuses_3d_and_out_of_range_coordinates(
    planner_client, territory, provider, geometry
):
    from coverage.models import CoverageArea

    body = {
        "provider": "ProstoNet",
        "technology": "fibre",
        "down_mbps": 100,
        "up_mbps": 10,
        "geometry": geometry,
    }
    response = planner_client.post(
        f"{API}/coverage/areas/", json.dumps(body), content_type="application/json"
    )
    assert_error(response, 400, "invalid_geometry")
    assert not CoverageArea.objects.exists()


# --- admin -------------------------------------------------------------------------------


def test_adding_a_wifi_hotspot_in_the_admin_saves_it_with_its_coverage_area(
    client, territory, provider
):
    from coverage.models import CoverageArea, WifiHotspot

    admin = make_user("root-h", is_staff=True, is_superuser=True)
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        "/admin/coverage/wifihotspot/add/",
        {
            "name": "Школа",
            "provider": provider.pk,
            "location": Point(32.7208, 48.7936, srid=4326).geojson,
            "radius_m": "80",
            "down_mbps": "100",
            "up_mbps": "20",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    hotspot = WifiHotspot.objects.get()
    area = CoverageArea.objects.get(hotspot=hotspot)
    assert area.technology == "wifi" and area.area.contains(hotspot.location)
