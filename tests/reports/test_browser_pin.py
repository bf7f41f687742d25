"""The report form's map on a phone (Leaflet, layers/map.js): a tap places the pin and zooms to
street level, the pin can be dragged, the nearest address is written under the map, and
the address search flies to a house. Everything from this machine, nothing logged."""

import pytest
from django.contrib.gis.geos import LineString

from addresses.models import Street
from tests.addresses.conftest import make_address

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHEVCHENKA_12 = (32.7200, 48.7902)  # lon, lat


@pytest.fixture
def houses(settlement, settings):
    settings.BASEMAP_URL = ""
    street = Street.objects.create(
        settlement=settlement,
        name="Шевченка",
        route=LineString((32.716, 48.7902), (32.724, 48.7902), srid=4326),
    )
    make_address(street, "12", *SHEVCHENKA_12)
    make_address(street, "40", SHEVCHENKA_12[0] + 0.001, SHEVCHENKA_12[1])
    return street


def open_form(page, live_server):
    page.goto(f"{live_server.url}/reports/new/")
    page.wait_for_selector("#pick-map[data-map-ready='true']", timeout=20_000)
    track_moves(page)


# The map of `selector` as a page script sees it (a Leaflet map, layers/map.js).
MAP_JS = "document.querySelector(sel).hromadaMap"


def screen_point(page, selector, lon, lat) -> tuple[float, float]:
    """The page coordinates of (lon, lat) on the map in `selector` (Leaflet's container
    points start inside the element's border)."""
    x, y = page.evaluate(
        f"""([sel, lon, lat]) => {{ const m = {MAP_JS};
          const p = m.latLngToContainerPoint([lat, lon]), c = m.getContainer();
          const r = c.getBoundingClientRect();
          return [r.left + c.clientLeft + p.x, r.top + c.clientTop + p.y]; }}""",
        [selector, lon, lat],
    )
    return x, y


def tap(page, selector, lon, lat):
    page.mouse.click(*screen_point(page, selector, lon, lat))


def track_moves(page, selector="#pick-map"):
    """Follow whether a move of the map is under way from now on (Leaflet has no
    isMoving(): a zoom, a pan or a flight runs from its "movestart" to its "moveend"; a
    move interrupted by another ends with the other's "moveend")."""
    page.evaluate(
        f"""(sel) => {{ const m = {MAP_JS};
          if (m.__moving !== undefined) return;
          m.__moving = false;
          m.on("movestart", () => {{ m.__moving = true; }});
          m.on("moveend", () => {{ m.__moving = false; }}); }}""",
        selector,
    )


def map_state(page, selector="#pick-map"):
    """The map's zoom (the style document's, as HromadaMap gives it) and whether it moves."""
    return page.evaluate(
        f"""(sel) => {{ const m = {MAP_JS};
          return {{zoom: HromadaMap.view(m).zoom, moving: m.__moving}}; }}""",
        selector,
    )


def wait_still(page, selector="#pick-map"):
    """Wait until no move of the map is under way and its tiles are drawn."""
    page.wait_for_function(f"(sel) => {MAP_JS}.__moving === false", arg=selector)
    page.evaluate(f"(sel) => HromadaMap.whenIdle({MAP_JS}).then(() => true)", selector)


def pin_at(page) -> tuple[float, float]:
    lat = float(page.input_value("input[name=lat]"))
    lon = float(page.input_value("input[name=lon]"))
    return lon, lat


def tap_and_zoom(page, lon, lat):
    """Tap at the overview (a pixel is ~100 m there), then once more at street level, with
    the place in view clear of the controls, as a person would pan it there."""
    tap(page, "#pick-map", lon, lat)
    wait_still(page)
    assert map_state(page)["zoom"] >= 17
    page.evaluate(
        "([lon, lat]) => HromadaMap.jumpTo(document.querySelector('#pick-map').hromadaMap,"
        " [lon, lat])",
        [lon, lat],
    )
    wait_still(page)
    tap(page, "#pick-map", lon, lat)
    wait_still(page)


def test_a_tap_places_the_pin_zooms_to_street_level_and_names_the_nearest_address(
    phone_page, page_log, live_server, houses
):
    page = phone_page
    open_form(page, live_server)
    tap_and_zoom(page, SHEVCHENKA_12[0] + 0.0002, SHEVCHENKA_12[1] + 0.0001)
    page.wait_for_function("document.getElementById('place-address').textContent.length > 0")
    assert page.inner_text("#place-address") == "біля вул. Шевченка, 12, Дмитрівка"
    assert page.locator("#pick-map .hromada-pin").count() == 1
    lon, lat = pin_at(page)
    expected = (SHEVCHENKA_12[0] + 0.0002, SHEVCHENKA_12[1] + 0.0001)
    assert (lon, lat) == pytest.approx(expected, abs=3e-5)
    page.screenshot(path="/tmp/shots-client/reports-new-tap-360.png", full_page=True)
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert page_log.outside_requests() == []


def test_the_pin_can_be_dragged_and_the_fields_follow(browser_page, page_log, live_server, houses):
    page = browser_page  # a mouse drag (Playwright has no touch drag)
    open_form(page, live_server)
    tap_and_zoom(page, *SHEVCHENKA_12)
    page.wait_for_function("document.getElementById('place-address').textContent.length > 0")
    marker = page.locator("#pick-map .hromada-pin").bounding_box()
    start = (marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] * 0.3)
    target = screen_point(page, "#pick-map", SHEVCHENKA_12[0] + 0.001, SHEVCHENKA_12[1])
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + (target[0] - start[0]) / 2, start[1], steps=5)
    page.mouse.move(target[0], start[1], steps=5)
    page.mouse.up()
    page.wait_for_function("document.getElementById('place-address').textContent.includes('40')")
    lon, _lat = pin_at(page)
    assert lon == pytest.approx(SHEVCHENKA_12[0] + 0.001, abs=3e-4)
    assert page.inner_text("#place-address") == "біля вул. Шевченка, 40, Дмитрівка"
    assert page_log.console_errors == [] and page_log.page_errors == []


def test_the_search_box_flies_to_the_address_and_places_the_pin(
    phone_page, page_log, live_server, houses
):
    page = phone_page
    open_form(page, live_server)
    search = page.get_by_role("searchbox", name="Знайти адресу")
    search.fill("шевченко 12")  # a typo: the register's search is typo-tolerant
    page.locator(".hromada-search-result", has_text="Шевченка, 12").click()
    wait_still(page)
    centre = page.evaluate(
        "() => HromadaMap.view(document.querySelector('#pick-map').hromadaMap).center"
    )
    assert centre == pytest.approx(list(SHEVCHENKA_12), abs=1e-4)
    assert map_state(page)["zoom"] == pytest.approx(17)
    assert pin_at(page) == pytest.approx(SHEVCHENKA_12, abs=1e-5)
    assert page_log.console_errors == [] and page_log.page_errors == []


def test_tapping_far_from_any_address_logs_no_error(phone_page, page_log, live_server, houses):
    page = phone_page
    open_form(page, live_server)
    tap(page, "#pick-map", 32.80, 48.70)
    wait_still(page)
    page.wait_for_function("document.getElementById('place-status').textContent.length > 0")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#place-address") == ""
    assert page_log.console_errors == [] and page_log.page_errors == []
