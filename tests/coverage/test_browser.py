"""/planning/ and /coverage/ in a real headless Chromium (Debian's), at desktop and phone
width. Screenshots go to var/screenshots/ for a person to look at."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import shapely
from django.conf import settings as django_settings
from django.urls import reverse

from coverage.challenges import challenge_decide
from coverage.models import CoverageChallenge
from coverage.services import coverage_compute
from reports.models import Report
from reports.services import report_create
from tests.browser.mapclient import (
    click_at,
    hold_requests,
    jump,
    labels,
    popup_text,
    wait_idle,
)
from tests.coverage.conftest import MODEL_BACKEND, make_addresses, make_area

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"
PLANNER_PASSWORD = "pw-planner-Browser-1"  # noqa: S105 (a throw-away test account)
HERE = (32.7208, 48.7936)  # lon, lat: Dmytrivka
NOWHERE = (32.80, 48.86)  # Makarykha: no coverage claimed


@pytest.fixture
def world(isolated, settings, territory, settlement, village2, providers, complaint_category):
    """Coverage over Dmytrivka, 30 addresses, a snapshot and one accepted challenge."""
    settings.BASEMAP_URL = "off"
    c = settlement.centre
    area = make_area(providers["Київстар"], "4g", 40, 10, shapely.Point(c.x, c.y).buffer(0.02))
    make_area(providers["ProstoNet"], "fibre", 300, 100, shapely.Point(c.x, c.y).buffer(0.006))
    points = [(c.x + 0.001 * (i % 6), c.y + 0.001 * (i // 6)) for i in range(30)]
    make_addresses(settlement, points, [1 + i % 3 for i in range(30)])
    report = report_create(
        category_code="no_signal",
        lat=HERE[1],
        lon=HERE[0],
        description="Немає 4G",
        answers={"service": ["mobile_data"]},
    )
    challenge = CoverageChallenge.objects.get(report=report)
    challenge_decide(challenge_id=challenge.pk, decision="accept", user=None)
    coverage_compute()
    return {"area": area, "report": report}


@pytest.fixture
def planner_login(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        "planner", password=PLANNER_PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get_or_create(name="planners")[0])
    return user


def _sign_in(page, live_server, user):
    """Sign the planner in: a real session of Django's auth, handed to the browser."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.goto(f"{live_server.url}/planning/")


def test_planner_signs_in_and_sees_accepted_challenges_on_the_map_and_by_area(
    browser_page, page_log, live_server, world, planner_login
):
    page = browser_page
    _sign_in(page, live_server, planner_login)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "coverage-planning.png"), full_page=True)
    page.wait_for_function(
        "document.getElementById('coverage-map').dataset.challengesReady", timeout=15_000
    )
    state = page.evaluate("document.getElementById('coverage-map').dataset.challengesReady")
    assert state == "true", (state, page_log.console_errors, page_log.requests)
    wait_idle(page)
    accepted = page.evaluate(
        "() => new Set(HromadaMap.rendered(window.hromadaMap, 'challenges')"
        ".filter(f => f.properties.status === 'accepted')"
        ".map(f => f.properties.report_number)).size"
    )
    assert accepted == 1
    # The challenge symbols lie under the village names: a symbol never hides a name
    # (the names shown are the share labels, in their own pane over the registry's
    # village names, which are over the page's data).
    panes = page.evaluate(
        """() => { const m = window.hromadaMap;
          const z = (node) => Number(getComputedStyle(node.closest('.leaflet-pane')).zIndex);
          const circle = Object.values(m.hromada.drawn.challenges.parts.circle._layers)[0];
          return { challenges: Number(getComputedStyle(m.getPane(circle.options.pane)).zIndex),
            names: z(m.getContainer().querySelector('.hromada-labels')),
            shares: z(m.getContainer().querySelector('.hromada-label')) }; }"""
    )
    assert panes["challenges"] < panes["names"] <= panes["shares"], panes
    # A click on the challenge names its report and its status.
    page.locator("#coverage-map").scroll_into_view_if_needed()
    jump(page, *HERE, 14)
    wait_idle(page)
    click_at(page, *HERE)
    popup = popup_text(page)
    assert world["report"].number in popup and "прийнято" in popup, popup
    page.locator(".leaflet-popup-close-button").click()
    # Switched off, the challenges are no longer drawn; on again, they are.
    switch = page.locator(".hromada-toggles input[value='challenges']")
    switch.uncheck()
    assert page.evaluate("() => HromadaMap.rendered(window.hromadaMap, 'challenges').length") == 0
    assert not page.evaluate(
        f"() => HromadaMap.dataAt(window.hromadaMap, L.latLng({HERE[1]}, {HERE[0]}))"
        ".some(h => h.id === 'challenges')"
    )
    switch.check()
    assert page.evaluate("() => HromadaMap.rendered(window.hromadaMap, 'challenges').length") > 0
    table = page.locator("table.challenges").inner_text()
    assert "Київстар" in table and world["report"].number in table
    assert "Оскарження покриття" in page.content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "coverage-planning.png"), full_page=True)
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert page_log.outside_requests() == []


