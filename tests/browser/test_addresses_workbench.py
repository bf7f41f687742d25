"""The verification workbench in a real headless Chromium: confirm by keyboard, the next
address opens and the progress moves; the point moved by a click on the map, by dragging
its pin (a click on the pin moves nothing), by the keyboard (m, arrows, Enter) and by the
"centre" button; axe clean."""

import pytest
from django.conf import settings as django_settings
from django.contrib.gis.geos import LineString
from django.test import Client

from addresses.models import EDITORS_GROUP, Address, Street
from tests.addresses.conftest import make_address
from tests.browser.mapclient import click_at, wait_idle
from tests.helpers.axe import describe, serious_violations
from tests.helpers.users import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(settlement, settings):
    settings.BASEMAP_URL = "off"  # no basemap: every request must stay on this machine
    street = Street.objects.create(
        settlement=settlement,
        name="Садова",
        route=LineString((32.715, 48.785), (32.735, 48.785), srid=4326),
    )
    return [make_address(street, n, 32.7240 + i * 0.0004, 48.7852) for i, n in enumerate("135")]


def _sign_in(page, live_server):
    """An address editor's session cookie in the page's context (a forced login)."""
    user = make_user("wb-editor", is_staff=True, groups=[EDITORS_GROUP])
    client = Client()
    client.force_login(user)
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    name = django_settings.SESSION_COOKIE_NAME
    page.context.add_cookies([{"name": name, "value": key, "url": live_server.url}])


def _open(page, live_server):
    page.goto(f"{live_server.url}/addresses/verification/check/")
    wait_idle(page)


def test_confirming_by_keyboard_opens_the_next_address_and_moves_the_progress(
    browser_page, page_log, live_server, register
):
    page = browser_page
    _sign_in(page, live_server)
    _open(page, live_server)
    assert page.inner_text("#wb-address") == "Дмитрівка, вул. Садова, 1"
    assert "перевірено 0 з 3 адрес" in page.inner_text("#wb-progress-village")
    assert page.inner_text("#wb-left") == "Ще 3 адреси на перевірку"
    with page.expect_navigation():
        page.keyboard.press("c")
    page.wait_for_selector("#wb-address:has-text('Садова, 3')")
    wait_idle(page)
    assert "перевірено 1 з 3 адрес" in page.inner_text("#wb-progress-village")
    assert page.inner_text("#wb-left") == "Ще 2 адреси на перевірку"
    assert "перевірено" in page.inner_text(".messages")
    assert Address.objects.get(pk=register[0].pk).verified
    page.screenshot(path="/tmp/addresses-workbench-desktop.png", full_page=True)
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert page_log.outside_requests() == []


def test_a_click_on_the_map_moves_the_point_and_saving_keeps_it(
    phone_page, page_log, live_server, register
):
    page = phone_page
    _sign_in(page, live_server)
    _open(page, live_server)
    assert page.is_disabled("#move-save")
    target = (32.72415, 48.78535)
    click_at(page, *target)
    assert page.is_enabled("#move-save")
    assert "м від збереженої" in page.inner_text("#move-status")
    stored = _save(page, register)
    assert (stored.location.x, stored.location.y) == pytest.approx(target, abs=2e-5)
    assert stored.verified
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page_log.console_errors == [] and page_log.page_errors == []


def _save(page, register) -> Address:
    """Send the move form and return the address as stored."""
    with page.expect_navigation():
        page.click("#move-save")
    return Address.objects.get(pk=register[0].pk)


def _chosen(page) -> tuple[float, float]:
    """The point the move form would save, (lon, lat)."""
    return (
        float(page.input_value("#move-form input[name=lon]")),
        float(page.input_value("#move-form input[name=lat]")),
    )


def _pin_tip(page) -> tuple[float, float]:
    """Where the pin points on the page (its anchor: the middle of its foot)."""
    box = page.locator(".hromada-pin").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"]


def _page_point(page, lon: float, lat: float) -> tuple[float, float]:
    return tuple(
        page.evaluate(
            """([lon, lat]) => { const m = window.hromadaMap;
              const p = m.latLngToContainerPoint([lat, lon]);
              const c = m.getContainer(), r = c.getBoundingClientRect();
              return [r.left + c.clientLeft + p.x, r.top + c.clientTop + p.y]; }""",
            [lon, lat],
        )
    )


def _lon_lat_at(page, x: float, y: float) -> tuple[float, float]:
    return tuple(
        page.evaluate(
            """([x, y]) => {
              const at = window.hromadaMap.mouseEventToLatLng({clientX: x, clientY: y});
              return [at.lng, at.lat]; }""",
            [x, y],
        )
    )


def _degrees_per_px(page) -> float:
    """Degrees of longitude a pixel spans (more than of latitude, this far north)."""
    return page.evaluate(
        """() => { const m = window.hromadaMap, c = m.getSize().divideBy(2);
          return m.containerPointToLatLng(c.add([1, 0])).lng - m.containerPointToLatLng(c).lng; }"""
    )


