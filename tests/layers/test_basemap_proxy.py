"""The basemap tile proxy at /basemap/{z}/{x}/{y}.png against a local fake upstream (an
http.server on 127.0.0.1 in a thread; never the internet): miss, hit, revalidation,
failures and timeouts, eviction, bad coordinates, the User-Agent."""

import io
import time

import pytest
from django.core.cache import cache
from PIL import Image

from bench.fake_tiles import FakeTileServer, noise_png
from core.ratelimit import counter_clear
from layers.basemap import compute, selectors, services

pytestmark = pytest.mark.django_db

USER_AGENT = "HromadaGIS-test/0.1 (+http://testserver; test@example.org)"


# A tile of noise: PNG cannot shrink it, so its size dwarfs the stored header.
TILE = noise_png(levels=256)


@pytest.fixture
def upstream(settings, tmp_path, territory):
    """A fake tile server on 127.0.0.1 and the settings pointing the proxy at it; the
    tiles asked for below zoom 7 lie over the (test) territory, where the proxy fetches."""
    state = FakeTileServer(TILE, etag='"v1"').start()
    settings.BASEMAP_URL = ""
    settings.BASEMAP_UPSTREAM = state.template
    settings.BASEMAP_CACHE_DIR = tmp_path / "basemap"
    settings.BASEMAP_CACHE_MB = 64
    settings.BASEMAP_TIMEOUT_S = 0.5
    settings.BASEMAP_USER_AGENT = USER_AGENT
    cache.delete(selectors.OFFLINE_KEY)
    counter_clear(services.fetches_key("127.0.0.1"))
    yield state
    cache.delete(selectors.OFFLINE_KEY)
    state.stop()


def stored_files(settings) -> list:
    return sorted(settings.BASEMAP_CACHE_DIR.rglob("*.tile"))


