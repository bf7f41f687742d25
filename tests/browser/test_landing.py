"""`/` in a real headless Chromium: the overview map with the 12 villages, all served locally."""

import json
import math
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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
    camera = page.evaluate("() => HromadaMap.view(window.hromadaMap)")
    yield SharedPage(page, log, camera)
    context.close()


@pytest.fixture
def shared(_overview) -> SharedPage:
    """The shared landing page with no popup open, wherever an earlier test left the map
    (for a test that moves the map itself, or that does not look at it)."""
    page = _overview.page
    page.evaluate(
        "() => document.querySelectorAll('.leaflet-popup-close-button')"
        ".forEach((button) => button.click())"
    )
    assert page.locator(".leaflet-popup").count() == 0
    return _overview


@pytest.fixture
def overview(shared) -> SharedPage:
    """The shared landing page back at the view it opened at, with no popup open."""
    moved = shared.page.evaluate(
        """(camera) => { const m = window.hromadaMap, now = HromadaMap.view(m);
        const moved = now.zoom !== camera.zoom || now.center[0] !== camera.center[0]
          || now.center[1] !== camera.center[1];
        if (moved) HromadaMap.jumpTo(m, camera.center, camera.zoom);
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
    """Most names at the overview (a label that would overlap another is left out);
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
  const line = document.querySelector(".hromada-attribution").getBoundingClientRect();
  const hit = (r) => r.width && r.left < line.right && line.left < r.right
    && r.top < line.bottom && line.top < r.bottom;
  return [...document.querySelectorAll(".leaflet-bottom.leaflet-left > *")]
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
    assert browser_page.locator(".hromada-attribution").inner_text().strip()
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


# A point of the map (container px) just beside the controls of one corner ("top-right"...)
# where a facility is put for its popup: level with their outer edge beside them, or
# failing room there (a control reaching across the map), past their inner end, on the
# map itself (under no control) either way.
BESIDE_CONTROLS_JS = """(corner) => { const map = window.hromadaMap;
  const [v, h] = corner.split('-'), box = map.getContainer().getBoundingClientRect();
  const visible = (nodes) => [...nodes].filter((n) => n.offsetWidth)
    .map((n) => n.getBoundingClientRect());
  const controls = visible(map.getContainer().querySelectorAll('.leaflet-control'));
  const rects = visible(map.getContainer()
    .querySelectorAll(`.leaflet-${v}.leaflet-${h} .leaflet-control`));
  const all = (side) => rects.map((r) => r[side]);
  const left = Math.min(...all('left')), right = Math.max(...all('right'));
  const top = Math.min(...all('top')), bottom = Math.max(...all('bottom'));
  const spots = [
    [h === 'right' ? left - 16 : right + 16, v === 'top' ? top + 16 : bottom - 16],
    [h === 'right' ? right - 16 : left + 16, v === 'top' ? bottom + 16 : top - 16],
  ];
  const free = ([x, y]) => x > box.left + 8 && x < box.right - 8 && y > box.top + 8
    && y < box.bottom - 8 && !controls.some((r) =>
      x > r.left - 4 && x < r.right + 4 && y > r.top - 4 && y < r.bottom + 4);
  const spot = spots.find(free);
  return spot ? { x: spot[0] - box.left, y: spot[1] - box.top, controls: rects.length }
    : { controls: rects.length }; }"""


# The open popup's box, the map's and its visible controls', in page CSS px.
POPUP_PLACE_JS = """() => { const map = window.hromadaMap;
  const edges = (r) => [r.left, r.top, r.right, r.bottom];
  const popup = document.querySelector('.leaflet-popup');
  return { map: edges(map.getContainer().getBoundingClientRect()),
    window: [innerWidth, innerHeight],
    popup: edges(popup.getBoundingClientRect()),
    controls: [...map.getContainer().querySelectorAll('.leaflet-control')]
      // A control hidden while the popup is open (the top ones on a phone) is under nothing.
      .filter((n) => n.offsetWidth && getComputedStyle(n).visibility !== 'hidden')
      .map((n) => [...edges(n.getBoundingClientRect()), n.className]) };
}"""


def open_popup_beside(page, facility, corner) -> dict:
    """Put `facility` just beside the map's controls in `corner`, click it as a person
    would and return where its popup is (POPUP_PLACE_JS) once the map has settled."""
    page.evaluate("() => document.getElementById('overview-map').scrollIntoView({block: 'center'})")
    jump(page, facility.location.x, facility.location.y, 15)
    wait_idle(page)
    spot = page.evaluate(BESIDE_CONTROLS_JS, corner)
    assert spot["controls"], f"no control in the {corner} corner"
    assert "x" in spot, f"no room on the map beside the {corner} controls"
    page.evaluate(
        """([lon, lat, x, y]) => { const map = window.hromadaMap;
        const at = map.latLngToContainerPoint([lat, lon]);
        map.panBy([at.x - x, at.y - y], { animate: false }); }""",
        [facility.location.x, facility.location.y, spot["x"], spot["y"]],
    )
    wait_idle(page)
    click_at(page, facility.location.x, facility.location.y)
    assert facility.name in popup_text(page)
    # Panned to show the popup whole (an animation), then the new tiles drawn.
    page.wait_for_function("() => !(window.hromadaMap._panAnim || {})._inProgress")
    wait_idle(page)
    return page.evaluate(POPUP_PLACE_JS)


def assert_whole_and_clear(place) -> None:
    assert place["map"][1] >= 0 and place["map"][3] <= place["window"][1], "map out of sight"
    """The popup inside the map (wholly in the window: the map was scrolled into view)
    and under none of its controls."""
    left, top, right, bottom = place["popup"]
    m_left, m_top, m_right, m_bottom = place["map"]
    assert m_left <= left and right <= m_right and m_top <= top and bottom <= m_bottom, place
    for c_left, c_top, c_right, c_bottom, name in place["controls"]:
        apart = right <= c_left or left >= c_right or bottom <= c_top or top >= c_bottom
        assert apart, f"the popup {place['popup']} is under {name}"


CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")


@pytest.mark.django_db
@pytest.mark.parametrize("corner", CORNERS)
def test_a_popup_beside_the_controls_is_shown_whole_and_clear_of_them(shared, landing, corner):
    assert_whole_and_clear(open_popup_beside(shared.page, landing.facilities[0], corner))


@pytest.mark.django_db
@pytest.mark.parametrize("corner", CORNERS)
def test_on_a_phone_a_popup_beside_the_controls_is_shown_whole_and_clear_of_them(
    phone_page, landing, corner
):
    open_landing(phone_page, landing)
    assert_whole_and_clear(open_popup_beside(phone_page, landing.facilities[0], corner))


@pytest.mark.django_db
def test_landing_fits_a_phone_screen(phone_page, page_log, landing):
    open_landing(phone_page, landing)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    assert_every_village_named(phone_page, landing.villages, at_overview=6)
    assert page_log.console_errors == []
    phone_page.screenshot(path="/tmp/landing-phone.png", full_page=True)


def is_tile(url: str, source: str | None = None) -> bool:
    """Tell whether `url` is a vector tile of ours (/tiles/<source>/z/x/y), of `source`
    when given."""
    parts = urlsplit(url).path.split("/")
    return len(parts) == 6 and parts[1] == "tiles" and source in (None, parts[2])


@pytest.mark.django_db
def test_a_layer_that_fails_to_load_leaves_the_others_drawn(browser_page, page_log, landing):
    # The facilities' tiles fail only once every other tile of the first view has been
    # answered, the map waiting on them alone: the latest a failure can come, the order
    # in which a map once never became ready (no frame scheduled after a tile's error).
    held, failing = [], {"now": False}
    others = {"asked": set(), "answered": set()}

    def fail_later(route):
        if failing["now"]:
            route.fulfill(status=503)
        else:
            held.append(route)

    def asked(request):
        if is_tile(request.url) and not is_tile(request.url, "facilities"):
            others["asked"].add(request.url)

    def answered(request):
        if request.url in others["asked"]:
            others["answered"].add(request.url)

    browser_page.on("request", asked)
    browser_page.on("requestfinished", answered)
    browser_page.on("requestfailed", answered)
    browser_page.route("**/tiles/facilities/**", fail_later)
    browser_page.goto(f"{landing.url}/", timeout=WAIT_MS)
    for _ in range(WAIT_MS // 20):
        if held and others["asked"] and others["answered"] == others["asked"]:
            break
        browser_page.wait_for_timeout(20)
    assert held and others["answered"] == others["asked"]
    # Nothing drawn yet waits on anything but the facilities: the map is not ready.
    assert browser_page.locator("#overview-map[data-map-ready='true']").count() == 0
    failing["now"] = True
    for route in held:
        route.fulfill(status=503)
    wait_idle(browser_page, "#overview-map[data-map-ready='true']")
    assert_every_village_named(browser_page, landing.villages)
    assert len(set(rendered(browser_page, "territory", "katottg"))) == 1
    assert len(set(rendered(browser_page, "settlements", "katottg"))) == 12
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