def test_the_pin_stands_on_the_stored_point_and_a_drag_moves_it_and_the_form(
    browser_page, page_log, live_server, register
):
    page = browser_page
    _sign_in(page, live_server)
    _open(page, live_server)
    stored = (register[0].location.x, register[0].location.y)
    assert _chosen(page) == pytest.approx(stored, abs=1e-6)
    assert page.locator(".hromada-pin").count() == 1
    # The pin's foot is on the stored point (within 2 px).
    assert _pin_tip(page) == pytest.approx(_page_point(page, *stored), abs=2)
    view = page.evaluate("() => HromadaMap.view(window.hromadaMap)")
    # A click on the pin is no move: the point stays where it is.
    box = page.locator(".hromada-pin").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
    assert _chosen(page) == pytest.approx(stored, abs=1e-6)
    assert page.is_disabled("#move-save")
    # Dragged by its head 80 px right and 50 px down: the point moves by as much, the map not.
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 3
    tip_x, tip_y = _pin_tip(page)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 25, steps=5)
    page.mouse.move(x + 80, y + 50, steps=5)
    page.mouse.up()
    target = _lon_lat_at(page, tip_x + 80, tip_y + 50)
    two_px = 2 * _degrees_per_px(page)
    assert _chosen(page) == pytest.approx(target, abs=two_px)
    assert page.evaluate("() => HromadaMap.view(window.hromadaMap)") == view
    assert _pin_tip(page) == pytest.approx((tip_x + 80, tip_y + 50), abs=2)
    assert page.is_enabled("#move-save")
    assert "м від збереженої" in page.inner_text("#move-status")
    moved = _save(page, register)
    assert (moved.location.x, moved.location.y) == pytest.approx(target, abs=two_px)
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert page_log.outside_requests() == []


def test_by_keyboard_m_focuses_the_map_arrows_move_it_and_enter_puts_the_point_at_its_centre(
    browser_page, page_log, live_server, register
):
    page = browser_page
    _sign_in(page, live_server)
    _open(page, live_server)
    stored = _chosen(page)
    page.keyboard.press("m")
    assert page.evaluate("document.activeElement.id") == "workbench-map"
    before = page.evaluate("() => HromadaMap.view(window.hromadaMap)")
    for key in ("ArrowRight", "ArrowRight", "ArrowDown"):
        page.evaluate(
            "() => { window.moved = new Promise((done) =>"
            " window.hromadaMap.once('moveend', done)); }"
        )
        page.keyboard.press(key)
        page.evaluate("() => window.moved")  # the pan's animation is over
    after = page.evaluate("() => HromadaMap.view(window.hromadaMap)")
    assert after["zoom"] == before["zoom"]
    assert after["center"][0] > before["center"][0]  # east
    assert after["center"][1] < before["center"][1]  # south
    assert _chosen(page) == pytest.approx(stored, abs=1e-6)  # moving the map moves no point
    page.keyboard.press("Enter")
    assert _chosen(page) == pytest.approx(after["center"], abs=1e-6)
    assert page.is_enabled("#move-save")
    assert page.evaluate("document.activeElement.id") == "workbench-map"
    centre = page.evaluate(
        """() => { const c = window.hromadaMap.getContainer(), r = c.getBoundingClientRect();
          return [r.left + c.clientLeft + c.clientWidth / 2,
                  r.top + c.clientTop + c.clientHeight / 2]; }"""
    )
    assert _pin_tip(page) == pytest.approx(tuple(centre), abs=2)
    assert page_log.console_errors == [] and page_log.page_errors == []


def test_the_centre_button_puts_the_point_at_the_maps_centre(
    phone_page, page_log, live_server, register
):
    page = phone_page
    _sign_in(page, live_server)
    _open(page, live_server)
    page.evaluate(
        "() => HromadaMap.jumpTo(window.hromadaMap, [32.7250, 48.7848], HromadaMap.STREET_ZOOM)"
    )
    wait_idle(page)
    page.locator("#move-centre").tap()
    assert _chosen(page) == pytest.approx((32.7250, 48.7848), abs=1e-6)
    assert page.is_enabled("#move-save")
    assert "м від збереженої" in page.inner_text("#move-status")
    with page.expect_navigation():
        page.locator("#move-save").tap()
    moved = Address.objects.get(pk=register[0].pk)
    assert (moved.location.x, moved.location.y) == pytest.approx((32.7250, 48.7848), abs=1e-6)
    assert page_log.console_errors == [] and page_log.page_errors == []


@pytest.mark.parametrize("language", ["uk", "en"])
def test_the_workbench_has_no_serious_axe_violation(browser_page, live_server, register, language):
    page = browser_page
    _sign_in(page, live_server)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    _open(page, live_server)
    assert page.get_attribute("html", "lang") == language
    violations = serious_violations(page)
    assert not violations, describe(violations)