def test_miss_fetches_from_upstream_stores_on_disk_and_sends_the_tile(client, upstream, settings):
    response = client.get("/basemap/12/2420/1410.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == TILE
    assert [r["path"] for r in upstream.requests] == ["/12/2420/1410.png"]
    assert len(stored_files(settings)) == 1
    assert response["ETag"] == compute.etag_of(TILE)
    assert response["Cache-Control"] == "public, max-age=3600"


def test_user_agent_names_the_deployment(client, upstream):
    client.get("/basemap/3/4/2.png")
    assert upstream.requests[0]["User-Agent"] == USER_AGENT


def test_hit_is_served_from_disk_without_calling_upstream(client, upstream):
    client.get("/basemap/10/605/352.png")
    upstream.status = 500  # upstream broken: a hit must not notice
    response = client.get("/basemap/10/605/352.png")
    assert response.status_code == 200
    assert response.content == TILE
    assert len(upstream.requests) == 1


def test_browser_revalidation_with_our_etag_gets_304(client, upstream):
    first = client.get("/basemap/5/18/10.png")
    second = client.get("/basemap/5/18/10.png", headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 304
    assert second.content == b""


def test_stale_tile_is_revalidated_with_the_upstream_validators(client, upstream):
    upstream.cache_control = "max-age=0"
    client.get("/basemap/9/302/176.png")
    upstream.cache_control = "max-age=600"
    response = client.get("/basemap/9/302/176.png")
    assert response.status_code == 200
    assert response.content == TILE
    assert len(upstream.requests) == 2
    assert upstream.requests[1]["If-None-Match"] == '"v1"'
    # The 304 made it fresh again: a third request stays on disk.
    client.get("/basemap/9/302/176.png")
    assert len(upstream.requests) == 2


def test_stale_tile_is_served_from_disk_when_the_uplink_drops(client, upstream):
    upstream.cache_control = "max-age=0"
    client.get("/basemap/9/303/176.png")
    upstream.status = 503
    response = client.get("/basemap/9/303/176.png")
    assert response.status_code == 200
    assert response.content == TILE
    assert "X-Basemap-Placeholder" not in response


def test_upstream_error_gives_a_grey_placeholder_that_is_not_stored(client, upstream, settings):
    upstream.status = 500
    response = client.get("/basemap/8/151/88.png")
    assert response.status_code == 200
    assert response["X-Basemap-Placeholder"] == "1"
    assert response["Cache-Control"] == "public, max-age=60"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (256, 256)
    assert image.getpixel((128, 128)) == compute.PLACEHOLDER_RGB
    assert stored_files(settings) == []


def test_slow_upstream_gives_a_placeholder_within_the_time_limit(client, upstream, settings):
    # No clock (tests are never timed): the upstream answers with a real tile after 2 s,
    # four times the limit, so a placeholder means the proxy stopped waiting at the limit.
    upstream.delay_s = 4 * settings.BASEMAP_TIMEOUT_S
    response = client.get("/basemap/9/302/177.png")
    assert response.status_code == 200
    assert response["X-Basemap-Placeholder"] == "1"
    assert response.content != TILE
    assert stored_files(settings) == []


def test_a_placeholder_switches_the_maps_to_the_local_basemap_until_upstream_answers(
    client, upstream
):
    upstream.status = 500
    client.get("/basemap/10/605/353.png")
    assert selectors.basemap_choice().kind == selectors.OWN
    upstream.status = 200
    selectors.mark_upstream(down=False)
    assert selectors.basemap_choice().kind == selectors.OSM


def test_cache_over_its_cap_evicts_the_least_recently_used(client, upstream, settings):
    # Room for two and a half tiles.
    settings.BASEMAP_CACHE_MB = len(TILE) * 2.5 / 1024 / 1024
    client.get("/basemap/4/1/1.png")
    time.sleep(0.02)
    client.get("/basemap/4/2/2.png")
    time.sleep(0.02)
    client.get("/basemap/4/1/1.png")  # a hit: 4/1/1 is now the most recently used
    time.sleep(0.02)
    client.get("/basemap/4/3/3.png")
    names = [path.parts[-3:] for path in stored_files(settings)]
    assert ("4", "2", "2.tile") not in names
    assert ("4", "3", "3.tile") in names
    total = sum(path.stat().st_size for path in stored_files(settings))
    assert total <= settings.BASEMAP_CACHE_MB * 1024 * 1024


@pytest.mark.parametrize(
    "path", ["20/0/0.png", "3/8/0.png", "3/0/8.png", "-1/0/0.png", "a/b/c.png", "4/1/1.jpg"]
)
def test_bad_tile_coordinates_are_404_json(client, upstream, path):
    response = client.get(f"/basemap/{path}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"]
    assert upstream.requests == []


def test_proxy_switched_off_answers_404(client, upstream, settings):
    settings.BASEMAP_URL = "off"
    response = client.get("/basemap/3/4/2.png")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "basemap_off"


def test_custom_xyz_basemap_url_is_proxied_too(client, upstream, settings):
    settings.BASEMAP_URL = settings.BASEMAP_UPSTREAM.replace("{z}/", "custom/{z}/")
    settings.BASEMAP_ATTRIBUTION = "© Example imagery"
    response = client.get("/basemap/3/4/2.png")
    assert response.status_code == 200
    assert upstream.requests[0]["path"] == "/custom/3/4/2.png"
    assert selectors.basemap_choice().kind == selectors.CUSTOM
    assert selectors.basemap_attribution() == "© Example imagery"
    assert selectors.basemap_browser_url() == "/basemap/{z}/{x}/{y}.png"


def test_cache_headers_of_the_upstream_set_the_freshness():
    assert compute.freshness_s({"cache-control": "public, max-age=120"}) == 120
    assert compute.freshness_s({"cache-control": "no-cache"}) == 0
    headers = {"date": "Mon, 01 Jan 2024 00:00:00 GMT", "expires": "Mon, 01 Jan 2024 01:00:00 GMT"}
    assert compute.freshness_s(headers) == 3600
    assert compute.freshness_s({}) == compute.DEFAULT_MAX_AGE_S


def test_deep_tiles_outside_the_community_are_never_fetched(client, upstream):
    """Below WORLD_ZOOM only the territory plus its margin is fetched: no bulk copying."""
    response = client.get("/basemap/12/2000/1200.png")  # western Europe
    assert response.status_code == 200
    assert response["X-Basemap-Placeholder"] == "1"
    assert upstream.requests == []
    assert client.get("/basemap/7/75/44.png").status_code == 200  # an overview tile
    assert [r["path"] for r in upstream.requests] == ["/7/75/44.png"]


def test_a_client_over_its_hourly_fetches_gets_stored_tiles_or_the_placeholder(
    client, upstream, settings
):
    settings.BASEMAP_FETCHES_PER_HOUR = 2
    counter_clear(services.fetches_key("127.0.0.1"))  # the test client's address
    for path in ("12/2420/1410", "12/2421/1410"):
        assert client.get(f"/basemap/{path}.png").status_code == 200
    refused = client.get("/basemap/12/2422/1410.png")
    assert refused["X-Basemap-Placeholder"] == "1"
    assert len(upstream.requests) == 2
    assert "X-Basemap-Placeholder" not in client.get("/basemap/12/2420/1410.png")  # stored
    assert len(upstream.requests) == 2


def test_tile_bounds_and_the_area_check():
    west, south, east, north = compute.tile_bounds(12, 2420, 1410)
    assert west < 32.72 < east and south < 48.80 < north
    area = compute.grown_box((32.52, 48.6, 32.92, 49.0), 30)
    assert compute.tile_allowed(12, 2420, 1410, area)
    assert not compute.tile_allowed(12, 2000, 1200, area)
    assert compute.tile_allowed(7, 0, 0, None)
    assert not compute.tile_allowed(8, 151, 88, None)


def test_a_fresh_cached_tile_is_sent_before_the_rest_of_django(
    client, upstream, django_assert_num_queries
):
    """The fast path (layers.basemap.middleware): no query, no session, no cookie."""
    client.get("/basemap/12/2420/1410.png")
    with django_assert_num_queries(0):
        response = client.get("/basemap/12/2420/1410.png")
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")
    assert len(upstream.requests) == 1
