"""The admin's map widget in a real headless Chromium: OpenLayers from our static files."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def admin_login(page, live_server, user):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def test_facility_admin_map_widget_loads_only_local_assets(
    browser_page, page_log, live_server, admin_user, facility
):
    admin_login(browser_page, live_server, admin_user)
    browser_page.goto(f"{live_server.url}/admin/layers/facility/{facility.pk}/change/")
    browser_page.wait_for_selector("#id_location_map canvas", timeout=15_000)
    assert browser_page.locator("#id_location_map .ol-viewport").count() == 1
    # The stored point is in the serialized field the widget edits (GeoJSON, EPSG:3857).
    assert '"type":"Point"' in browser_page.locator("#id_location").input_value().replace(" ", "")
    assert page_log.page_errors == []
    assert page_log.console_errors == []
    assert page_log.outside_requests() == []
    browser_page.screenshot(path="/tmp/admin-facility.png", full_page=True)
