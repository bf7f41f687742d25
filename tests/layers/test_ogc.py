"""OGC API - Features - Part 1: Core at /ogc/: every resource, links, paging, filters,
permissions, and JSON errors (OGC and project shapes) for bad input."""

import datetime as dt
import json
import shutil
import subprocess

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import Point

from layers import registry
from layers.models import Facility
from layers.registry import LayerSpec

pytestmark = pytest.mark.django_db

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Resolve {% static %} without collectstatic's manifest (tests run with DEBUG off)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def body_of(response):
    if response.streaming:
        return json.loads(b"".join(response.streaming_content))
    return response.json()


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500] if not response.streaming else ""
    return response


def get_json(client, url, status=200):
    response = get(client, url, status)
    assert response["Content-Type"].startswith(
        ("application/json", "application/geo+json", "application/vnd.oai.openapi+json")
    )
    return body_of(response)


def assert_error(client, url, status):
    body = get_json(client, url, status)
    assert body["code"] in {"InvalidParameterValue", "NotFound"}  # the OGC exception
    assert body["description"]
    assert body["error"]["code"] and body["error"]["message"]  # the project's shape
    return body


def rels(links):
    return {link["rel"]: link for link in links}


@pytest.fixture
def facilities(settlement):
    """Twelve facilities along a line of longitude 32.70–32.81 at 48.79°N, ids in order."""
    made = []
    for i in range(12):
        made.append(
            Facility.objects.create(
                kind="library" if i % 2 else "school",
                name=f"Заклад {i:02d}",
                settlement=settlement,
                location=Point(32.70 + i * 0.01, 48.79, srid=4326),
                internet="connected" if i < 4 else "not_connected",
                down_mbps=100 if i < 4 else None,
                connected_since=dt.date(2020 + i, 3, 1) if i < 4 else None,
            )
        )
    return made


@pytest.fixture
def hidden_layer():
    """A test-only layer of not-connected facilities visible to the planners group only."""
    spec = LayerSpec(
        id="unserved-test",
        title_uk="Непідключені заклади",
        title_en="Unconnected facilities",
        queryset=lambda: Facility.objects.filter(internet="not_connected"),
        geometry="location",
        properties={"name": "name", "kind": "kind"},
        visibility="planners",
    )
    registry.register(spec, replace=True)
    yield spec
    registry.unregister(spec.id)


@pytest.fixture
def planner_client(client):
    user = User.objects.create_user("planner")
    user.groups.add(Group.objects.get_or_create(name="planners")[0])
    client.force_login(user)
    return client


# ------------------------------------------------------------------ landing, conformance


def test_landing_page_links_to_api_conformance_and_collections(client):
    body = get_json(client, "/ogc/")
    links = rels(body["links"])
    assert body["title"]
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.1"
    assert links["service-doc"]["type"] == "text/html"
    assert links["conformance"]["href"].endswith("/ogc/conformance")
    assert links["data"]["href"].endswith("/ogc/collections")
    assert links["self"]["href"].startswith("http://testserver/ogc/")
    assert links["alternate"]["type"] == "text/html"


def test_conformance_declares_core_geojson_html_and_oas30(client):
    body = get_json(client, "/ogc/conformance")
    assert {
        CORE,
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    } <= set(body["conformsTo"])


