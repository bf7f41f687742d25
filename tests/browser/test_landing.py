"""`/` in a real headless Chromium: the overview map with the 12 villages, all served locally."""

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point

from layers.models import Facility, Settlement, Territory
from tests.browser.mapclient import WAIT_MS, click_at, jump, labels, popup_text, rendered, wait_idle
from tests.conftest import PageLog, logged_page, square
from tests.helpers.live import committed_site

# The tests on the shared community are `django_db` (not transactional: no flush would
# empty it under the others). The two that write, with a transactional `live_server`, are
# in test_landing_writes.py: here they ran while the module's committed community was
# still there (its territory's code taken) and their own territory could not be made.
pytestmark = [pytest.mark.browser]

REFERENCE = Path(settings.BASE_DIR) / "fixtures" / "dmytrivska.json"
DMYTRIVKA = (32.720833, 48.793611)  # lon, lat


def _approximate_position(index: int) -> tuple[float, float]:
    """A place on a ring around Dmytrivka for a village whose position is unknown."""
    angle = 2 * math.pi * index / 12
    return DMYTRIVKA[0] + 0.14 * math.cos(angle), DMYTRIVKA[1] + 0.1 * math.sin(angle)


def reference_settlements() -> list[dict]:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))["settlements"]


def make_villages(territory) -> list[Settlement]:
    """The 12 villages of the community, at their known or approximate positions."""
    created = []
    for index, row in enumerate(reference_settlements()):
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


def make_facilities(villages) -> list[Facility]:
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


@pytest.fixture
def villages(territory):
    return make_villages(territory)


@pytest.fixture
def facilities(villages):
    return make_facilities(villages)


# ------------------------------------------------ one community, served once per module
# The tests that only read the community share one committed copy and one server; those
# that only look at the map share one page, loaded once: each test starts from the
# overview the page opened at, with no popup open. Tests that change the data (markup in
# a name, the demo) keep their own transactional `live_server`.


@dataclass
class Landing:
    url: str
    villages: list
    facilities: list


@dataclass
class SharedPage:
    page: object
    log: PageLog
    camera: dict


@pytest.fixture(scope="module")
def landing(django_db_setup, django_db_blocker):
    def load():
        territory = Territory.objects.create(
            katottg="UA35040090000082553",
            name_uk="Дмитрівська сільська територіальна громада",
            name_en="Dmytrivska rural territorial community",
            boundary=square(32.72, 48.80, 0.2),
        )
        villages = make_villages(territory)
        return villages, make_facilities(villages)

    # committed_site keeps the database open while the module runs: the server thread
    # reads the committed community between the tests too.
    with committed_site(django_db_blocker, load) as (url, (villages, facilities)):
        yield Landing(url, villages, facilities)


@pytest.fixture(scope="module")
def _overview(browser, landing):
    """The landing page loaded once, desktop, in Ukrainian, its console and requests logged."""
    log = PageLog()
    context = browser.new_context(locale="uk-UA", viewport={"width": 1280, "height": 900})
    page = logged_page(context, log)
    open_landing(page, landing)
    camera = page.evaluate(
        "() => { const m = window.hromadaMap; return {center: m.getCenter().toArray(),"
        " zoom: m.getZoom(), bearing: m.getBearing(), pitch: m.getPitch()}; }"
    )
    yield SharedPage(page, log, camera)
    context.close()


@pytest.fixture
def shared(_overview) -> SharedPage:
    """The shared landing page with no popup open, wherever an earlier test left the map
    (for a test that moves the map itself, or that does not look at it)."""
    page = _overview.page
    page.evaluate(
        "() => document.querySelectorAll('.maplibregl-popup-close-button')"
        ".forEach((button) => button.click())"
    )
    assert page.locator(".maplibregl-popup").count() == 0
    return _overview


@pytest.fixture
def overview(shared) -> SharedPage:
    """The shared landing page back at the view it opened at, with no popup open."""
    moved = shared.page.evaluate(
        """(camera) => { const m = window.hromadaMap, c = m.getCenter().toArray();
        const moved = m.getZoom() !== camera.zoom || c[0] !== camera.center[0]
          || c[1] !== camera.center[1];
        if (moved) m.jumpTo(camera);
        return moved; }""",
        shared.camera,
    )
    if moved:
        wait_idle(shared.page)
    return shared


def open_landing(page, live_server):
    page.goto(f"{live_server.url}/", timeout=WAIT_MS)
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


@pytest.mark.django_db
def test_landing_logs_no_console_error(shared):
    assert shared.log.console_errors == []
    assert shared.log.page_errors == []


OVERLAPS_JS = """() => {
  const line = document.querySelector(".maplibregl-ctrl-attrib").getBoundingClientRect();
  const hit = (r) => r.width && r.left < line.right && line.left < r.right
    && r.top < line.bottom && line.top < r.bottom;
  return [...document.querySelectorAll(".maplibregl-ctrl-bottom-left > *")]
    .filter((node) => hit(node.getBoundingClientRect())).map((node) => node.className);
}"""


