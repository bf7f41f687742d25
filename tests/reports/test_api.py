"""/api/v1/reports/: GeoJSON list, detail, create, nearby, "me too"; errors are JSON."""

import json

import pytest

from reports import services
from reports.models import Photo, Report
from tests.helpers.tasks import finish_photos
from tests.reports.conftest import INSIDE, OUTSIDE, image_bytes

PRIVATE = [b"oksana.private@example.com", b"+380501112233", "Оксана Приватна".encode()]


def assert_no_contact_data(body: bytes):
    for secret in PRIVATE:
        assert secret not in body


def test_the_list_is_geojson_built_with_public_properties(client, make_report):
    report = make_report()
    response = client.get("/api/v1/reports/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    feature = data["features"][0]
    assert feature["id"] == report.number
    assert feature["geometry"] == {"type": "Point", "coordinates": [INSIDE["lon"], INSIDE["lat"]]}
    assert feature["properties"]["status"] == "new"
    assert feature["properties"]["open311_status"] == "open"
    assert feature["properties"]["settlement_name"] == "Дмитрівка"
    assert_no_contact_data(response.content)


def test_the_list_filters_by_status_category_village_and_bbox(client, make_report, settlement):
    open_report = make_report()
    fixed = make_report()
    services.report_status_change(report=fixed, status="fixed")

    def numbers(query):
        return [f["id"] for f in client.get(f"/api/v1/reports/?{query}").json()["features"]]

    assert numbers("status=open") == [open_report.number]
    assert numbers("status=fixed,duplicate") == [fixed.number]
    assert numbers("category=water") == []
    assert len(numbers(f"settlement={settlement.katottg}")) == 2
    assert numbers("bbox=30,50,31,51") == []
    assert len(numbers("bbox=32.7,48.7,32.8,48.8")) == 2


def test_hidden_and_unmoderated_reports_are_not_listed(client, make_report, moderated_category):
    hidden = make_report()
    services.report_visibility_set(report=hidden, hidden=True)
    make_report(category_code="other", answers={})
    assert client.get("/api/v1/reports/").json()["features"] == []


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("status=lost", "invalid_status"),
        ("bbox=1,2,3", "invalid_bbox"),
        ("settlement=xx", "invalid"),
    ],
)
def test_bad_list_parameters_are_json_400s(client, db, query, code):
    response = client.get(f"/api/v1/reports/?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_the_detail_has_history_and_photos_but_no_contact_data(client, make_report):
    report = make_report(photos=[services.PhotoUpload("a.jpg", image_bytes())])
    services.report_status_change(report=report, status="acknowledged", note="Прийнято")
    response = client.get(f"/api/v1/reports/{report.number}/")
    data = response.json()
    assert data["status"] == "acknowledged"
    assert [h["note"] for h in data["history"]] == ["", "Прийнято"]
    assert data["photos"][0]["thumbnail"].startswith("/media/reports/thumbs/")
    assert data["reporter"] == ""  # anonymous by default
    assert_no_contact_data(response.content)


def test_a_missing_report_is_a_json_404(client, db):
    response = client.get("/api/v1/reports/2024-99999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "report_not_found"


@pytest.mark.parametrize("word", ["nope", "2024-1", "2024-00012x", "..%2F"])
def test_a_path_that_is_no_report_number_is_a_json_400(client, db, word):
    """Any word was taken for a number: the fuzzer's "categories" got the category list
    under the detail's documented object."""
    for response in (
        client.get(f"/api/v1/reports/{word}/"),
        client.post(f"/api/v1/reports/{word}/support/"),
    ):
        assert response.status_code in (400, 404)
        assert "error" in response.json()
    assert client.get("/api/v1/reports/nope/").status_code == 400
    assert isinstance(client.get("/api/v1/reports/categories/").json(), list)  # its own route


def form(**overrides):
    data = {
        "category": "roads",
        "lat": str(INSIDE["lat"]),
        "lon": str(INSIDE["lon"]),
        "description": "Яма",
        "answers": json.dumps({"size": "small"}),
        "email": "someone@example.org",
    }
    data.update(overrides)
    return data


def test_creating_a_report_returns_its_private_follow_link(client, territory, settlement, category):
    response = client.post("/api/v1/reports/", form())
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert response.json()["follow_url"] == f"/reports/follow/{report.follow_token}/"
    assert report.channel == "web" and report.reporter_email == "someone@example.org"


def test_creating_with_photos_stores_them(client, territory, settlement, category):
    photo = ("a.jpg", image_bytes(), "image/jpeg")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/api/v1/reports/", {**form(), "photos": [SimpleUploadedFile(*photo)]})
    assert response.status_code == 201, response.content
    assert finish_photos() == 1  # the task worker's part
    assert Photo.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"lat": str(OUTSIDE["lat"]), "lon": str(OUTSIDE["lon"])}, 400, "outside_territory"),
        # Far outside the metric CRS's zone (PostGIS cannot project it: it was a 500).
        ({"lat": "1e-09", "lon": "118.8176495513153"}, 400, "outside_territory"),
        ({"lat": "-89.9", "lon": "-179.9"}, 400, "outside_territory"),
        ({"description": "x" * 4001}, 400, "description_too_long"),
        ({"website": "spam"}, 400, "spam"),
        ({"category": "nope"}, 404, "unknown_category"),
        ({"answers": "[1]"}, 400, "invalid_answers"),
        ({"lat": "north"}, 400, "invalid"),
    ],
)
def test_bad_reports_are_refused_with_json_errors_and_nothing_written(
    client, territory, settlement, category, overrides, status, code
):
    response = client.post("/api/v1/reports/", form(**overrides))
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert Report.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_api_is_rate_limited_per_client_address(
    client, territory, settlement, category, settings
):
    settings.REPORTS_RATE_LIMIT = 1
    assert client.post("/api/v1/reports/", form()).status_code == 201
    response = client.post("/api/v1/reports/", form())
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert Report.objects.count() == 1