def test_browsers_get_html_and_f_overrides_the_accept_header(client):
    page = client.get("/ogc/", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page["Content-Type"].startswith("text/html")
    assert "Дмитрівська громада: геодані" in page.content.decode()  # Ukrainian first
    forced = client.get("/ogc/?f=json", headers={"Accept": "text/html"})
    assert forced["Content-Type"].startswith("application/json")


def test_every_resource_has_an_html_page(client, facilities):
    first = facilities[0].pk
    for url in (
        "/ogc/",
        "/ogc/conformance",
        "/ogc/api",
        "/ogc/collections",
        "/ogc/collections/facilities",
        "/ogc/collections/facilities/items",
        f"/ogc/collections/facilities/items/{first}",
    ):
        response = get(client, url + "?f=html")
        assert response["Content-Type"].startswith("text/html"), url
        assert b"<html" in response.content


def test_html_items_page_shows_feature_names_in_a_table(client, facilities):
    page = get(client, "/ogc/collections/facilities/items?f=html&limit=3").content.decode()
    assert "Заклад 00" in page and "Заклад 02" in page
    assert "Заклад 03" not in page


def test_html_pages_label_values_in_the_language_of_the_reader(client, facilities):
    url = "/ogc/collections/facilities/items?f=html&limit=1"
    page = get(client, url).content.decode()
    assert "<td>школа</td>" in page and "<td>підключено</td>" in page
    assert "<td>ні</td>" in page  # is_demo, not "False"
    assert "<th>населений пункт</th>" in page
    english = client.get(url, headers={"Accept-Language": "en"}).content.decode()
    assert "<td>school</td>" in english and "<td>connected</td>" in english
    assert "<td>no</td>" in english
    one = get(client, f"/ogc/collections/facilities/items/{facilities[0].pk}?f=html")
    assert "<td>школа</td>" in one.content.decode()


def test_openapi_document_lists_collections_and_their_queryables(client, facilities):
    response = get(client, "/ogc/api")
    assert response["Content-Type"] == "application/vnd.oai.openapi+json;version=3.1"
    doc = response.json()
    assert doc["openapi"].startswith("3.1")
    items = doc["paths"]["/collections/facilities/items"]["get"]
    names = {p.get("name") for p in items["parameters"]} | {
        p["$ref"].rsplit("/", 1)[1] for p in items["parameters"] if "$ref" in p
    }
    assert {"bbox", "limit", "offset", "datetime", "internet", "kind"} <= names
    internet = next(p for p in items["parameters"] if p.get("name") == "down_mbps")
    assert internet["schema"]["type"] == "integer"
    assert "/collections/territory/items/{featureId}" in doc["paths"]


# ------------------------------------------------------------------ collections


def test_collections_list_the_public_layers_with_extent_in_crs84(client, facilities):
    body = get_json(client, "/ogc/collections")
    by_id = {c["id"]: c for c in body["collections"]}
    assert {"territory", "settlements", "facilities"} <= set(by_id)
    west, south, east, north = by_id["facilities"]["extent"]["spatial"]["bbox"][0]
    assert (west, south, east, north) == pytest.approx((32.70, 48.79, 32.81, 48.79), abs=1e-6)
    assert by_id["facilities"]["extent"]["spatial"]["crs"].endswith("/OGC/1.3/CRS84")
    assert rels(body["links"])["self"]["href"].endswith("/ogc/collections?f=json")


def test_collection_has_items_links_and_temporal_extent_where_it_has_time(client, facilities):
    body = get_json(client, "/ogc/collections/facilities")
    items = [link for link in body["links"] if link["rel"] == "items"]
    assert {link["type"] for link in items} == {"application/geo+json", "text/html"}
    assert body["extent"]["temporal"]["interval"] == [
        ["2020-03-01T00:00:00Z", "2023-03-01T00:00:00Z"]
    ]
    assert "temporal" not in get_json(client, "/ogc/collections/settlements")["extent"]


def test_collection_title_follows_accept_language(client):
    english = client.get("/ogc/collections/settlements", headers={"Accept-Language": "en"})
    assert english.json()["title"] == "Settlements"
    assert get_json(client, "/ogc/collections/settlements")["title"] == "Населені пункти"


# ------------------------------------------------------------------ items


def test_items_default_to_ten_features_with_counts_and_timestamp(client, facilities):
    response = get(client, "/ogc/collections/facilities/items")
    assert response["Content-Type"] == "application/geo+json"
    body = body_of(response)
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == 12
    assert body["numberReturned"] == len(body["features"]) == 10
    assert dt.datetime.fromisoformat(body["timeStamp"])
    feature = body["features"][0]
    assert feature["id"] == facilities[0].pk
    assert feature["geometry"] == {"type": "Point", "coordinates": [32.7, 48.79]}
    assert feature["properties"]["name"] == "Заклад 00"


def test_items_pages_follow_next_and_prev_links(client, facilities):
    first = get_json(client, "/ogc/collections/facilities/items?limit=5")
    links = rels(first["links"])
    assert "prev" not in links
    second = get_json(client, links["next"]["href"].replace("http://testserver", ""))
    assert [f["properties"]["name"] for f in second["features"]][0] == "Заклад 05"
    last = get_json(client, rels(second["links"])["next"]["href"].replace("http://testserver", ""))
    assert last["numberReturned"] == 2
    assert "next" not in rels(last["links"])
    back = get_json(client, rels(last["links"])["prev"]["href"].replace("http://testserver", ""))
    assert back["features"] == second["features"]


def test_items_links_keep_the_filters_and_name_the_collection(client, facilities):
    body = get_json(client, "/ogc/collections/facilities/items?kind=school&limit=2")
    links = rels(body["links"])
    assert "kind=school" in links["next"]["href"] and "offset=2" in links["next"]["href"]
    assert links["self"]["type"] == "application/geo+json"
    assert links["collection"]["href"].endswith("/ogc/collections/facilities?f=json")


def test_large_pages_are_streamed_with_the_same_document_shape(client, facilities):
    response = get(client, "/ogc/collections/facilities/items?limit=5000")
    assert response.streaming
    body = body_of(response)
    assert body["numberReturned"] == len(body["features"]) == 12
    small = body_of(get(client, "/ogc/collections/facilities/items?limit=1000"))
    assert small["features"] == body["features"]


def test_offset_past_the_end_returns_no_features_but_the_count(client, facilities):
    body = get_json(client, "/ogc/collections/facilities/items?offset=50")
    assert body["features"] == [] and body["numberReturned"] == 0
    assert body["numberMatched"] == 12


def test_bbox_selects_features_inside_the_box(client, facilities):
    body = get_json(client, "/ogc/collections/facilities/items?bbox=32.725,48.7,32.755,48.8")
    names = [f["properties"]["name"] for f in body["features"]]
    assert names == ["Заклад 03", "Заклад 04", "Заклад 05"]
    assert body["numberMatched"] == 3


def test_bbox_with_six_numbers_ignores_heights(client, facilities):
    url = "/ogc/collections/facilities/items?bbox=32.725,48.7,0,32.755,48.8,100"
    assert get_json(client, url)["numberMatched"] == 3


def test_bbox_across_the_antimeridian_is_accepted(client, facilities):
    body = get_json(client, "/ogc/collections/facilities/items?bbox=170,-10,-170,10")
    assert body["numberMatched"] == 0


def test_equality_filters_on_exposed_properties(client, facilities):
    body = get_json(client, "/ogc/collections/facilities/items?internet=connected&kind=library")
    assert [f["properties"]["name"] for f in body["features"]] == ["Заклад 01", "Заклад 03"]
    body = get_json(client, "/ogc/collections/facilities/items?down_mbps=100&limit=100")
    assert body["numberMatched"] == 4


def test_datetime_interval_filters_on_the_temporal_field(client, facilities):
    url = "/ogc/collections/facilities/items?datetime=2021-01-01T00:00:00Z/2022-12-31T23:59:59Z"
    assert [f["properties"]["name"] for f in get_json(client, url)["features"]] == [
        "Заклад 01",
        "Заклад 02",
    ]
    open_start = get_json(client, "/ogc/collections/facilities/items?datetime=../2021-03-01")
    assert open_start["numberMatched"] == 2
    open_end = get_json(client, "/ogc/collections/facilities/items?datetime=2022-03-01/..")
    assert open_end["numberMatched"] == 2
    instant = get_json(client, "/ogc/collections/facilities/items?datetime=2023-03-01")
    assert [f["properties"]["name"] for f in instant["features"]] == ["Заклад 03"]


def test_items_as_html_and_geojson_are_the_same_features(client, facilities):
    html = get(client, "/ogc/collections/facilities/items?f=html&limit=2").content.decode()
    geo = get_json(client, "/ogc/collections/facilities/items?limit=2")
    assert all(f["properties"]["name"] in html for f in geo["features"])


def test_one_feature_by_id_has_self_and_collection_links(client, facilities):
    target = facilities[3]
    body = get_json(client, f"/ogc/collections/facilities/items/{target.pk}")
    assert body["type"] == "Feature" and body["id"] == target.pk
    links = rels(body["links"])
    assert links["self"]["type"] == "application/geo+json"
    assert links["collection"]["href"].endswith("/ogc/collections/facilities")


def test_settlement_features_are_identified_by_katottg(client, settlement):
    body = get_json(client, "/ogc/collections/settlements/items/UA35040090010099441")
    assert body["properties"]["name_uk"] == "Дмитрівка"
    assert body["geometry"]["type"] == "MultiPolygon"


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "query",
    [
        "bbox=1,2,3",
        "bbox=1,2,3,4,5",
        "bbox=a,b,c,d",
        "bbox=32,49,33,48",  # south above north
        "bbox=32,48,200,49",
        "bbox=nan,48,33,49",
        "limit=0",
        "limit=10001",
        "limit=-1",
        "limit=x",
        "limit=1_0",
        "offset=-5",
        "offset=x",
        "f=xml",
        "unknown=1",
        "down_mbps=fast",
        "connected_since=2020-13-45",
        "datetime=yesterday",
        "datetime=../..",
        "datetime=2023-01-01/2021-01-01",
    ],
)
def test_bad_items_parameters_are_400_json(client, facilities, query):
    body = assert_error(client, f"/ogc/collections/facilities/items?{query}", 400)
    assert body["code"] == "InvalidParameterValue"


