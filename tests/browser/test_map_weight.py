"""A map page stays light with many addresses: they come as vector tiles, by the view.

20,000 addresses (1,667 in each of the 12 villages) are written with COPY, once for the
module (both tests only read them); the landing page must draw those in view from a few
tiles and never fetch the register whole.
"""

from urllib.parse import urlsplit

import pytest

from addresses.models import Address, Street
from tests.browser.mapclient import click_at, jump, rendered, wait_idle
from tests.browser.test_landing import Landing, make_villages, open_landing
from tests.conftest import make_territory
from tests.helpers.db import copy_rows
from tests.helpers.live import committed_site

# `django_db` (not transactional): a transactional test's flush would empty the module's
# committed register under the other test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ADDRESSES = 20_000
DATA_PATHS = ("/api/", "/tiles/", "/ogc/")
DATA_BUDGET_BYTES = 2_000_000
GRID = 41  # addresses per row of a village's grid, about 35 m apart


def write_many_addresses(villages) -> None:
    """ADDRESSES active addresses on one street per village, in a grid around its centre."""
    per_village = -(-ADDRESSES // len(villages))
    rows = []
    for village in villages:
        street = Street.objects.create(settlement=village, name="Шевченка")
        x, y = village.centre.coords
        for n in range(1, per_village + 1):
            dx, dy = (n % GRID - GRID // 2) * 0.0005, (n // GRID - GRID // 2) * 0.0003
            rows.append(
                {
                    "street_id": street.pk,
                    "settlement_id": village.pk,
                    "house_number": str(n),
                    "number": n,
                    "location": f"SRID=4326;POINT({x + dx!r} {y + dy!r})",
                }
            )
    copy_rows(Address, rows[:ADDRESSES])


@pytest.fixture(scope="module")
def many_addresses(django_db_setup, django_db_blocker):
    """The 12 villages with their ADDRESSES addresses, committed once and served on a
    thread of their own for the module; flushed after it (tests/helpers/live.py)."""

    def load():
        villages = make_villages(make_territory())
        write_many_addresses(villages)
        return villages

    with committed_site(django_db_blocker, load) as (url, villages):
        yield Landing(url, villages, [])


def is_tile_of(response, layer: str) -> bool:
    """Tell whether a response is a /tiles/ tile (one or several layers) holding `layer`."""
    parts = urlsplit(response.url).path.split("/")
    return len(parts) == 6 and parts[1] == "tiles" and layer in parts[2].split(",")


class DataResponses:
    """Every response of the page to a data path (/api/, /tiles/, /ogc/)."""

    def __init__(self, page):
        self.responses = []
        page.on("response", self._keep)

    def _keep(self, response):
        if urlsplit(response.url).path.startswith(DATA_PATHS):
            self.responses.append(response)

    def wire_bytes(self) -> int:
        """Bytes of the response bodies as sent (gzip where the server compressed them).

        Chromium keeps no body of a response read as an array buffer (the map's tile
        fetches), so the sizes come from the network layer, not from `response.body()`.
        """
        return sum(r.request.sizes()["responseBodySize"] for r in self.responses)

    def tiles(self, layer: str) -> list:
        return [r for r in self.responses if is_tile_of(r, layer)]


def zoom_to(page, lat: float, lon: float, zoom: int) -> None:
    """Move the page's map (window.hromadaMap) without animation."""
    jump(page, lon, lat, zoom)


def drawn_features(page) -> int:
    """Count the address features the map draws in view from its loaded tiles."""
    return len(rendered(page, "addresses"))


def test_landing_with_20000_addresses_loads_only_the_tiles_in_view(
    browser_page, page_log, many_addresses
):
    assert Address.objects.count() == ADDRESSES
    data = DataResponses(browser_page)
    open_landing(browser_page, many_addresses)
    # Overview zoom: below the addresses' min zoom, not one address is fetched.
    assert data.tiles("addresses") == []
    dmytrivka = many_addresses.villages[0].centre
    with browser_page.expect_response(
        lambda r: is_tile_of(r, "addresses") and r.status == 200, timeout=20_000
    ):
        zoom_to(browser_page, dmytrivka.y, dmytrivka.x, 16)
    browser_page.wait_for_load_state("networkidle")
    wait_idle(browser_page)  # the tiles arrived; now drawn
    with_data = [
        r
        for r in data.tiles("addresses")
        if r.status == 200 and r.request.sizes()["responseBodySize"] > 0
    ]
    assert with_data, "no address tile carried data"
    assert all(r.headers["content-type"] == "application/vnd.mapbox-vector-tile" for r in with_data)
    assert drawn_features(browser_page) > 100
    assert data.wire_bytes() < DATA_BUDGET_BYTES
    assert not any("/api/v1/addresses" in r.url for r in data.responses)
    assert page_log.console_errors == [] and page_log.page_errors == []


def test_address_popup_comes_from_the_registry(browser_page, many_addresses):
    open_landing(browser_page, many_addresses)
    dmytrivka = many_addresses.villages[0].centre
    with browser_page.expect_response(lambda r: is_tile_of(r, "addresses") and r.status == 200):
        zoom_to(browser_page, dmytrivka.y, dmytrivka.x, 18)
    browser_page.wait_for_load_state("networkidle")
    # Address n=1 of the first village: one grid step east of the column's west end.
    n = 1
    lon = dmytrivka.x + (n % GRID - GRID // 2) * 0.0005
    lat = dmytrivka.y + (n // GRID - GRID // 2) * 0.0003
    zoom_to(browser_page, lat, lon, 18)
    wait_idle(browser_page)
    # Its number drawn once: the own basemap's copy of the register is left out where the
    # page shows the register itself (it drew each number twice, beside and under).
    numbers_js = (
        "() => HromadaMap.placedLabels(window.hromadaMap).filter((l) =>"
        " String(l.properties.house_number) === '1').map((l) => l.layer)"
    )
    assert browser_page.evaluate(numbers_js) == ["addresses-label"]
    # The register switched off: the basemap's own numbers come back in its place.
    browser_page.evaluate("() => HromadaMap.show(window.hromadaMap, 'addresses', false)")
    wait_idle(browser_page)
    assert browser_page.evaluate(numbers_js) == ["basemap-house-numbers"]
    browser_page.evaluate("() => HromadaMap.show(window.hromadaMap, 'addresses', true)")
    wait_idle(browser_page)
    expected = f"{many_addresses.villages[0].name_uk}, вул. Шевченка, 1"
    popup = browser_page.locator(".leaflet-popup-content")
    # On a loaded machine the address tile may be drawn after the first click, which
    # then opens the village's popup; a person would click again, and so does the test.
    for _attempt in range(5):
        click_at(browser_page, lon, lat)
        popup.wait_for(timeout=5_000)
        text = popup.inner_text()
        if expected in text:
            break
        browser_page.wait_for_timeout(500)
    assert expected in text