def _tap(page, lon, lat):
    """Tap the map where a place is drawn, as a person would."""
    page.locator("#coverage-map").scroll_into_view_if_needed()
    click_at(page, lon, lat)


def _open_public(page, live_server):
    page.goto(f"{live_server.url}/coverage/")
    page.wait_for_selector("#coverage-map[data-hexagons-ready='true']", timeout=15_000)
    page.wait_for_selector("#coverage-map[data-shares-ready='true']", state="attached")
    wait_idle(page)


def test_a_resident_taps_the_map_sees_offers_and_files_a_no_signal_report(
    phone_page, page_log, live_server, world
):
    page = phone_page
    _open_public(page, live_server)
    _tap(page, *HERE)
    page.wait_for_selector("#coverage-answer:not([hidden]) .offers li")
    offers = page.locator("#coverage-answer .offers").inner_text()
    assert "Київстар" in offers and "ProstoNet" in offers
    page.locator("label", has_text="мобільного інтернету").click()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "coverage-public-answer-360.png"), full_page=True)
    page.click(".complain-send")
    page.wait_for_selector(".complaint-result.ok")
    report = Report.objects.exclude(pk=world["report"].pk).get()
    assert report.answers == {"service": ["mobile_data"]}
    assert report.category.code == "no_signal"
    # Where the finger landed, to two pixels at the zoom the page opened with.
    zoom = page.evaluate("() => HromadaMap.view(window.hromadaMap).zoom")  # 512 px tiles
    pixel_deg = 360 / (512 * 2**zoom)
    assert report.location.x == pytest.approx(HERE[0], abs=max(0.002, 2 * pixel_deg))
    assert report.location.y == pytest.approx(HERE[1], abs=max(0.002, 2 * pixel_deg))
    challenge = CoverageChallenge.objects.get(report=report)
    assert challenge.status == "pending"
    providers = set(challenge.areas.values_list("provider__name", flat=True))
    assert providers == {"Київстар", "ProstoNet"}
    assert report.number in page.locator(".complaint-result").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert page_log.outside_requests() == []