def test_nearby_offers_open_reports_of_the_same_category_within_50_m(
    client, make_report, signal_category
):
    near = make_report()
    make_report(lat=INSIDE["lat"] + 0.001)  # about 111 m north
    make_report(category_code="no_signal", answers={"service": ["voice"]})
    fixed = make_report()
    services.report_status_change(report=fixed, status="fixed")
    response = client.get(
        f"/api/v1/reports/nearby/?lat={INSIDE['lat']}&lon={INSIDE['lon'] + 0.0003}&category=roads"
    )
    found = response.json()
    assert [r["number"] for r in found] == [near.number]
    assert 20 < found[0]["distance_m"] < 25


def test_me_too_through_the_api_counts_once(client, make_report):
    report = make_report()
    first = client.post(f"/api/v1/reports/{report.number}/support/").json()
    second = client.post(f"/api/v1/reports/{report.number}/support/").json()
    assert (first["supporters"], first["added"]) == (1, True)
    assert (second["supporters"], second["added"]) == (1, False)


def test_categories_list_their_questions(client, category):
    data = client.get("/api/v1/reports/categories/").json()
    assert data[0]["code"] == "roads"
    assert [q["code"] for q in data[0]["questions"]] == ["size", "depth"]


def test_a_repeated_send_with_the_same_idempotency_key_returns_the_first_report(
    client, territory, category
):
    data = {
        "category": category.code,
        "lat": 48.7936,
        "lon": 32.7208,
        "description": "Яма",
        "answers": '{"size": "large"}',
        "idempotency_key": "draft-0123456789abcdef",
    }
    first = client.post("/api/v1/reports/", data)
    again = client.post("/api/v1/reports/", data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    from reports.models import Report

    assert Report.objects.count() == 1


def test_a_malformed_idempotency_key_is_refused(client, territory, category):
    data = {"category": category.code, "lat": 48.7936, "lon": 32.7208, "description": "Яма"}
    response = client.post("/api/v1/reports/", {**data, "idempotency_key": "short"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_idempotency_key"


def test_the_offline_form_has_a_manifest_and_a_service_worker_in_its_scope(client, db):
    manifest = client.get("/reports/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest["Content-Type"] == "application/manifest+json"
    body = manifest.json()
    assert body["start_url"] == "/reports/new/" and {i["sizes"] for i in body["icons"]} == {
        "192x192",
        "512x512",
    }
    worker = client.get("/reports/sw.js")
    assert worker.status_code == 200 and "workbox" in worker.text
    assert "cdn" not in worker.text.lower().replace("no cdn", "")


def test_the_service_worker_answers_under_the_manifest_storage_of_production(
    client, db, settings, tmp_path
):
    """Production serves hashed static names (a manifest); the worker must not ask the
    storage for a name that is not a collected file (it did: a 500 for /reports/sw.js)."""
    import json as _json

    hashed = "vendor/workbox/workbox-sw.0123456789ab.js"
    manifest = {"paths": {"vendor/workbox/workbox-sw.js": hashed}, "version": "1.1", "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(_json.dumps(manifest))
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    response = client.get("/reports/sw.js")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"/static/{hashed}" in body
    assert '"staticPrefix": "/static/"' in body
