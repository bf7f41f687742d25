"""Both OpenAPI documents (/api/v1/schema/ and /ogc/api) are valid OpenAPI 3.1, and every
GET answers with a content type its operation declares."""

import re

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

pytestmark = pytest.mark.django_db

DOCS = ["/api/v1/schema/", "/ogc/api?f=json"]


def errors_of(doc) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in OpenAPIV31SpecValidator(doc).iter_errors()
    ]


@pytest.mark.parametrize("url", DOCS)
def test_openapi_document_is_valid_openapi_3_1(client, url):
    response = client.get(url)
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.1")
    assert errors_of(doc) == []


def test_ogc_api_is_served_as_openapi_3_1_json(client):
    response = client.get("/ogc/api?f=json")
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json;version=3.1")


def test_a_client_asking_for_openapi_3_0_gets_a_valid_3_0_document(client):
    accept = "application/vnd.oai.openapi+json;version=3.0, application/json"  # GDAL's
    response = client.get("/ogc/api?f=json", headers={"Accept": accept})
    assert response["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    doc = response.json()
    assert doc["openapi"] == "3.0.3"
    assert list(OpenAPIV30SpecValidator(doc).iter_errors()) == []


def _concrete(path: str, ids: dict) -> str | None:
    """The path with its parameters filled in, None when one has no known value."""

    def fill(match):
        return ids.get(match.group(1), "\0")

    filled = re.sub(r"\{([^}]+)\}", fill, path)
    return None if "\0" in filled else filled


def _declared(operation, status: int) -> set[str]:
    responses = operation["responses"]
    response = responses.get(str(status)) or responses.get("default") or {}
    return set(response.get("content", {}))


def _resolve(doc, response):
    if "$ref" in response:
        *_, kind, name = response["$ref"].split("/")
        return doc["components"][kind][name]
    return response


@pytest.mark.parametrize("url", DOCS)
def test_every_get_answers_with_a_content_type_it_declares(client, url, settlement):
    doc = client.get(url).json()
    servers = doc.get("servers") or [{"url": ""}]
    base = servers[0]["url"].replace("http://testserver", "")
    ids = {
        "collection_id": "settlements",
        "katottg": settlement.katottg,
        "featureId": settlement.katottg,
    }
    checked = 0
    for path, item in doc["paths"].items():
        operation = item.get("get")
        concrete = _concrete(path, ids)
        if operation is None or concrete is None:
            continue
        if any(p.get("required") and p["in"] == "query" for p in operation.get("parameters", [])):
            continue
        response = client.get(base + concrete, headers={"Accept": "application/json"})
        if response.status_code in (401, 403, 405):
            continue
        declared = {
            media
            for status, resp in operation["responses"].items()
            if status in (str(response.status_code), "default")
            for media in _resolve(doc, resp).get("content", {})
        }
        got = response["Content-Type"].split(";")[0].strip()
        assert any(media.split(";")[0] == got for media in declared), (path, got, declared)
        checked += 1
    assert checked >= 5


def test_the_api_document_is_built_once_and_each_caller_gets_its_own_copy(client, monkeypatch):
    """/api/v1/schema/ is public and its document costs ~70 ms to build: it is built once
    per URL prefix and language, and a caller changing its copy changes no later one."""
    from ninja import NinjaAPI

    from gis.urls import api

    api._schemas.clear()
    built = []
    original = NinjaAPI.get_openapi_schema

    def counted(self, **kwargs):
        built.append(kwargs)
        return original(self, **kwargs)

    monkeypatch.setattr(NinjaAPI, "get_openapi_schema", counted)
    first = client.get("/api/v1/schema/").json()
    second = client.get("/api/v1/schema/").json()
    assert first == second and len(built) == 1
    # The view's own call: a copy its caller may change without changing the next one.
    mine = api.get_openapi_schema(path_params={})
    assert type(mine) is dict and len(built) == 1
    mine["paths"].clear()
    assert client.get("/api/v1/schema/").json()["paths"] == first["paths"] != {}
    # The GeoJSON media type is still declared on the cached document.
    assert "application/geo+json" in str(first["paths"])
