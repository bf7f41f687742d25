"""The JSON API answers a map fetches again on every visit: gzipped, with an ETag and
no-cache, so that a reload over a rural line costs a 304, not the data (issue #15)."""

import gzip
import json

import pytest

pytestmark = pytest.mark.django_db


def test_api_geojson_is_gzipped_with_an_etag_and_revalidated_each_time(client, territory):
    response = client.get("/api/v1/territory/", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, no-cache"
    assert "Accept-Encoding" in response["Vary"]
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    if response.has_header("Content-Encoding"):
        assert response["Content-Encoding"] == "gzip"
        body = json.loads(gzip.decompress(response.content))
    else:  # a territory smaller than GZIP_MIN_BYTES is sent as it is
        body = response.json()
    assert body["type"] == "FeatureCollection"


def test_the_same_etag_again_gets_a_304_without_the_body(client, territory):
    first = client.get("/api/v1/settlements/")
    again = client.get("/api/v1/settlements/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_each_encoding_has_its_own_etag(client, territory):
    plain = client.get("/api/v1/territory/")
    zipped = client.get("/api/v1/territory/", headers={"Accept-Encoding": "gzip"})
    if zipped.has_header("Content-Encoding"):
        assert plain["ETag"] != zipped["ETag"]
    assert plain.json()["type"] == "FeatureCollection"


def test_a_signed_in_visitors_answer_is_private(client, territory, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="x-pw-9"))
    response = client.get("/api/v1/territory/")
    assert response["Cache-Control"] == "private, no-cache"


def test_errors_and_other_paths_are_left_alone(client, territory):
    missing = client.get("/api/v1/settlements/UA00000000000000000/")
    assert missing.status_code == 404
    assert not missing.has_header("ETag")
    page = client.get("/map/")
    assert not page.has_header("ETag")


def test_the_style_document_is_gzipped_and_revalidated_by_its_etag(client, territory):
    first = client.get("/tiles/style.json", headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200
    assert first["Content-Encoding"] == "gzip"
    assert first["Cache-Control"].startswith("private")
    again = client.get(
        "/tiles/style.json", headers={"Accept-Encoding": "gzip", "If-None-Match": first["ETag"]}
    )
    assert again.status_code == 304
