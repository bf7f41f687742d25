"""Headless Chromium files a report on /reports/new/ by tapping the map, then finds it on
/map/ — at phone width (360 px). Screenshots go to var/screenshots/ for a person to look at.
"""

import re
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from reports.models import Report
from tests.browser.mapclient import click_at, rendered, wait_idle
from tests.reports.test_browser_pin import tap

PHONE = {"width": 360, "height": 740}
SCREENSHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"


def _fits_phone_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.browser
def test_a_resident_files_a_report_by_tapping_the_map_and_finds_it_on_the_map(
    phone_page, page_log, live_server, territory, settlement, category
):
    page = phone_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/reports/new/")
    page.wait_for_selector("#pick-map[data-map-ready='true']", timeout=20_000)
    tap(page, "#pick-map", 32.7208, 48.7936)  # inside Dmytrivka
    page.wait_for_function(
        "document.getElementById('place-status').textContent.includes('Дмитрівка')"
    )
    page.select_option("select[name=category]", "roads")
    page.select_option("select[name=a-roads-size]", "large")
    page.fill("textarea[name=description]", "Глибока яма <b>біля</b> зупинки")
    assert _fits_phone_width(page)
    page.screenshot(path=str(SCREENSHOTS / "reports-new-360.png"), full_page=True)
    page.click("#submit-report")
    page.wait_for_url("**/reports/follow/**")

    report = Report.objects.get()
    assert report.settlement == settlement and report.answers == {"size": "large"}
    assert report.number in page.inner_text("h1")

    page.goto(f"{live_server.url}/map/")
    item = page.locator("#report-list li", has_text=report.number)
    item.wait_for()
    # One report: drawn as a single circle (no cluster) of the clustered reports.
    page.wait_for_function(
        "window.hromadaMap && window.hromadaMap.hromada.drawn['report-points'] &&"
        " HromadaMap.rendered(window.hromadaMap, 'report-points')"
        ".some(f => f.properties.status === 'new')"
    )
    assert rendered(page, "report-points-cluster") == []
    assert _fits_phone_width(page)
    page.screenshot(path=str(SCREENSHOTS / "reports-map-360.png"), full_page=True)

    # A tap on the circle opens its popup with the "me too" count in the page's plural form.
    Report.objects.filter(pk=report.pk).update(supporters_count=3)
    page.reload()
    page.wait_for_function(
        "window.hromadaMap && window.hromadaMap.hromada.drawn['report-points'] &&"
        " HromadaMap.rendered(window.hromadaMap, 'report-points').length > 0"
    )
    wait_idle(page)
    click_at(page, report.location.x, report.location.y)
    page.locator(".leaflet-popup", has_text="3 людини сказали «і в мене»").wait_for()
    item = page.locator("#report-list li", has_text=report.number)

    item.locator("a").click()
    page.wait_for_url(f"**/reports/{report.number}/")
    assert "<b>біля</b>" in page.inner_text(".description")  # shown as text, not bold
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert page_log.outside_requests() == []


@pytest.mark.browser
def test_the_form_offers_an_open_report_nearby_and_me_too_counts_it(
    phone_page, page_log, live_server, make_report
):
    existing = make_report(lat=48.8000, lon=32.7200)
    page = phone_page
    page.goto(f"{live_server.url}/reports/new/")
    page.wait_for_selector("#pick-map[data-map-ready='true']", timeout=20_000)
    page.evaluate(
        "document.querySelector('input[name=lat]').value = '48.800100';"
        "document.querySelector('input[name=lon]').value = '32.720100';"
    )
    page.select_option("select[name=category]", "roads")
    page.select_option("select[name=a-roads-size]", "small")
    page.fill("textarea[name=description]", "Та сама яма")
    page.click("#submit-report")
    page.locator("#nearby-list li", has_text=existing.number).wait_for()
    page.screenshot(path=str(SCREENSHOTS / "reports-nearby-360.png"), full_page=True)
    page.click("#nearby-list .me-too")
    page.locator("#me-too-done").wait_for()
    existing.refresh_from_db()
    assert existing.supporters_count == 1
    assert Report.objects.count() == 1
    assert page_log.console_errors == [] and page_log.page_errors == []


@pytest.mark.browser
def test_the_english_map_lists_and_pops_up_reports_with_english_names(
    browser_page, page_log, live_server, make_report
):
    """The list and popups named category and village in Ukrainian on the English page."""
    report = make_report(lat=48.7936, lon=32.7208)
    page = browser_page
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/map/")
    item = page.locator("#report-list li", has_text=report.number)
    item.wait_for()
    assert "Roads · Dmytrivka" in item.inner_text()
    assert "Дороги" not in item.inner_text() and "Дмитрівка" not in item.inner_text()
    # What was written (the reporter's words) and how long ago, in the page's language.
    assert item.locator(".report-list-summary").inner_text() == report.description
    age = item.locator("time.report-list-age")
    # PostgreSQL's JSON drops a fraction's trailing zeros: compare the times, not the text.
    assert datetime.fromisoformat(age.get_attribute("datetime")) == report.created_at
    assert re.fullmatch(r"this minute|\d+ minutes? ago", age.inner_text())
    assert page_log.console_errors == [] and page_log.page_errors == []


@pytest.mark.browser
def test_a_tap_on_the_subscription_map_chooses_a_circle_and_subscribing_keeps_it(
    phone_page, page_log, live_server, territory, settlement
):
    """/reports/subscribe/: a tap fills the place's fields and draws the circle of the
    chosen radius; the subscription sent keeps that centre and radius."""
    from reports.models import Subscription

    page = phone_page
    page.goto(f"{live_server.url}/reports/subscribe/")
    wait_idle(page, "#pick-map[data-map-ready='true']")
    lon, lat = 32.7208, 48.7936
    tap(page, "#pick-map", lon, lat)
    page.wait_for_function("document.querySelector('[name=lat]').value !== ''")
    chosen = (float(page.input_value("[name=lon]")), float(page.input_value("[name=lat]")))
    assert chosen == pytest.approx((lon, lat), abs=3e-3)  # two pixels of the overview
    assert "Місце обрано" in page.inner_text("#place-status")
    assert len(rendered(page, "chosen-circle")) >= 1
    page.fill("[name=radius_m]", "800")
    page.fill("[name=email]", "resident@example.org")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("form.report-form > button[type=submit]")  # not the map's search
    subscription = Subscription.objects.get(email="resident@example.org")
    assert subscription.radius_m == 800 and subscription.settlement is None
    centre = (subscription.centre.x, subscription.centre.y)
    assert centre == pytest.approx(chosen, abs=1e-6)
    assert page_log.console_errors == [] and page_log.page_errors == []
