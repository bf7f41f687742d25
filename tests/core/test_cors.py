"""CORS: any origin reads the public APIs anonymously; nothing that writes or needs a
session ever carries Access-Control-Allow-Origin."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

ORIGIN = {"Origin": "https://maps.example.org"}
PUBLIC_READS = [
    "/ogc/",
    "/ogc/collections",
    "/ogc/collections/settlements/items",
    "/ogc/collections/nosuch/items",  # a 404 a page on another origin must be able to read
    "/tiles/settlements.json",
    "/tiles/settlements/10/600/350.pbf",
    "/open311/v2/services.json",
    "/open311/v2/requests.json",
    "/open311/v2/requests.xml",
    "/api/v1/settlements/",
    "/api/v1/schema/",
]


@pytest.mark.parametrize("url", PUBLIC_READS)
def test_anonymous_reads_of_public_apis_allow_any_origin_without_credentials(
    client, url, territory
):
    response = client.get(url, headers=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "Content-Crs" in response["Access-Control-Expose-Headers"]


def test_head_is_allowed_too(client, territory):
    assert client.head("/ogc/collections", headers=ORIGIN)["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("url", "data"),
    [("/open311/v2/requests.json", {"service_code": "roads"}), ("/api/v1/reports/", {})],
)
def test_writes_never_carry_cors_headers(client, url, data):
    response = client.post(url, data, headers=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


def test_what_needs_a_session_carries_no_cors_headers(client):
    response = client.get("/api/v1/coverage/gaps/", headers=ORIGIN)
    assert response.status_code in (401, 403)
    assert "Access-Control-Allow-Origin" not in response


def test_signed_in_reads_carry_no_cors_headers(client, territory):
    client.force_login(User.objects.create_user("staffer", is_staff=True))
    for url in ("/api/v1/settlements/", "/ogc/collections"):
        assert "Access-Control-Allow-Origin" not in client.get(url, headers=ORIGIN)


def test_pages_carry_no_cors_headers(client):
    assert "Access-Control-Allow-Origin" not in client.get("/", headers=ORIGIN)


def test_preflight_of_a_read_is_allowed(client):
    response = client.options(
        "/ogc/collections/settlements/items",
        headers={
            **ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Headers"] == "if-none-match"


@pytest.mark.parametrize(
    ("method", "headers"), [("POST", ""), ("DELETE", ""), ("GET", "x-csrftoken"), ("GET", "cookie")]
)
def test_preflight_of_a_write_or_odd_headers_is_refused(client, method, headers):
    response = client.options(
        "/open311/v2/requests.json",
        headers={
            **ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Methods" not in response