@pytest.mark.django_db
@pytest.mark.parametrize("width", [1280, 900])
def test_the_sources_line_is_never_printed_over_the_scale_or_the_basemap_note(
    browser_page, landing, width
):
    """A long sources line (bottom right) wrapped to two lines over the basemap note and
    the scale bar (bottom left) on a desktop map."""
    browser_page.set_viewport_size({"width": width, "height": 800})
    open_landing(browser_page, landing)
    assert browser_page.locator(".maplibregl-ctrl-attrib").inner_text().strip()
    assert browser_page.evaluate(OVERLAPS_JS) == []


@pytest.mark.django_db
def test_landing_requests_nothing_outside_this_machine(browser_page, page_log, landing, settings):
    settings.BASEMAP_URL = "off"
    open_landing(browser_page, landing)
    assert page_log.requests, "the page made no request at all"
    assert page_log.outside_requests() == []


@pytest.mark.django_db
def test_landing_draws_territory_villages_and_facilities(overview):
    page = overview.page
    assert len(set(rendered(page, "territory", "katottg"))) == 1
    assert len(set(rendered(page, "settlements", "katottg"))) == 12
    assert sorted(rendered(page, "facilities", "internet")) == sorted(
        ["connected", "not_connected", "unknown"]
    )
    legend = page.locator(".hromada-legend")
    if legend.locator("button[aria-expanded='false']").count():
        legend.locator("button").first.click()
    text = legend.inner_text()
    assert "Комунальні заклади" in text
    assert "не підключено" in text


@pytest.mark.django_db
def test_landing_shows_the_12_village_labels(overview, landing):
    overview.page.screenshot(path="/tmp/landing.png", full_page=True)
    assert_every_village_named(overview.page, landing.villages)


def click_facility(page, facility):
    jump(page, facility.location.x, facility.location.y, 15)
    wait_idle(page)
    click_at(page, facility.location.x, facility.location.y)
    return popup_text(page)


@pytest.mark.django_db
def test_facility_popup_shows_internet_status_in_ukrainian(shared, landing):
    facility = landing.facilities[0]
    popup = click_facility(shared.page, facility)
    assert facility.name in popup
    assert "Інтернет" in popup or "інтернет" in popup
    assert "підключено" in popup


@pytest.mark.django_db
def test_village_popup_shows_its_name_and_code(shared, landing):
    page, village = shared.page, landing.villages[1]
    jump(page, village.centre.x, village.centre.y, 13)
    wait_idle(page)
    click_at(page, village.centre.x + 0.008, village.centre.y + 0.008)
    popup = popup_text(page)
    assert village.name_uk in popup and village.katottg in popup


@pytest.mark.django_db
def test_landing_fits_a_phone_screen(phone_page, page_log, landing):
    open_landing(phone_page, landing)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    assert_every_village_named(phone_page, landing.villages, at_overview=6)
    assert page_log.console_errors == []
    phone_page.screenshot(path="/tmp/landing-phone.png", full_page=True)


# Every source but the facilities drawn, and no frame to come: a tile's failure that
# arrives now leaves MapLibre nothing that would paint again.
_ALL_BUT_FACILITIES_DRAWN = """() => { const m = window.hromadaMap;
  if (!m || !m.getStyle()) return false;
  const ids = Object.keys(m.getStyle().sources);
  return ids.includes("facilities") && !m.isSourceLoaded("facilities")
    && ids.filter((id) => id !== "facilities").every((id) => m.isSourceLoaded(id))
    && !m._frameRequest; }"""


@pytest.mark.django_db
def test_a_layer_that_fails_to_load_leaves_the_others_drawn(browser_page, page_log, landing):
    # The facilities' tiles fail only once the map has drawn everything else and stopped
    # painting: the order in which the map once never became ready (MapLibre schedules no
    # frame after a tile's error), which happened before only when the 503s came late.
    held, failing = [], {"now": False}

    def fail_later(route):
        if failing["now"]:
            route.fulfill(status=503)
        else:
            held.append(route)

    browser_page.route("**/tiles/facilities/**", fail_later)
    browser_page.goto(f"{landing.url}/", timeout=WAIT_MS)
    browser_page.wait_for_function(_ALL_BUT_FACILITIES_DRAWN, timeout=WAIT_MS)
    for _ in range(WAIT_MS // 20):  # the requests are on their way to the route handler
        if held:
            break
        browser_page.wait_for_timeout(20)
    failing["now"] = True
    for route in held:
        route.fulfill(status=503)
    wait_idle(browser_page, "#overview-map[data-map-ready='true']")
    assert_every_village_named(browser_page, landing.villages)
    assert rendered(browser_page, "facilities") == []
    assert page_log.page_errors == []


@pytest.mark.django_db
def test_landing_in_english_names_the_villages_in_english(browser_page, landing):
    browser_page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": landing.url}]
    )
    open_landing(browser_page, landing)
    shown = labels(browser_page, "settlements", "name_en")
    assert shown <= {v.name_en for v in landing.villages} and len(shown) >= 10
