"""Vector tiles at /tiles/: MVT bytes decoded by GDAL's MVT driver, 204 for empty tiles,
ETag/304, Cache-Control, multi-layer tiles, TileJSON 3.0.0, permissions, bad input."""

import math

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.gis.gdal import DataSource
from django.contrib.gis.geos import Point
from django.db import DatabaseError, connection

from core.timeouts import CANCELLED
from layers import registry
from layers.models import Facility
from layers.registry import LayerSpec
from layers.tiles import middleware as tiles_middleware
from layers.tiles import views as tile_views
from layers.tiles.selectors import simplify_tolerance_m

pytestmark = pytest.mark.django_db

MVT = "application/vnd.mapbox-vector-tile"


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    """The XYZ tile holding a point (the usual Web Mercator tile formula)."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def decode(content: bytes, z: int, x: int, y: int, tmp_path) -> dict[str, list]:
    """Decode a tile with GDAL's MVT driver: {layer name: [feature, …]} in EPSG:3857."""
    path = tmp_path / str(z) / str(x) / f"{y}.pbf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    source = DataSource(str(path))
    return {layer.name: list(layer) for layer in source}


def get_tile(client, layers: str, z: int, x: int, y: int, **headers):
    return client.get(f"/tiles/{layers}/{z}/{x}/{y}.pbf", headers=headers)


def assert_json_error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"]["code"] and body["error"]["message"] and body["code"]
    return body


@pytest.fixture
def hidden_layer():
    spec = LayerSpec(
        id="hidden-tiles-test",
        title_uk="Приховані",
        title_en="Hidden",
        queryset=Facility.objects.all,
        geometry="location",
        properties={"name": "name"},
        visibility="planners",
    )
    registry.register(spec, replace=True)
    yield spec
    registry.unregister(spec.id)


def test_facility_tile_decodes_to_its_points_and_attributes(client, facility, tmp_path):
    z, x, y = tile_of(32.7210, 48.7940, 14)
    response = get_tile(client, "facilities", z, x, y)
    assert response.status_code == 200
    assert response["Content-Type"] == MVT
    layers = decode(response.content, z, x, y, tmp_path)
    (feature,) = layers["facilities"]
    assert feature.get("name") == "Дмитрівський ліцей імені Т.Г. Шевченка"
    assert feature.get("internet") == "connected"
    assert feature.get("mvt_id") == facility.pk  # GDAL shows the MVT feature id as mvt_id
    point = feature.geom
    point.transform(4326)
    assert point.x == pytest.approx(32.7210, abs=1e-4)
    assert point.y == pytest.approx(48.7940, abs=1e-4)


def test_polygon_tile_carries_settlement_boundary_and_text_id(client, settlement, tmp_path):
    z, x, y = tile_of(32.72, 48.79, 12)
    response = get_tile(client, "settlements", z, x, y)
    (feature,) = decode(response.content, z, x, y, tmp_path)["settlements"]
    assert feature.geom.geom_type in ("Polygon", "MultiPolygon")
    assert feature.get("id") == "UA35040090010099441"
    assert feature.get("name_uk") == "Дмитрівка"


def test_multi_layer_tile_holds_one_layer_per_id(client, facility, tmp_path):
    z, x, y = tile_of(32.7210, 48.7940, 13)
    response = get_tile(client, "territory,settlements,facilities", z, x, y)
    layers = decode(response.content, z, x, y, tmp_path)
    assert set(layers) == {"territory", "settlements", "facilities"}


def test_empty_tile_is_204_without_body(client, facility):
    response = get_tile(client, "facilities", 14, 0, 0)
    assert response.status_code == 204
    assert response.content == b""
    assert "max-age" in response["Cache-Control"]


