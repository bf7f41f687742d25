"""RFC 7946 in every GeoJSON the service writes: exterior rings counter-clockwise, holes
clockwise (§3.1.6), coordinates with at most 7 decimals — the REST API (every operation
its OpenAPI document declares as application/geo+json), OGC API items and features, and
the address register's export."""

import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import MultiPolygon, Polygon

from layers import registry
from layers.models import Settlement

pytestmark = pytest.mark.django_db


def signed_area(ring) -> float:
    """Twice the signed area (shoelace): positive when counter-clockwise in lon/lat."""
    return sum(
        x1 * y2 - x2 * y1 for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:], strict=False)
    )


def polygons_of(geometry):
    if geometry is None:
        return []
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    if geometry["type"] == "GeometryCollection":
        return [p for g in geometry["geometries"] for p in polygons_of(g)]
    return []


def features_of(doc):
    if doc.get("type") == "FeatureCollection":
        return doc["features"]
    return [doc] if doc.get("type") == "Feature" else []


DECIMALS = re.compile(r"-?\d+\.(\d+)")


def assert_rfc7946(text: str, where: str) -> int:
    """Check every polygon's winding and every number's decimals; return the rings seen."""
    doc = json.loads(text, parse_float=Decimal)
    rings = 0
    for feature in features_of(doc):
        geometry = feature.get("geometry")
        coordinates = json.dumps(geometry["coordinates"] if geometry else [], default=str)
        longest = max((len(m) for m in DECIMALS.findall(coordinates)), default=0)
        assert longest <= 7, (where, longest)
        for polygon in polygons_of(geometry):
            exterior, *holes = [[(float(x), float(y)) for x, y, *_ in ring] for ring in polygon]
            assert signed_area(exterior) > 0, (where, "exterior ring clockwise")
            for hole in holes:
                assert signed_area(hole) < 0, (where, "hole counter-clockwise")
            rings += 1 + len(holes)
    return rings


@pytest.fixture
def holed_village(territory):
    """A village whose boundary is stored clockwise with a counter-clockwise hole."""
    outer = [(32.60, 48.70), (32.60, 48.75), (32.65, 48.75), (32.65, 48.70), (32.60, 48.70)]
    hole = [(32.61, 48.71), (32.62, 48.71), (32.62, 48.72), (32.61, 48.72), (32.61, 48.71)]
    boundary = MultiPolygon(Polygon(outer, hole), srid=4326)
    return Settlement.objects.create(
        katottg="UA35040090020012345",
        territory=territory,
        name_uk="Діряве",
        name_en="Diriave",
        kind="village",
        boundary=boundary,
        centre=boundary.point_on_surface,
    )


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("rfc7946", password=None))
    return client


def test_the_fixture_is_stored_against_the_rule(holed_village):
    exterior, hole = holed_village.boundary[0].coords
    assert signed_area(exterior) < 0 and signed_area(hole) > 0


def test_every_geojson_operation_of_the_rest_api_follows_rfc_7946(admin_client, holed_village):
    doc = admin_client.get("/api/v1/schema/").json()
    checked, rings = [], 0
    for path, item in doc["paths"].items():
        operation = item.get("get", {})
        ok = operation.get("responses", {}).get("200", {})
        if "application/geo+json" not in ok.get("content", {}):
            continue
        if any(p.get("required") for p in operation.get("parameters", []) if p["in"] == "query"):
            continue
        url = path.replace("{katottg}", holed_village.katottg)
        if "{" in url:
            continue
        response = admin_client.get(url)
        if response.status_code != 200:
            continue
        rings += assert_rfc7946(response.content, url)
        checked.append(url)
    assert "/api/v1/settlements/" in checked and "/api/v1/territory/" in checked
    assert rings >= 3  # the holed village's two rings and the territory's


def test_ogc_items_and_features_of_every_collection_follow_rfc_7946(admin_client, holed_village):
    rings = 0
    for spec in registry.all_layers():
        url = f"/ogc/collections/{spec.id}/items?limit=1000"
        response = admin_client.get(url)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        rings += assert_rfc7946(content, url)
    url = f"/ogc/collections/settlements/items/{holed_village.katottg}"
    assert assert_rfc7946(admin_client.get(url).content, url) == 2
    assert rings >= 3


def test_address_export_as_geojson_follows_rfc_7946(tmp_path, holed_village):
    from layers.geojson import feature_collection

    text = feature_collection(
        Settlement.objects.all(), geometry="boundary", properties={"name": "name_uk"}
    )
    assert assert_rfc7946(text, "feature_collection") == 2
    coordinates = json.loads(text)["features"][0]["geometry"]["coordinates"][0][0][0]
    assert coordinates == [32.6, 48.7]
