"""Reporting without signal, in headless Chromium: the service worker keeps the form, a
report filed with the network off waits on the phone as a draft and arrives exactly once
when the connection returns; the form opened once online reopens without signal, also
after the browser was closed (a phone that went from the village centre to the field)."""

import re

import pytest
from django.test import Client

from reports.models import Report
from tests.browser.mapclient import rendered, wait_idle
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.reports.test_browser_pin import tap

PHONE = {"locale": "uk-UA", "viewport": {"width": 360, "height": 740}}


def _fill_and_submit(page, description):
    tap(page, "#pick-map", 32.7208, 48.7936)
    page.select_option("select[name=category]", "roads")
    page.select_option("select[name=a-roads-size]", "large")
    page.fill("textarea[name=description]", description)
    page.click("#submit-report")


# The form keeps tiles down to this zoom (offline.js DEEPEST_ZOOM); deeper tiles fail
# offline, and the map is to draw the kept parent tile over-zoomed instead (see
# test_the_village_stays_drawn_at_street_level_without_signal).
DEEPEST_KEPT_ZOOM = 12
DEEPER_TILE = re.compile(r"/(\d+)/\d+/\d+\.pbf$")


def _deeper_than_kept(url: str) -> bool:
    match = DEEPER_TILE.search(url)
    return bool(match) and int(match.group(1)) > DEEPEST_KEPT_ZOOM


def _failures(page) -> list[str]:
    """Collect the page's console errors, uncaught errors and failed requests (except
    tiles deeper than the kept zooms)."""
    errors: list[str] = []

    def on_console(message):
        if message.type == "error":
            errors.append(f"{message.text} {message.location.get('url', '')}")

    def on_failed(request):
        if not _deeper_than_kept(request.url):
            errors.append(f"{request.url} {request.failure}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", on_failed)
    return errors


@pytest.mark.browser
def test_a_report_filed_offline_arrives_once_when_the_network_returns(
    browser, page_log, live_server, territory, settlement, category
):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    page.goto(f"{live_server.url}/reports/new/")
    page.wait_for_selector("#pick-map[data-map-ready='true']", timeout=30_000)
    page.wait_for_selector("#pick-map[data-offline-ready='1']", state="attached", timeout=30_000)

    context.set_offline(True)
    _fill_and_submit(page, "Міст зламаний, зв'язку немає")
    page.wait_for_selector("#drafts-list li.waiting")
    assert Report.objects.count() == 0

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#drafts-sent li", timeout=30_000)
    # A second try finds nothing to send (evaluate waits for the promise sendAll returns).
    page.evaluate("window.HromadaOffline.sendAll()")
    report = Report.objects.get()
    assert report.description == "Міст зламаний, зв'язку немає"
    assert report.answers == {"size": "large"} and report.idempotency_key
    assert page.locator("#drafts-list li").count() == 0
    assert page_log.page_errors == []
    context.close()


@pytest.mark.browser
def test_the_form_reopened_offline_after_a_browser_restart_queues_and_sends_a_report(
    browser, live_server, territory, settlement, category, moderator, tmp_path
):
    """Opened once online; the browser closed; started again with no network at all (the
    worker starts from its stored scripts, the page and the manifest from its caches):
    the form opens without one failed fetch, a report waits as a draft, and when the
    network returns it is sent once and is in the moderators' queue."""
    profile = str(tmp_path / "phone-profile")

    def launch(**extra):
        return browser.browser_type.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, **PHONE, **extra
        )

    online = launch()
    page = online.new_page()
    page.goto(f"{live_server.url}/reports/new/")
    page.wait_for_selector("#pick-map[data-offline-ready='1']", state="attached", timeout=30_000)
    online.close()

    phone = launch(offline=True)
    page = phone.new_page()
    errors = _failures(page)
    page.goto(f"{live_server.url}/reports/new/")
    page.wait_for_selector("#pick-map[data-map-ready='true']", timeout=30_000)
    assert page.locator("html").get_attribute("lang") == "uk"
    _fill_and_submit(page, "Міст у Макарисі зламаний")
    page.wait_for_selector("#drafts-list li.waiting")
    assert "Чекає на надсилання" in page.locator("#drafts-list li.waiting").inner_text()
    assert Report.objects.count() == 0

    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#drafts-sent li", timeout=30_000)
    phone.close()

    report = Report.objects.get()
    assert report.description == "Міст у Макарисі зламаний"
    staff = Client()
    staff.force_login(moderator)
    assert report.number in staff.get("/moderation/").content.decode()
    assert errors == [], sorted(set(errors))


@pytest.mark.browser
def test_the_village_stays_drawn_at_street_level_without_signal(
    browser, live_server, territory, settlement, category
):
    """The form opened online keeps the territory's tiles; in the field without signal a
    tap zooms to street level, and the village the pin is in is still drawn there."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/reports/new/")
    page.wait_for_selector("#pick-map[data-map-ready='true']", timeout=30_000)
    page.wait_for_selector("#pick-map[data-offline-ready='1']", state="attached", timeout=30_000)
    assert "Дмитрівка" in rendered(page, "settlements", "name_uk")
    context.set_offline(True)
    tap(page, "#pick-map", 32.7208, 48.7936)
    page.wait_for_function("HromadaMap.view(window.hromadaMap).zoom >= 17")
    wait_idle(page)
    assert "Дмитрівка" in rendered(page, "settlements", "name_uk")
    assert rendered(page, "territory")
    context.close()
