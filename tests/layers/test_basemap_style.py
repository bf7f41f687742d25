"""The basemap's part of the style document /tiles/style.json: the proxy online, the
imported extract, else the community's own data; none when switched off; which one is
shown, in the visitor's language."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from layers.basemap import selectors
from tests.layers.test_basemap_import import village_pbf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upstream_not_down():
    cache.delete(selectors.OFFLINE_KEY)
    yield
    cache.delete(selectors.OFFLINE_KEY)


def get_style(client, language="uk"):
    response = client.get("/tiles/style.json", headers={"accept-language": language})
    assert response.status_code == 200
    return response.json()


def basemap_layers(doc) -> list[dict]:
    return [layer for layer in doc["layers"] if layer["metadata"].get("hromada:basemap")]


def test_default_basemap_is_openstreetmap_through_our_proxy_with_attribution(
    client, territory, settings
):
    settings.BASEMAP_URL = ""
    doc = get_style(client)
    source = doc["sources"]["basemap"]
    assert source["type"] == "raster"
    assert source["tiles"] == ["http://testserver/basemap/{z}/{x}/{y}.png"]
    assert source["maxzoom"] == 19
    assert source["attribution"] == "© OpenStreetMap contributors"
    assert "openstreetmap.org" not in str(doc["sources"])
    assert doc["metadata"]["hromada:basemap"]["kind"] == "osm"
    assert doc["metadata"]["hromada:basemap"]["label"] == "Карта OpenStreetMap"
    # Under every data layer.
    assert [layer["id"] for layer in doc["layers"][:2]] == ["basemap-background", "basemap-raster"]


def test_basemap_switched_off_leaves_no_basemap_in_the_style(client, territory, settings):
    settings.BASEMAP_URL = "off"
    doc = get_style(client, "en")
    assert "basemap" not in doc["sources"]
    assert basemap_layers(doc) == []
    assert doc["metadata"]["hromada:basemap"]["kind"] == "none"
    assert doc["metadata"]["hromada:basemap"]["label"] == "No basemap"


def test_without_internet_or_import_the_own_data_is_the_basemap(client, territory, settings):
    settings.BASEMAP_URL = "local"
    doc = get_style(client)
    assert doc["sources"]["basemap"]["type"] == "vector"
    assert doc["sources"]["basemap"]["tiles"] == ["http://testserver/basemap/{z}/{x}/{y}.pbf"]
    ids = {layer["id"] for layer in basemap_layers(doc)}
    assert {"basemap-territory", "basemap-settlements", "basemap-place-names"} <= ids
    numbers = next(layer for layer in doc["layers"] if layer["id"] == "basemap-house-numbers")
    assert numbers["minzoom"] == 16
    assert numbers["layout"]["text-field"] == ["get", "house_number"]
    assert doc["metadata"]["hromada:basemap"]["kind"] == "own"
    assert doc["metadata"]["hromada:basemap"]["label"].startswith("Власні дані громади")


def test_the_own_basemaps_copies_of_registry_layers_say_which_so_a_page_draws_them_once(
    client, territory, settings
):
    """A page with the registry's addresses drew every house number twice (once the own
    basemap's, once the registry's), and its villages' names twice too."""
    settings.BASEMAP_URL = "local"
    same_as = {
        layer["id"]: layer["metadata"].get("hromada:same-as")
        for layer in basemap_layers(get_style(client))
    }
    assert same_as["basemap-house-numbers"] == same_as["basemap-addresses"] == "addresses"
    assert same_as["basemap-place-names"] == "settlements"
    assert same_as["basemap-territory"] is None  # the paper under the data, not a copy


def test_own_data_tiles_carry_village_names(client, settlement, settings, tmp_path):
    from tests.layers.test_tiles import decode, tile_of

    settings.BASEMAP_URL = "local"
    z, x, y = tile_of(32.720833, 48.793611, 12)
    response = client.get(f"/basemap/{z}/{x}/{y}.pbf")
    assert response.status_code == 200
    layers = decode(response.content, z, x, y, tmp_path)
    assert [place.get("name") for place in layers["basemap-places"]] == ["Дмитрівка"]
    assert "basemap-settlements" in layers and "basemap-territory" in layers


def test_a_downed_upstream_switches_the_style_to_the_local_basemap(client, territory, settings):
    settings.BASEMAP_URL = ""
    selectors.mark_upstream(down=True)
    assert get_style(client)["metadata"]["hromada:basemap"]["kind"] == "own"


def test_imported_extract_is_drawn_with_street_names_over_the_data(
    client, territory, settings, tmp_path
):
    settings.BASEMAP_URL = "local"
    call_command("basemap_import", str(village_pbf(tmp_path / "v.osm.pbf")), "--commit")
    doc = get_style(client, "en")
    meta = doc["metadata"]["hromada:basemap"]
    assert meta["kind"] == "imported"
    assert meta["attribution"] == doc["sources"]["basemap"]["attribution"]
    assert meta["attribution"] == "© OpenStreetMap contributors"
    streets = next(layer for layer in doc["layers"] if layer["id"] == "basemap-street-names")
    assert streets["type"] == "symbol"
    assert streets["layout"]["symbol-placement"] == "line"
    # The basemap's names are drawn over every data layer's shapes (only our own labels
    # come after them).
    index = {layer["id"]: i for i, layer in enumerate(doc["layers"])}
    shapes = [
        i
        for i, layer in enumerate(doc["layers"])
        if layer["type"] != "symbol" and not layer["metadata"].get("hromada:basemap")
    ]
    assert index["basemap-street-names"] > max(shapes)
    colours = str([layer.get("paint") for layer in basemap_layers(doc)])
    assert "#aad3df" in colours  # water


def test_custom_source_is_shown_through_the_proxy_with_its_attribution(client, territory, settings):
    settings.BASEMAP_URL = "https://imagery.example.org/{z}/{x}/{y}.jpg"
    settings.BASEMAP_ATTRIBUTION = "© Example imagery"
    doc = get_style(client)
    source = doc["sources"]["basemap"]
    assert source["tiles"] == ["http://testserver/basemap/{z}/{x}/{y}.png"]
    assert source["attribution"] == "© Example imagery"
    assert "example.org" not in str(doc)
