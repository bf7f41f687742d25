"""`/` in a real headless Chromium: the overview map with the 12 villages, all served locally."""

import json
import math
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point

from layers import demo
from layers.models import Facility, Settlement
from tests.browser.maplibre import click_at, jump, labels, popup_text, rendered, wait_idle
from tests.conftest import square

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFERENCE = Path(settings.BASE_DIR) / "fixtures" / "dmytrivska.json"
DMYTRIVKA = (32.720833, 48.793611)  # lon, lat


def _approximate_position(index: int) -> tuple[float, float]:
    """A place on a ring around Dmytrivka for a village whose position is unknown."""
    angle = 2 * math.pi * index / 12
    return DMYTRIVKA[0] + 0.14 * math.cos(angle), DMYTRIVKA[1] + 0.1 * math.sin(angle)


def _reference_settlements() -> list[dict]:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))["settlements"]


@pytest.fixture
def villages(territory):
    """The 12 villages of the community, at their known or approximate positions."""
    created = []
    for index, row in enumerate(_reference_settlements()):
        known = "lat" in row
        lon, lat = (row["lon"], row["lat"]) if known else _approximate_position(index)
        created.append(
            Settlement.objects.create(
                katottg=row["katottg"],
                name_uk=row["name_uk"],
                name_en=row["name_en"],
                population=row.get("population"),
                boundary=square(lon, lat, 0.012),
                centre=Point(lon, lat, srid=4326),
                position_accuracy="surveyed" if known else "approximate",
                territory=territory,
            )
        )
    return created


@pytest.fixture
def facilities(villages):
    """One facility of each internet status, near the first three villages."""
    statuses = ["connected", "not_connected", "unknown"]
    return [
        Facility.objects.create(
            kind="school",
            name=f"Школа {village.name_uk}",
            settlement=village,
            location=Point(village.centre.x + 0.004, village.centre.y - 0.003, srid=4326),
            internet=status,
        )
        for village, status in zip(villages, statuses, strict=False)
    ]


def open_landing(page, live_server):
    page.goto(f"{live_server.url}/")
    wait_idle(page, "#overview-map[data-map-ready='true']")


def assert_every_village_named(page, villages, at_overview=10):
    """Most names at the overview (MapLibre leaves out a label that would overlap another);
    every village's name once the map is zoomed to it."""
    shown = labels(page, "settlements")
    assert shown <= {village.name_uk for village in villages}
    assert len(shown) >= at_overview
    for village in villages:
        if village.name_uk not in shown:
            jump(page, village.centre.x, village.centre.y, 13)
            wait_idle(page)
            assert village.name_uk in labels(page, "settlements")


def test_landing_shows_the_12_village_labels(browser_page, live_server, villages, facilities):
    open_landing(browser_page, live_server)
    browser_page.screenshot(path="/tmp/landing.png", full_page=True)
    assert_every_village_named(browser_page, villages)


def test_landing_logs_no_console_error(browser_page, page_log, live_server, facilities):
    open_landing(browser_page, live_server)
    assert page_log.console_errors == []
    assert page_log.page_errors == []


def test_landing_requests_nothing_outside_this_machine(
    browser_page, page_log, live_server, facilities, settings
):
    settings.BASEMAP_URL = "off"
    open_landing(browser_page, live_server)
    assert page_log.requests, "the page made no request at all"
    assert page_log.outside_requests() == []


def test_landing_draws_territory_villages_and_facilities(browser_page, live_server, facilities):
    open_landing(browser_page, live_server)
    assert len(set(rendered(browser_page, "territory", "katottg"))) == 1
    assert len(set(rendered(browser_page, "settlements", "katottg"))) == 12
    assert sorted(rendered(browser_page, "facilities", "internet")) == sorted(
        ["connected", "not_connected", "unknown"]
    )
    legend = browser_page.locator(".hromada-legend")
    if legend.locator("button[aria-expanded='false']").count():
        legend.locator("button").first.click()
    text = legend.inner_text()
    assert "Комунальні заклади" in text
    assert "не підключено" in text


def _click_facility(page, facility):
    jump(page, facility.location.x, facility.location.y, 15)
    wait_idle(page)
    click_at(page, facility.location.x, facility.location.y)
    return popup_text(page)


def test_facility_popup_shows_internet_status_in_ukrainian(browser_page, live_server, facilities):
    open_landing(browser_page, live_server)
    popup = _click_facility(browser_page, facilities[0])
    assert facilities[0].name in popup
    assert "Інтернет" in popup or "інтернет" in popup
    assert "підключено" in popup


def test_village_popup_shows_its_name_and_code(browser_page, live_server, villages):
    village = villages[1]
    open_landing(browser_page, live_server)
    jump(browser_page, village.centre.x, village.centre.y, 13)
    wait_idle(browser_page)
    click_at(browser_page, village.centre.x + 0.008, village.centre.y + 0.008)
    popup = popup_text(browser_page)
    assert village.name_uk in popup and village.katottg in popup


def test_landing_fits_a_phone_screen(phone_page, page_log, live_server, villages):
    open_landing(phone_page, live_server)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    assert_every_village_named(phone_page, villages, at_overview=6)
    assert page_log.console_errors == []
    phone_page.screenshot(path="/tmp/landing-phone.png", full_page=True)


def test_popup_shows_markup_in_names_as_text(browser_page, live_server, facilities):
    Facility.objects.filter(pk=facilities[0].pk).update(name="<img src=x onerror=alert(1)>")
    open_landing(browser_page, live_server)
    text = _click_facility(browser_page, facilities[0])
    assert "<img src=x onerror=alert(1)>" in text
    assert browser_page.locator(".maplibregl-popup-content img").count() == 0


def test_a_layer_that_fails_to_load_leaves_the_others_drawn(
    browser_page, page_log, live_server, villages
):
    browser_page.route("**/tiles/facilities/**", lambda route: route.fulfill(status=503))
    open_landing(browser_page, live_server)
    assert_every_village_named(browser_page, villages)
    assert rendered(browser_page, "facilities") == []
    assert page_log.page_errors == []


def test_landing_shows_the_demo_community_with_official_codes(browser_page, page_log, live_server):
    demo.load_layers(lambda line: None)
    open_landing(browser_page, live_server)
    official = {row["name_uk"] for row in _reference_settlements()}
    assert_every_village_named(browser_page, Settlement.objects.filter(name_uk__in=official))
    assert Settlement.objects.filter(name_uk__in=official).count() == len(official)
    assert page_log.console_errors == [] and page_log.outside_requests() == []
    browser_page.screenshot(path="/tmp/landing-demo.png", full_page=True)


def test_landing_in_english_names_the_villages_in_english(browser_page, live_server, villages):
    browser_page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    open_landing(browser_page, live_server)
    shown = labels(browser_page, "settlements", "name_en")
    assert shown <= {v.name_en for v in villages} and len(shown) >= 10