def test_datetime_on_a_layer_without_time_is_400(client, settlement):
    assert_error(client, "/ogc/collections/settlements/items?datetime=2020-01-01", 400)


@pytest.mark.parametrize(
    "url",
    [
        "/ogc/collections/nothing",
        "/ogc/collections/nothing/items",
        "/ogc/collections/nothing/items/1",
        "/ogc/collections/facilities/items/999999",
        "/ogc/collections/facilities/items/not-a-number",
        "/ogc/collections/settlements/items/UA00000000000000000",
        "/ogc/no-such-resource",
    ],
)
def test_unknown_collections_and_features_are_404_json(client, facilities, url):
    body = get_json(client, url, 404)
    assert body["error"]["code"]


def test_unknown_format_is_400_on_every_resource(client):
    for url in ("/ogc/", "/ogc/conformance", "/ogc/collections", "/ogc/api"):
        assert_error(client, url + "?f=xml", 400)


def test_post_is_not_allowed(client):
    assert client.post("/ogc/collections").status_code == 405


# ------------------------------------------------------------------ permissions


def test_non_public_layer_is_neither_listed_nor_served_to_anonymous(
    client, facilities, hidden_layer
):
    ids = {c["id"] for c in get_json(client, "/ogc/collections")["collections"]}
    assert "unserved-test" not in ids
    assert "/collections/unserved-test/items" not in get_json(client, "/ogc/api")["paths"]
    for url in (
        "/ogc/collections/unserved-test",
        "/ogc/collections/unserved-test/items",
        f"/ogc/collections/unserved-test/items/{facilities[5].pk}",
    ):
        assert_error(client, url, 404)


