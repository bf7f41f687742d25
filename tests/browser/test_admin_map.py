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


def test_address_admin_map_shows_the_registers_streets_and_house_numbers(
    browser_page, page_log, live_server, admin_user, settlement
):
    """An editor places a house among the streets and numbers already registered: the
    register's own vector tiles are drawn under the editing layer (layers/widgets.py)."""
    from django.contrib.gis.geos import LineString, Point

    from addresses.models import Address, Street

    street = Street.objects.create(
        settlement=settlement,
        name="Шевченка",
        route=LineString((32.7195, 48.7930), (32.7225, 48.7930), srid=4326),
    )
    edited, neighbour = (
        Address.objects.create(
            street=street,
            settlement=settlement,
            house_number=number,
            number=int(number),
            location=Point(lon, 48.7932, srid=4326),
        )
        for number, lon in (("10", 32.7205), ("12", 32.7210))
    )
    admin_login(browser_page, live_server, admin_user)
    browser_page.goto(f"{live_server.url}/admin/addresses/address/{edited.pk}/change/")
    browser_page.wait_for_selector("#id_location_map canvas", timeout=15_000)
    browser_page.wait_for_load_state("networkidle")
    found = browser_page.evaluate(
        """([lon, lat]) => {
            const widget = Object.values(window).find(v => v && v.map && v.map.getView);
            const map = widget.map;
            map.getView().setZoom(17);
            map.getView().setCenter(ol.proj.fromLonLat([lon, lat]));
            return new Promise(resolve => map.once("rendercomplete", () => {
                const pixel = map.getPixelFromCoordinate(ol.proj.fromLonLat([lon, lat]));
                resolve(map.getFeaturesAtPixel(pixel, {hitTolerance: 4})
                    .map(f => f.get("house_number") || f.get("label") || null));
            }));
        }""",
        [32.7210, 48.7932],
    )
    assert "12" in found
    requested = " ".join(page_log.requests)
    assert "/tiles/addresses/" in requested and "/tiles/streets/" in requested
    assert page_log.page_errors == [] and page_log.console_errors == []
    assert page_log.outside_requests() == []
    assert "Features" not in browser_page.locator(".clear_features").inner_text()
