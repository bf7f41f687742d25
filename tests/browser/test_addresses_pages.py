"""`/addresses/` and the staff verification overview in a real headless Chromium."""

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import LineString

from addresses.models import Street
from tests.addresses.conftest import make_address
from tests.browser.mapclient import click_at, rendered, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOUSE_7 = (32.7250, 48.7850)  # lon, lat of Мʼясоїдівська 7
# A typo ("о" for "а"), the ASCII apostrophe instead of the stored ʼ, lower case.
QUERY = "м'ясоїдівсько 7"


@pytest.fixture
def register(settlement, settings):
    settings.BASEMAP_URL = "off"  # no basemap: every request must stay on this machine
    miaso = Street.objects.create(
        settlement=settlement,
        name="Мʼясоїдівська",
        route=LineString((32.715, 48.785), (32.735, 48.785), srid=4326),
    )
    shevchenka = Street.objects.create(settlement=settlement, name="Шевченка")
    for index, number in enumerate(["5", "7", "9"]):
        make_address(miaso, number, HOUSE_7[0] + (index - 1) * 0.0004, HOUSE_7[1])
    make_address(shevchenka, "12", 32.7200, 48.7902, postcode="27422", verified=True)
    make_address(shevchenka, "14", None, None)
    return {"miaso": miaso, "shevchenka": shevchenka}


def search(page, live_server, q):
    page.goto(f"{live_server.url}/addresses/")
    page.wait_for_selector("#address-map[data-ready='true']", timeout=15_000)
    page.fill("#q", q)
    page.press("#q", "Enter")
    page.wait_for_selector(".address-results", timeout=15_000)
    page.wait_for_selector("#address-map[data-ready='true']", timeout=15_000)


def wait_for_popup(page):
    """Wait until the popup is open and its fade-in is over (for the screenshots)."""
    page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'",
        timeout=5_000,
    )


def map_view(page) -> tuple[float, float, int]:
    lat, lon, zoom = page.get_attribute("#address-map", "data-view").split(",")
    return float(lat), float(lon), int(zoom)


def test_a_query_with_a_typo_and_another_apostrophe_finds_the_house(
    browser_page, page_log, live_server, register
):
    search(browser_page, live_server, QUERY)
    first = browser_page.locator(".address-results .address-show").first
    assert first.inner_text() == "Дмитрівка, вул. Мʼясоїдівська, 7"
    assert browser_page.input_value("#q") == QUERY
    assert "Знайдено" in browser_page.locator(".address-count").inner_text()
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert page_log.outside_requests() == []


def test_choosing_a_result_moves_the_map_to_it_and_opens_its_popup(
    browser_page, page_log, live_server, register
):
    search(browser_page, live_server, QUERY)
    browser_page.locator(".address-show", has_text="Мʼясоїдівська, 7").click()
    wait_for_popup(browser_page)
    assert browser_page.locator(".leaflet-popup-content .hromada-popup").inner_text() == (
        "Дмитрівка, вул. Мʼясоїдівська, 7"
    )
    lat, lon, zoom = map_view(browser_page)
    assert (lat, lon) == pytest.approx((HOUSE_7[1], HOUSE_7[0]), abs=1e-4)
    assert zoom == 17
    browser_page.screenshot(path="/tmp/addresses-desktop.png", full_page=True)
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert page_log.outside_requests() == []


def test_every_located_result_is_drawn_on_the_map_and_a_click_opens_its_popup(
    browser_page, page_log, live_server, register
):
    page = browser_page
    search(page, live_server, "Мʼясоїдівська")
    wait_idle(page, "#address-map[data-ready='true']")
    listed = page.locator(".address-results .address-show").all_inner_texts()
    assert len(listed) == 3
    drawn = rendered(page, "results", "label")
    assert sorted(drawn) == sorted(listed)  # all of them in view, each once
    click_at(page, *HOUSE_7)
    wait_for_popup(page)
    assert page.locator(".leaflet-popup-content .hromada-popup").inner_text() == (
        "Дмитрівка, вул. Мʼясоїдівська, 7"
    )
    assert page.locator(".leaflet-popup").count() == 1  # the result's, no register popup
    page.click(".leaflet-popup-close-button")
    assert page.locator(".leaflet-popup").count() == 0
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert page_log.outside_requests() == []


def test_an_address_without_a_point_is_listed_but_not_clickable(
    browser_page, live_server, register
):
    search(browser_page, live_server, "Шевченка 14")
    row = browser_page.locator(".address-results tbody tr").first
    assert "Шевченка, 14" in row.inner_text() and "немає точки на мапі" in row.inner_text()
    assert row.locator(".address-show").count() == 0


def test_nothing_found_and_a_bad_query_are_said_in_ukrainian(browser_page, live_server, register):
    search_page = f"{live_server.url}/addresses/?q="
    browser_page.goto(search_page + "Зюзюкіна 99")
    assert "Нічого не знайдено" in browser_page.locator("main").inner_text()
    response = browser_page.goto(search_page + "ш" * 300)
    assert response.status == 400
    assert "задовгий" in browser_page.locator("[role=alert]").inner_text()


def test_the_register_page_fits_a_phone_and_shows_the_chosen_house(
    phone_page, page_log, live_server, register
):
    search(phone_page, live_server, QUERY)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_page.locator(".address-show", has_text="Мʼясоїдівська, 7").tap()
    wait_for_popup(phone_page)
    assert map_view(phone_page)[2] == 17
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_page.screenshot(path="/tmp/addresses-phone.png", full_page=True)
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert page_log.outside_requests() == []


def _staff_login(page, live_server):
    User.objects.create_user("clerk", password="pw-clerk-123", is_staff=True)
    page.goto(f"{live_server.url}/admin/login/?next=/addresses/verification/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "pw-clerk-123")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/addresses/verification/")


@pytest.mark.parametrize("device", ["browser_page", "phone_page"])
def test_verification_overview_lists_counts_and_problems_in_ukrainian(
    request, device, page_log, live_server, register
):
    make_address(register["shevchenka"], "31", 32.7300, 48.7990)  # shares the point below
    make_address(register["miaso"], "11", 32.7300, 48.7990)  # ~1.5 km from its street
    page = request.getfixturevalue(device)
    _staff_login(page, live_server)
    table = page.locator(".verification-table")
    assert "Без поштового індексу" in table.inner_text()
    assert "Дмитрівка" in table.locator("tbody tr").first.inner_text()
    problem = page.locator(".problems li[data-kind='far_from_street']").first
    assert "Далеко від вулиці" in problem.inner_text()
    assert "far_from_street" not in problem.inner_text()
    width = 1280 if device == "browser_page" else 360
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=f"/tmp/addresses-verification-{device}.png", full_page=True)
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert page_log.outside_requests() == []