def test_tile_has_etag_and_answers_304_when_unchanged(client, facility):
    z, x, y = tile_of(32.7210, 48.7940, 14)
    first = get_tile(client, "facilities", z, x, y)
    etag = first["ETag"]
    assert etag.startswith('"') and first["Cache-Control"].startswith("public")
    again = get_tile(client, "facilities", z, x, y, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag


def test_etag_changes_when_the_data_changes(client, facility):
    z, x, y = tile_of(32.7210, 48.7940, 14)
    before = get_tile(client, "facilities", z, x, y)["ETag"]
    facility.internet = "not_connected"
    facility.save()
    after = get_tile(client, "facilities", z, x, y, **{"If-None-Match": before})
    assert after.status_code == 200 and after["ETag"] != before


@pytest.mark.django_db(transaction=True)
def test_a_transaction_bumps_its_own_version_at_once_and_the_shared_one_once_at_commit(
    facility, monkeypatch
):
    """Inside a transaction every watched write makes this process's tiles stale at once,
    without writing the shared version; one shared write follows at the commit."""
    from django.db import transaction

    from layers.tiles import cache

    shared_writes = []
    original = cache.bump
    monkeypatch.setattr(cache, "bump", lambda **kw: shared_writes.append(1) or original())
    cache.connect_signals()
    seen = [cache.data_version()]
    with transaction.atomic():
        for internet in ("not_connected", "connected"):
            facility.internet = internet
            facility.save()
            seen.append(cache.data_version())
        assert shared_writes == []
    assert len(shared_writes) == 1
    seen.append(cache.data_version())
    assert seen == sorted(set(seen))  # a newer version after every write and the commit


def test_feature_cap_limits_features_per_tile(client, settlement, tmp_path):
    Facility.objects.bulk_create(
        Facility(
            kind="other",
            name=f"Точка {i}",
            settlement=settlement,
            location=Point(32.72 + i * 1e-4, 48.79, srid=4326),
        )
        for i in range(30)
    )
    spec = LayerSpec(
        id="capped-test",
        title_uk="Обмежений",
        title_en="Capped",
        queryset=Facility.objects.all,
        geometry="location",
        properties={"name": "name"},
        tile_feature_cap=7,
    )
    registry.register(spec, replace=True)
    try:
        z, x, y = tile_of(32.72, 48.79, 14)
        response = get_tile(client, "capped-test", z, x, y)
        assert len(decode(response.content, z, x, y, tmp_path)["capped-test"]) == 7
    finally:
        registry.unregister("capped-test")


def test_layer_outside_its_zoom_range_is_left_out(client, facility):
    spec = LayerSpec(
        id="zoomed-test",
        title_uk="Лише зблизька",
        title_en="Close only",
        queryset=Facility.objects.all,
        geometry="location",
        properties={"name": "name"},
        min_zoom=15,
    )
    registry.register(spec, replace=True)
    try:
        assert get_tile(client, "zoomed-test", *tile_of(32.7210, 48.7940, 12)).status_code == 204
        assert get_tile(client, "zoomed-test", *tile_of(32.7210, 48.7940, 15)).status_code == 200
    finally:
        registry.unregister("zoomed-test")


def test_simplification_tolerance_halves_with_each_zoom():
    assert simplify_tolerance_m(0) == pytest.approx(40075016.68 / 256 / 2, rel=1e-6)
    assert simplify_tolerance_m(13) == pytest.approx(simplify_tolerance_m(12) / 2)


@pytest.mark.parametrize(
    "path, status",
    [
        ("/tiles/facilities/25/0/0.pbf", 400),
        ("/tiles/facilities/2/4/0.pbf", 400),
        ("/tiles/facilities/2/0/4.pbf", 400),
        ("/tiles/facilities/2/-1/0.pbf", 400),
        ("/tiles/facilities/z/0/0.pbf", 400),
        ("/tiles/facilities/1/a/0.pbf", 400),
        ("/tiles/facilities/1/0/b.pbf", 400),
        ("/tiles/nothing/1/0/0.pbf", 404),
        ("/tiles/facilities,nothing/1/0/0.pbf", 404),
        ("/tiles/facilities/1/0/0.png", 404),
        ("/tiles/nothing.json", 404),
    ],
)
def test_bad_tile_requests_are_json_errors(client, path, status):
    assert_json_error(client.get(path), status)


def test_tilejson_describes_tiles_layers_and_bounds(client, settlement, facility):
    response = client.get("/tiles/settlements,facilities.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["tilejson"] == "3.0.0"
    assert doc["tiles"] == ["http://testserver/tiles/settlements,facilities/{z}/{x}/{y}.pbf"]
    assert [layer["id"] for layer in doc["vector_layers"]] == ["settlements", "facilities"]
    assert "name_uk" in doc["vector_layers"][0]["fields"]
    west, south, east, north = doc["bounds"]
    assert west < 32.7210 < east and south < 48.7940 < north
    assert doc["legends"][1]["style"]["colour_by"] == "internet"


def test_non_public_layer_tiles_are_hidden_from_anonymous(client, facility, hidden_layer):
    z, x, y = tile_of(32.7210, 48.7940, 14)
    assert_json_error(get_tile(client, hidden_layer.id, z, x, y), 404)
    assert_json_error(client.get(f"/tiles/{hidden_layer.id}.json"), 404)


def test_non_public_layer_tiles_are_private_for_its_group(client, facility, hidden_layer):
    user = User.objects.create_user("planner")
    user.groups.add(Group.objects.get_or_create(name="planners")[0])
    client.force_login(user)
    z, x, y = tile_of(32.7210, 48.7940, 14)
    response = get_tile(client, hidden_layer.id, z, x, y)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")


def _headers(response) -> dict:
    # Content-Language is LocaleMiddleware's, which the fast path never reaches: a tile is
    # the same bytes in every language, so its absence is the truer answer.
    return {k: v for k, v in response.headers.items() if k != "Content-Language"}


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_a_cached_public_tile_is_answered_before_the_stack_exactly_as_the_view_answers(
    client, facility, encoding
):
    z, x, y = tile_of(32.7210, 48.7940, 14)
    first = get_tile(client, "facilities,settlements", z, x, y, **{"Accept-Encoding": encoding})
    again = get_tile(client, "facilities,settlements", z, x, y, **{"Accept-Encoding": encoding})
    # The first went through sessions and the view; the second never reached them.
    assert hasattr(first.wsgi_request, "session") and not hasattr(again.wsgi_request, "session")
    assert (again.status_code, again.content) == (200, first.content)
    assert _headers(again) == _headers(first)
    assert "Cookie" not in again.get("Vary", "") and again["Access-Control-Allow-Origin"] == "*"
    revalidated = get_tile(
        client,
        "facilities,settlements",
        z,
        x,
        y,
        **{"Accept-Encoding": encoding, "If-None-Match": first["ETag"]},
    )
    assert (revalidated.status_code, revalidated["ETag"]) == (304, first["ETag"])


@pytest.fixture
def uncached(settings):
    """No tile kept by this worker: every tile is rendered."""
    settings.TILE_CACHE_MB = 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_an_uncached_public_tile_is_rendered_before_the_stack_exactly_as_the_view_answers(
    client, facility, uncached, monkeypatch, encoding
):
    z, x, y = tile_of(32.7210, 48.7940, 14)
    headers = {"Accept-Encoding": encoding}
    early = get_tile(client, "facilities,settlements", z, x, y, **headers)
    assert not hasattr(early.wsgi_request, "session"), "answered before the stack"
    monkeypatch.setattr(tiles_middleware, "public_tile", lambda *args: None)
    view = get_tile(client, "facilities,settlements", z, x, y, **headers)
    assert hasattr(view.wsgi_request, "session")
    assert (early.status_code, early.content) == (200, view.content)
    assert _headers(early) == _headers(view)


@pytest.mark.django_db(transaction=True)
def test_an_uncached_tile_runs_under_the_statement_timeout_and_a_cancel_is_not_rerun(
    client, facility, uncached, settings, monkeypatch, kept_timeout_cleared
):
    settings.PUBLIC_READ_STATEMENT_TIMEOUT_MS = 50
    runs = []

    def slow(specs, z, x, y):
        runs.append((z, x, y))
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1)")
        return b""

    monkeypatch.setattr(tile_views, "tile_bytes", slow)
    response = get_tile(client, "facilities", *tile_of(32.7210, 48.7940, 14))
    assert response.status_code == 503 and response["Retry-After"]
    assert response.wsgi_request.META.get(CANCELLED) is True, "cancelled before the stack"
    assert len(runs) == 1, "the view did not run the cancelled query again"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("cached", [True, False])
def test_a_tile_for_a_host_not_allowed_is_refused_as_every_other_request(
    client, facility, settings, cached
):
    if not cached:
        settings.TILE_CACHE_MB = 0
    z, x, y = tile_of(32.7210, 48.7940, 14)
    assert get_tile(client, "facilities", z, x, y).status_code == 200
    response = get_tile(client, "facilities", z, x, y, Host="evil.example")
    assert response.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_a_full_disk_while_rendering_is_answered_by_the_stack(client, facility, monkeypatch):
    def full_disk():
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tile_views.tilecache, "data_version", full_disk)
    monkeypatch.setattr(tile_views.tilecache, "peek", lambda key: None)
    response = get_tile(client, "facilities", *tile_of(32.7210, 48.7940, 14))
    assert response.status_code == 507