def test_a_resident_finds_an_address_and_its_answer_names_it_in_view_on_a_phone(
    phone_page, page_log, live_server, world
):
    """On a phone the answer came below the map, out of sight, under "Here:", with the
    words typed still in the box: it now names the address chosen and is scrolled into
    view; the offers read "…, 5/1 Mbit/s · underserved", not brackets in brackets."""
    page = phone_page
    _open_public(page, live_server)
    page.fill("#address-q", "Шевченка 7")
    choice = page.locator("#address-results button").first
    choice.wait_for()
    label = choice.inner_text()
    assert "Шевченка" in label and "7" in label
    choice.click()
    page.wait_for_selector("#coverage-answer:not([hidden]) .offers li")
    assert page.locator("#coverage-answer .place").inner_text() == label
    assert page.input_value("#address-q") == label
    page.wait_for_function(
        "() => { const r = document.querySelector('#coverage-answer h2').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )
    offers = page.locator("#coverage-answer .offers").inner_text()
    assert "Мбіт/с · " in offers and "((" not in offers and "))" not in offers
    assert page_log.console_errors == [] and page_log.page_errors == []


def test_a_complaint_without_the_required_answer_shows_the_error_and_files_nothing(
    phone_page, live_server, world
):
    page = phone_page
    _open_public(page, live_server)
    _tap(page, *NOWHERE)
    page.wait_for_selector("#coverage-answer:not([hidden]) .offers li")
    page.click(".complain-send")
    page.wait_for_selector(".complaint-result.error")
    assert page.locator(".complaint-result").inner_text().strip()
    assert Report.objects.count() == 1


def _shares_data(url: str) -> bool:
    """The public page's two requests for the villages' shares (outlines and figures)."""
    path = urlsplit(url).path
    return path in (reverse("api:settlement_list"), reverse("api:settlements"))


# Every text of the villages' tiles the map placed, from the first frame on: a name
# placed in any frame (then hidden for the shares) is recorded here.
RECORD_VILLAGE_NAMES_JS = """
window.villageNamesSeen = [];
(function watch() {
  const map = window.hromadaMap;
  try {
    if (map && map.hromada && map.hromada.labels) {
      HromadaMap.placedLabels(map).forEach((label) => {
        if (label.source === 'settlements') window.villageNamesSeen.push(label.text);
      });
    }
  } catch (error) { window.villageNamesSeen.push('error: ' + error); }
  requestAnimationFrame(watch);
})();
"""


def _shares_after_the_villages_tiles(page, open_page) -> None:
    """Open a coverage map (`open_page()`) with the villages' shares held back until the
    villages' tiles are drawn (as a slow line would deliver them): no village's bare name
    is drawn in any frame before the shares come (hidden before the tiles are drawn, not
    drawn then hidden), and the shares, coming after the tiles, are drawn and labelled,
    their labels clear of each other."""
    page.add_init_script(RECORD_VILLAGE_NAMES_JS)
    asked = []
    page.on("request", lambda request: _shares_data(request.url) and asked.append(request.url))
    release = hold_requests(page, _shares_data)
    open_page()
    wait_idle(page)
    # The villages' tiles are in and drawn (their areas), the shares not yet.
    assert page.evaluate("() => HromadaMap.rendered(window.hromadaMap, 'settlements').length")
    for _ in range(300):  # however late the page asks for the shares, they come after
        if len(asked) == 2:
            break
        page.wait_for_timeout(50)
    assert page.get_attribute("#coverage-map", "data-shares-ready") is None
    page.evaluate("() => new Promise((done) => setTimeout(done, 300))")  # frames drawn
    assert page.evaluate("window.villageNamesSeen") == []
    assert release() == 2, "the shares were not asked for"
    page.wait_for_selector("#coverage-map[data-shares-ready='true']", state="attached")
    wait_idle(page)
    drawn = page.evaluate(
        "() => HromadaMap.rendered(window.hromadaMap, 'village-shares')"
        ".map((f) => f.properties.katottg)"
    )
    assert {"UA35040090090035423", "UA35040090010099441"} <= set(drawn), drawn
    shares = page.evaluate(
        """() => [...document.querySelectorAll('#coverage-map .hromada-label')]
          .filter((node) => !node.hidden).map((node) => {
            const r = node.getBoundingClientRect();
            return {text: node.textContent, left: r.left, top: r.top, right: r.right,
              bottom: r.bottom}; })"""
    )
    texts = sorted(label["text"].split("\n")[0] for label in shares)
    assert texts == ["Дмитрівка", "Макариха"], shares
    assert all(label["text"].split("\n")[1].endswith("%") for label in shares), shares
    for i, a in enumerate(shares):
        for b in shares[i + 1 :]:
            apart = (
                a["right"] <= b["left"]
                or b["right"] <= a["left"]
                or a["bottom"] <= b["top"]
                or b["bottom"] <= a["top"]
            )
            assert apart, (a, b)
    assert page.evaluate("window.villageNamesSeen") == []


def test_the_village_names_are_never_drawn_before_the_shares_on_the_public_map(
    browser_page, page_log, live_server, world
):
    """The villages' names are hidden for their shares before the first tiles are drawn,
    so a name never shows and then vanishes, even when the shares come after the tiles
    (held back here until the tiles are in); the shares are then drawn and labelled.
    (It replaces a count of MapLibre's tile re-parses: hidden after the map's "load",
    the names had made MapLibre parse the villages' tiles again.)"""
    page = browser_page
    open_page = lambda: page.goto(f"{live_server.url}/coverage/")  # noqa: E731
    _shares_after_the_villages_tiles(page, open_page)
    assert page_log.console_errors == [] and page_log.page_errors == []


def test_the_village_names_are_never_drawn_before_the_shares_on_the_planners_map(
    browser_page, page_log, live_server, world, planner_login
):
    """The planners' map too hides the villages' names for their shares before its first
    tiles are drawn, and draws the shares whenever they come."""
    page = browser_page
    open_page = lambda: _sign_in(page, live_server, planner_login)  # noqa: E731
    _shares_after_the_villages_tiles(page, open_page)
    assert page_log.console_errors == [] and page_log.page_errors == []


def test_without_the_shares_the_villages_keep_their_names(
    browser_page, page_log, live_server, world
):
    page = browser_page
    page.route(_shares_data, lambda route: route.abort())
    page.goto(f"{live_server.url}/coverage/")
    page.wait_for_selector("#coverage-map[data-shares-ready='error']", state="attached")
    wait_idle(page)
    visibility = page.evaluate(
        "() => window.hromadaMap.hromada.style.layers"
        ".find((layer) => layer.id === 'settlements-label').layout.visibility"
    )
    assert visibility in (None, "visible")
    assert labels(page, "settlements") == {"Дмитрівка", "Макариха"}
    assert page_log.page_errors == []


def test_the_public_map_toggles_shares_by_h3_hexagon(browser_page, page_log, live_server, world):
    page = browser_page
    _open_public(page, live_server)
    assert page.evaluate("() => HromadaMap.rendered(window.hromadaMap, 'hexagons').length") == 0
    page.locator(".hromada-toggles label", has_text="шестикутник").click()
    # The hexagons are fetched when switched on, not with the page.
    page.wait_for_selector("#coverage-map[data-hexagons-loaded='true']", timeout=15_000)
    page.wait_for_function("() => HromadaMap.rendered(window.hromadaMap, 'hexagons').length > 100")
    page.screenshot(path=str(SCREENSHOTS / "coverage-public-hexagons.png"), full_page=True)
    page.locator(".hromada-toggles label", has_text="шестикутник").click()
    assert page.evaluate("() => HromadaMap.rendered(window.hromadaMap, 'hexagons').length") == 0
    assert page_log.console_errors == [] and page_log.page_errors == []


def test_hexagons_switched_off_before_they_arrive_stay_hidden(
    browser_page, page_log, live_server, world
):
    """The switch is there from the map's start; the hexagons come later (their fetch
    held back here, as a slow line would): switched on and off again meanwhile, they are
    drawn hidden, as the switch says."""
    page = browser_page
    release = hold_requests(page, "**/hexagons/**")
    _open_public(page, live_server)
    switch = page.locator(".hromada-toggles label", has_text="шестикутник")
    switch.click()
    switch.click()
    assert release() > 0, "the hexagons were not asked for"
    page.wait_for_selector("#coverage-map[data-hexagons-loaded='true']", timeout=15_000)
    wait_idle(page)
    shown = page.evaluate(
        """() => { const m = window.hromadaMap, hexagons = m.hromada.drawn.hexagons;
          return [Boolean(hexagons), hexagons && hexagons.data.features.length > 100,
            hexagons && m.hasLayer(hexagons.group), HromadaMap.rendered(m, 'hexagons').length]; }"""
    )
    assert shown == [True, True, False, 0]
    assert not page.locator(".hromada-toggles input[value='hexagons']").is_checked()
    assert page_log.console_errors == [] and page_log.page_errors == []


def test_planner_clicks_a_village_on_the_map_and_reaches_its_figures(
    browser_page, page_log, live_server, world, planner_login
):
    page = browser_page
    _sign_in(page, live_server, planner_login)
    page.wait_for_selector("#coverage-map[data-shares-ready='true']", timeout=45_000)
    wait_idle(page)
    # The map sits below the targets and the plan: bring it into view, centre the village
    # clear of the legend and the toggles, then wait for its fill there.
    page.locator("#coverage-map").scroll_into_view_if_needed()
    jump(page, *NOWHERE, 13)
    wait_idle(page)
    page.wait_for_function(
        f"() => HromadaMap.dataAt(window.hromadaMap, L.latLng({NOWHERE[1]}, {NOWHERE[0]}))"
        ".some((hit) => hit.id === 'village-shares')",
        timeout=15_000,
    )
    _tap(page, *NOWHERE)
    link = page.wait_for_selector(".hromada-popup .village-link", timeout=15_000)
    assert "village=UA35040090090035423" in link.get_attribute("href")
    link.click()
    page.wait_for_selector("#village")
    assert "Макариха" in page.locator("#village h2").inner_text()
    assert page_log.console_errors == [] and page_log.page_errors == []
