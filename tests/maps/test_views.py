"""The landing page: title, overview map, language, links to the other pages."""

import json
import re
from html import unescape

import pytest
from django.urls import Resolver404, resolve

from maps.views import SECTIONS

pytestmark = pytest.mark.django_db

UK_TITLE = "Дмитрівська громада — ГІС"
EN_TITLE = "Dmytrivska community — GIS"


def test_landing_answers_in_ukrainian_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>{UK_TITLE}</title>" in html
    assert f"<h1>{UK_TITLE}</h1>" in html
    assert '<html lang="uk">' in html


def test_landing_holds_the_overview_map(client):
    html = client.get("/").content.decode()
    assert 'id="overview-map"' in html
    assert "layers/map.js" in html and "maps/landing.js" in html
    # The one map client (Leaflet with protomaps-leaflet), never the old VectorGrid one.
    assert "vectorgrid" not in html.lower() and "maplibre" not in html.lower()
    assert "vendor/leaflet/leaflet.js" in html and "vendor/protomaps-leaflet/" in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_landing_answers_in_english_with_the_language_cookie(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/").content.decode()
    assert f"<h1>{EN_TITLE}</h1>" in html
    assert '<html lang="en">' in html


def test_landing_answers_in_english_to_an_english_browser(client):
    html = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert f"<h1>{EN_TITLE}</h1>" in html


def test_language_switcher_sets_english_then_back_to_ukrainian(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert f"<h1>{EN_TITLE}</h1>" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "uk", "next": "/"})
    assert f"<h1>{UK_TITLE}</h1>" in client.get("/").content.decode()


def test_language_switcher_offers_both_languages(client):
    html = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert 'name="language" value="uk"' in html
    assert 'name="language" value="en"' in html


def test_landing_references_nothing_outside_our_server(client, settings):
    settings.BASEMAP_URL = "off"
    html = client.get("/").content.decode()
    assert re.findall(r"(?:src|href)=\"(?:https?:)?//", html) == []
    assert re.findall(r"cdn|unpkg|jsdelivr|cloudflare", html, re.IGNORECASE) == []


def _map_config(html: str) -> dict:
    attribute = re.search(r'id="overview-map"[^>]*data-config="([^"]*)"', html)[1]
    return json.loads(unescape(attribute))


def test_landing_fits_the_map_to_the_territory(client, territory):
    config = _map_config(client.get("/").content.decode())
    # No view of its own: HromadaMap fits the style document's territory bounds.
    assert "center" not in config and "zoom" not in config
    bounds = client.get("/tiles/style.json").json()["metadata"]["hromada:bounds"]
    assert bounds == [32.52, 48.6, 32.92, 49.0]


def test_landing_lists_the_visible_layers_and_hides_the_coverage_ones(client, territory):
    config = _map_config(client.get("/").content.decode())
    assert {"territory", "settlements", "facilities", "addresses"} <= set(config["toggles"])
    assert "coverage-gaps" not in config["toggles"]  # planners only
    assert set(config["hidden"]) <= set(config["toggles"])


def _served(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def test_landing_links_exactly_the_pages_that_are_served_and_the_visitor_may_open(
    client, django_user_model
):
    """A resident was offered "Coverage planning" and "Printed maps" (staff sign-in)."""
    from django.contrib.auth.models import Group

    html = client.get("/").content.decode()
    for path, _title, _summary, roles in SECTIONS:
        assert (f'href="{path}"' in html) == (_served(path) and not roles), path
    planner = django_user_model.objects.create_user("planner-landing", password="x-pw-9")
    planner.groups.add(Group.objects.get_or_create(name="planners")[0])
    client.force_login(planner)
    html = client.get("/").content.decode()
    for path, _title, _summary, _roles in SECTIONS:
        assert (f'href="{path}"' in html) == _served(path), path