@pytest.mark.django_db(transaction=True)
def test_an_uncached_tile_whose_rendering_fails_is_the_views_to_answer(
    client, facility, uncached, monkeypatch
):
    calls, real = [], tile_views.tile_bytes

    def broken(specs, z, x, y):
        calls.append(1)
        if len(calls) == 1:
            raise DatabaseError("connection lost")
        return real(specs, z, x, y)

    monkeypatch.setattr(tile_views, "tile_bytes", broken)
    response = get_tile(client, "facilities", *tile_of(32.7210, 48.7940, 14))
    assert response.status_code == 200 and len(calls) == 2
    assert hasattr(response.wsgi_request, "session"), "the view answered it"


def test_a_hidden_layer_cached_for_a_planner_is_never_served_to_anyone_else(
    client, facility, hidden_layer
):
    user = User.objects.create_user("planner")
    user.groups.add(Group.objects.get_or_create(name="planners")[0])
    z, x, y = tile_of(32.7210, 48.7940, 14)
    planner = type(client)()
    planner.force_login(user)
    assert get_tile(planner, f"facilities,{hidden_layer.id}", z, x, y).status_code == 200
    assert get_tile(planner, f"facilities,{hidden_layer.id}", z, x, y).status_code == 200
    assert_json_error(get_tile(client, f"facilities,{hidden_layer.id}", z, x, y), 404)
    assert_json_error(get_tile(client, hidden_layer.id, z, x, y), 404)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/tiles/facilities/99/0/0.pbf", 400),
        ("/tiles/facilities/1/5/0.pbf", 400),
        ("/tiles/,/1/0/0.pbf", 400),
        ("/tiles/nothing/1/0/0.pbf", 404),
    ],
)
def test_bad_tiles_pass_the_fast_path_to_the_views_error(client, facility, path, status):
    client.get(path)
    assert_json_error(client.get(path), status)
