"""The folium map builder: local assets only, basemap from settings, API-backed layers."""

import re

import pytest
from django.utils import translation

from maps import layers
from maps.builder import UKRAINE_BOUNDS, LayerSpec, PopupField, map_build, map_render

FOREIGN_ASSET = re.compile(
    r"https?://|//cdn|cdn\.|unpkg|jsdelivr|cloudflare|jquery|bootstrap|fontawesome|font-awesome",
    re.IGNORECASE,
)


def page_of(m) -> str:
    """The map's parts as one text, JSON \\u escapes decoded so that texts can be searched."""
    rendered = map_render(m)
    text = f"{rendered.header}\n{rendered.html}\n{rendered.script}"
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda match: chr(int(match[1], 16)), text)


def overview_page() -> str:
    with translation.override("uk"):
        return page_of(
            map_build(layers=layers.overview_layers(), legends=[layers.overview_legend()])
        )


def test_rendered_map_references_no_url_outside_our_server(settings):
    settings.BASEMAP_URL = "off"
    assert FOREIGN_ASSET.findall(overview_page()) == []


def test_rendered_map_links_leaflet_and_our_scripts_from_static_files(settings):
    settings.BASEMAP_URL = "off"
    html = overview_page()
    for asset in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css"):
        assert f'"{settings.STATIC_URL}{asset}"' in html


def test_basemap_switched_off_means_no_tile_layer(settings):
    settings.BASEMAP_URL = "off"
    assert "L.tileLayer" not in overview_page()


def test_basemap_setting_adds_a_tile_layer_through_our_proxy_with_its_attribution(settings):
    settings.BASEMAP_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.BASEMAP_ATTRIBUTION = "© Example contributors"
    html = overview_page()
    assert "L.tileLayer" in html
    # Browsers load the tiles from our caching proxy, never from the source itself.
    assert "/basemap/{z}/{x}/{y}.png" in html
    assert "tiles.example.org" not in html
    assert "© Example contributors" in html
    assert FOREIGN_ASSET.findall(html) == []


def test_layer_control_lists_every_layer_by_its_ukrainian_name(settings):
    settings.BASEMAP_URL = "off"
    html = overview_page()
    assert "L.control.layers" in html
    for name in ("Територія громади", "Населені пункти", "Назви сіл", "Комунальні заклади"):
        assert f'"{name}"' in html


def test_layers_are_fetched_from_the_apis_not_embedded():
    html = overview_page()
    for url in (
        "/api/v1/territory/",
        "/api/v1/settlements/?geometry=centre",
        "/api/v1/facilities/",
    ):
        assert url in html
    assert "FeatureCollection" not in html


def test_popups_and_legend_speak_ukrainian():
    html = overview_page()
    for text in (
        "Населення",
        "Домогосподарств",
        "Код КАТОТТГ",
        "Інтернет",
        "підключено",
        "не підключено",
        "невідомо",
        "положення приблизне",
        "Інтернет у закладах",
    ):
        assert text in html


def test_popups_speak_english_when_english_is_active():
    with translation.override("en"):
        html = page_of(map_build(layers=layers.overview_layers()))
    assert "Population" in html
    assert '"label_field": "name_en"' in html


def test_map_fits_the_given_bounds():
    html = page_of(map_build(layers=[], bounds=[[48.6, 32.5], [49.0, 32.9]]))
    assert re.search(r"fitBounds\(\s*\[\[48\.6, 32\.5\], \[49\.0, 32\.9\]\]", html)


def test_map_without_center_or_bounds_shows_ukraine():
    assert str(UKRAINE_BOUNDS) in page_of(map_build(layers=[]))


def test_map_with_a_center_sets_view_and_zoom():
    html = page_of(map_build(layers=[], center=(48.79, 32.72), zoom=13))
    assert '"zoom": 13' in html
    assert "[48.79, 32.72]" in html
    assert "fitBounds" not in html


@pytest.mark.parametrize(
    "name", ["</script><script>alert(1)</script>", "<img src=x onerror=alert(1)>"]
)
def test_layer_texts_cannot_break_out_of_the_script(name):
    spec = LayerSpec(name=name, url="/api/v1/territory/", popup=(PopupField("katottg", name),))
    rendered = map_render(map_build(layers=[spec], label=name))
    html = f"{rendered.header}{rendered.html}{rendered.script}"
    assert "<script>" not in html
    assert "<img" not in html


def test_map_container_has_the_requested_height():
    rendered = map_render(map_build(layers=[], height="55vh"))
    assert "height: 55.0vh" in rendered.header
    assert 'class="folium-map hromada-map"' in rendered.html
