"""`/` in a real headless Chromium: the overview map with the 12 villages, all served locally."""

import json
import math
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point

from layers import demo
from layers.models import Facility, Settlement
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
    page.wait_for_selector(".hromada-map[data-layers-ready='true']", timeout=15_000)


def test_landing_shows_the_12_village_labels(browser_page, live_server, villages, facilities):
    open_landing(browser_page, live_server)
    labels = browser_page.locator(".leaflet-tooltip.hromada-label")
    assert labels.count() == 12
    assert set(labels.all_inner_texts()) == {village.name_uk for village in villages}
    browser_page.screenshot(path="/tmp/landing.png", full_page=True)


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
    # SVG paths: 1 territory + 12 village areas + 12 village centres + 3 facilities.
    assert browser_page.locator(".hromada-map path.leaflet-interactive").count() == 28
    legend = browser_page.locator(".hromada-legend").inner_text()
    assert "Інтернет у закладах" in legend
    assert "не підключено" in legend


def test_facility_popup_shows_internet_status_in_ukrainian(browser_page, live_server, facilities):
    open_landing(browser_page, live_server)
    browser_page.locator("path.leaflet-interactive[fill='#1b7837']").click()
    popup = browser_page.locator(".leaflet-popup-content").inner_text()
    assert "Інтернет" in popup
    assert "підключено" in popup
    assert "положення приблизне" in popup


def test_landing_fits_a_phone_screen(phone_page, page_log, live_server, villages):
    open_landing(phone_page, live_server)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    assert phone_page.locator(".leaflet-tooltip.hromada-label").count() == 12
    assert page_log.console_errors == []
    phone_page.screenshot(path="/tmp/landing-phone.png", full_page=True)


def test_popup_shows_markup_in_names_as_text(browser_page, live_server, facilities):
    Facility.objects.filter(pk=facilities[0].pk).update(name="<img src=x onerror=alert(1)>")
    open_landing(browser_page, live_server)
    browser_page.locator("path.leaflet-interactive[fill='#1b7837']").click()
    popup = browser_page.locator(".leaflet-popup-content")
    assert "<img src=x onerror=alert(1)>" in popup.inner_text()
    assert popup.locator("img").count() == 0


def test_a_layer_that_fails_to_load_is_named_on_the_map(
    browser_page, page_log, live_server, villages
):
    browser_page.route("**/api/v1/facilities/", lambda route: route.fulfill(status=503))
    open_landing(browser_page, live_server)
    notice = browser_page.locator(".hromada-map-error").inner_text()
    assert notice == "Не вдалося завантажити шар: Комунальні заклади"
    assert browser_page.locator(".leaflet-tooltip.hromada-label").count() == 12
    assert any("HTTP 503" in message for message in page_log.console_errors)


def test_landing_shows_the_demo_community_with_official_codes(browser_page, page_log, live_server):
    demo.load_layers(lambda line: None)
    open_landing(browser_page, live_server)
    labels = browser_page.locator(".leaflet-tooltip.hromada-label")
    official = {row["name_uk"] for row in _reference_settlements()}
    assert set(labels.all_inner_texts()) == official
    assert page_log.console_errors == [] and page_log.outside_requests() == []
    browser_page.screenshot(path="/tmp/landing-demo.png", full_page=True)