def test_non_public_layer_is_served_to_its_group(planner_client, facilities, hidden_layer):
    ids = {c["id"] for c in get_json(planner_client, "/ogc/collections")["collections"]}
    assert "unserved-test" in ids
    body = get_json(planner_client, "/ogc/collections/unserved-test/items?limit=100")
    assert body["numberMatched"] == 8
    assert {f["properties"]["kind"] for f in body["features"]} == {"school", "library"}


# ------------------------------------------------------------------ GDAL


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL's ogrinfo is not installed")
@pytest.mark.django_db(transaction=True)
def test_gdal_oapif_driver_opens_the_service(live_server, facilities):
    result = subprocess.run(  # noqa: S603 — fixed arguments, a local test server
        ["ogrinfo", "-ro", "-so", "-al", f"OAPIF:{live_server.url}/ogc/"],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Layer name: facilities" in out and "Layer name: territory" in out
    facilities_block = out.split("Layer name: facilities", 1)[1].split("Layer name:", 1)[0]
    assert "Feature Count: 12" in facilities_block
    assert "Geometry: Point" in facilities_block


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        (None, "application/geo+json"),
        ("*/*", "application/geo+json"),
        (" */* ", "application/geo+json"),
        ("", "application/geo+json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "text/html"),
        ("garbage;;q=x, /", "application/geo+json"),
        ("text/html;q=nan", "text/html"),
    ],
)
def test_the_accept_header_chooses_the_format_and_never_fails(client, facilities, accept, kind):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    response = client.get("/ogc/collections/facilities/items?limit=1", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(kind)
