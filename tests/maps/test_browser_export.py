"""The downloaded map opens offline: from file://, every other request refused."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_saved_map_draws_its_layers_with_no_network(
    client, settlement, facility, tmp_path, browser_page, page_log
):
    saved = tmp_path / "map.html"
    saved.write_bytes(client.get("/maps/export.html").content)
    file_url = saved.as_uri()

    def only_the_file(route):
        if route.request.url == file_url:
            route.continue_()
        else:
            route.abort()

    browser_page.context.route("**/*", only_the_file)
    browser_page.goto(file_url)
    browser_page.wait_for_selector(".leaflet-interactive", timeout=10_000)
    assert browser_page.locator("path.leaflet-interactive").count() >= 3
    assert browser_page.locator(".hromada-legend").is_visible()
    assert page_log.requests == [file_url]
    assert page_log.console_errors == [] and page_log.page_errors == []
