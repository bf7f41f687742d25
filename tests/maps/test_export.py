"""The downloadable map: one self-contained HTML file made with folium."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from layers import registry

pytestmark = pytest.mark.django_db

# A script or stylesheet the browser would fetch (Leaflet's own "Leaflet" attribution
# link in its code is a link, not a load).
EXTERNAL = re.compile(r"""<(?:script|link)[^>]*(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def export(client, **headers) -> tuple:
    """The response and its text, JSON \\u escapes decoded so that names can be searched."""
    response = client.get("/maps/export.html", **headers)
    text = response.content.decode()
    return response, re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), text)


def test_export_is_an_html_attachment_named_after_the_community(client, settlement, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: date(2026, 12, 3))
    response, _ = export(client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="dmytrivska-map-2026-12-03.html"'


def test_export_holds_the_territory_and_the_villages(client, settlement, facility):
    _, html = export(client)
    assert "Дмитрівська сільська територіальна громада" in html
    assert "Дмитрівка" in html
    assert "Дмитрівський ліцей" in html
    assert "L.geoJson" in html and "L.control.layers" in html
    assert "hromada-legend" in html


def test_export_links_nothing_outside_the_file(client, settlement):
    _, html = export(client)
    assert EXTERNAL.findall(html) == []
    assert 'src="http' not in html
    assert re.findall(r"cdn\.|unpkg|jsdelivr|cloudflare|jquery|bootstrap", html, re.I) == []
    # Leaflet itself is inside.
    assert "Leaflet" in html and ".leaflet-container" in html


@pytest.fixture
def staff_layer():
    """A staff-only layer of the settlements, registered for one test."""
    from layers.models import Settlement

    spec = registry.LayerSpec(
        id="test-staff-villages",
        title_uk="Службовий шар",
        title_en="Staff layer",
        queryset=Settlement.objects.all,
        geometry="centre",
        properties={"name_uk": "name_uk"},
        visibility=registry.STAFF,
    )
    yield registry.register(spec, replace=True)
    registry.unregister(spec.id)


def test_export_hides_private_layers_from_anonymous_visitors(client, settlement, staff_layer):
    _, html = export(client)
    assert "Службовий шар" not in html
    client.force_login(User.objects.create_user("staff", password="x", is_staff=True))
    _, html = export(client)
    assert "Службовий шар" in html


def test_export_in_english_with_the_cookie_or_the_browser_language(client, settings, settlement):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _, html = export(client)
    assert "Dmytrivka" in html and "Legend" in html
    client.cookies.clear()
    _, html = export(client, headers={"accept-language": "en"})
    assert "Legend" in html and "Dmytrivka" in html


def test_export_in_ukrainian_by_default(client, settlement):
    _, html = export(client)
    assert "Умовні позначення" in html


def test_export_says_when_a_layer_is_cut(client, settlement, monkeypatch):
    from maps import layers

    monkeypatch.setattr(layers, "FEATURE_CAP", 0)
    _, html = export(client)
    # Empty layers are left out: a cap of 0 leaves no layer and no note.
    assert "hromada-legend" in html


def test_landing_links_the_export(client):
    html = client.get("/").content.decode()
    assert 'href="/maps/export.html"' in html and "Завантажити карту (HTML)" in html
