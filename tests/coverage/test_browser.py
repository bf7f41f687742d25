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
    hold_requests,
    labels,
    record_tile_reloads,
    tile_reloads,
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
    # MapLibre indexes a GeoJSON source in its worker after setData: wait until it has.
    page.wait_for_function(
        "() => document.getElementById('coverage-map').coverageMap.isSourceLoaded('challenges')"
    )
    accepted = page.evaluate(  # one report may lie in several of the source's tiles
        "() => new Set(document.getElementById('coverage-map').coverageMap"
        ".querySourceFeatures('challenges').filter(f => f.properties.status === 'accepted')"
        ".map(f => f.properties.report_number)).size"
    )
    assert accepted == 1
    # The challenge symbols lie under the village names: a symbol never hides a name.
    order = page.evaluate(
        "() => document.getElementById('coverage-map').coverageMap.getStyle().layers"
        ".map(layer => layer.id)"
    )
    # (the names shown are the share labels, drawn over the registry's village names)
    assert order.index("challenges-circle") < order.index("settlements-label"), order
    if "village-shares-label" in order:
        assert order.index("challenges-circle") < order.index("village-shares-label"), order
    table = page.locator("table.challenges").inner_text()
    assert "Київстар" in table and world["report"].number in table
    assert "Оскарження покриття" in page.content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "coverage-planning.png"), full_page=True)
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert page_log.outside_requests() == []


def _tap(page, lon, lat):
    """Click the map at a place (through MapLibre's own projection)."""
    point = page.evaluate(
        f"(() => {{ const p = document.getElementById('coverage-map').coverageMap"
        f".project([{lon}, {lat}]); return [p.x, p.y]; }})()"
    )
    box = page.locator("#coverage-map .maplibregl-canvas").bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])


def _open_public(page, live_server):
    page.goto(f"{live_server.url}/coverage/")
    page.wait_for_selector("#coverage-map[data-hexagons-ready='true']", timeout=15_000)
    page.wait_for_function(
        "() => { const m = document.getElementById('coverage-map').coverageMap;"
        " return m && m.getSource('village-shares') && !m.isMoving(); }"
    )


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
    zoom = page.evaluate("document.getElementById('coverage-map').coverageMap.getZoom()")
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


def _reloads_with_shares_after_the_villages_tiles(page, open_page) -> int:
    """Open a coverage map (`open_page()`) with the villages' shares held back until the
    villages' tiles are in and the shares asked for (as a slow line would deliver them);
    return how many villages' tiles MapLibre parsed again once the shares were drawn."""
    record_tile_reloads(page)
    asked = []
    page.on("request", lambda request: _shares_data(request.url) and asked.append(request.url))
    release = hold_requests(page, _shares_data)
    open_page()
    page.wait_for_function(
        "() => { const map = window.hromadaMap;"
        " return map && map.getSource('settlements') && map.isSourceLoaded('settlements'); }"
    )
    for _ in range(300):  # however late the page asks for the shares, they come after
        if len(asked) == 2:
            break
        page.wait_for_timeout(50)
    assert release() == 2, "the shares were not asked for"
    page.wait_for_selector("#coverage-map[data-shares-ready='true']", state="attached")
    wait_idle(page)
    return tile_reloads(page, "settlements")


def test_the_villages_tiles_are_parsed_once_on_the_public_map(
    browser_page, page_log, live_server, world
):
    """The villages' names are hidden for their shares before the first frame asks for
    tiles, so the villages' tiles are parsed once, even when the shares come after them
    (held back here until the tiles are in). Hidden after the map's "load", the names
    made MapLibre parse those tiles again."""
    page = browser_page
    open_page = lambda: page.goto(f"{live_server.url}/coverage/")  # noqa: E731
    assert _reloads_with_shares_after_the_villages_tiles(page, open_page) == 0
    assert page_log.console_errors == [] and page_log.page_errors == []


def test_the_villages_tiles_are_parsed_once_on_the_planners_map(
    browser_page, page_log, live_server, world, planner_login
):
    """The planners' map too hides the villages' names for their shares before its first
    frame (it drew the shares after the map's "load", and the villages' tiles were parsed
    a second time)."""
    page = browser_page
    open_page = lambda: _sign_in(page, live_server, planner_login)  # noqa: E731
    assert _reloads_with_shares_after_the_villages_tiles(page, open_page) == 0
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
        "document.getElementById('coverage-map').coverageMap"
        ".getLayoutProperty('settlements-label', 'visibility')"
    )
    assert visibility in (None, "visible")
    assert labels(page, "settlements")
    assert page_log.page_errors == []


def test_the_public_map_toggles_shares_by_h3_hexagon(browser_page, page_log, live_server, world):
    page = browser_page
    _open_public(page, live_server)
    page.locator(".hromada-toggles label", has_text="шестикутник").click()
    # The hexagons are fetched when switched on, not with the page.
    page.wait_for_selector("#coverage-map[data-hexagons-loaded='true']", timeout=15_000)
    page.wait_for_function(
        "() => document.getElementById('coverage-map').coverageMap"
        ".queryRenderedFeatures({layers: ['hexagons-fill']}).length > 100"
    )
    page.screenshot(path=str(SCREENSHOTS / "coverage-public-hexagons.png"), full_page=True)
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
        "() => { const m = document.getElementById('coverage-map').coverageMap;"
        " return [m.getLayoutProperty('hexagons-fill', 'visibility'),"
        " m.queryRenderedFeatures({layers: ['hexagons-fill']}).length]; }"
    )
    assert shown == ["none", 0]
    assert not page.locator(".hromada-toggles input[value='hexagons']").is_checked()
    assert page_log.console_errors == [] and page_log.page_errors == []


def test_planner_clicks_a_village_on_the_map_and_reaches_its_figures(
    browser_page, page_log, live_server, world, planner_login
):
    page = browser_page
    _sign_in(page, live_server, planner_login)
    page.wait_for_selector("#coverage-map[data-shares-ready='true']", timeout=45_000)
    page.wait_for_function(
        "() => { const m = document.getElementById('coverage-map').coverageMap;"
        " return m.isSourceLoaded('village-shares') && !m.isMoving() && m.loaded(); }"
    )
    # The map sits below the targets and the plan: bring it into view, centre the village
    # clear of the legend and the toggles, then wait for its fill there.
    page.locator("#coverage-map").scroll_into_view_if_needed()
    page.evaluate(
        f"document.getElementById('coverage-map').coverageMap"
        f".jumpTo({{center: [{NOWHERE[0]}, {NOWHERE[1]}], zoom: 13}})"
    )
    page.wait_for_function(
        f"() => {{ const m = document.getElementById('coverage-map').coverageMap;"
        f" const p = m.project([{NOWHERE[0]}, {NOWHERE[1]}]);"
        f" return m.queryRenderedFeatures(p).some(f => f.source === 'village-shares'); }}",
        timeout=15_000,
    )
    _tap(page, *NOWHERE)
    link = page.wait_for_selector(".hromada-popup .village-link", timeout=15_000)
    assert "village=UA35040090090035423" in link.get_attribute("href")
    link.click()
    page.wait_for_selector("#village")
    assert "Макариха" in page.locator("#village h2").inner_text()
    assert page_log.console_errors == [] and page_log.page_errors == []
