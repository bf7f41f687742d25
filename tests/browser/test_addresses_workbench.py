"""The verification workbench in a real headless Chromium: confirm by keyboard, the next
address opens and the progress moves; a point moved by a click on the map; axe clean."""

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
    with page.expect_navigation():
        page.click("#move-save")
    stored = Address.objects.get(pk=register[0].pk)
    assert (stored.location.x, stored.location.y) == pytest.approx(target, abs=2e-5)
    assert stored.verified
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
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
