"""/map/ clusters the reports (MapLibre GeoJSON clustering): a circle with the count at
the default view, a click zooms in to where the cluster splits."""

import pytest

from tests.browser.mapclient import (
    click_at,
    hold_requests,
    record_tile_reloads,
    tile_reloads,
    wait_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLUSTERS = "window.hromadaMap.queryRenderedFeatures({layers: ['report-points-cluster']})"


@pytest.fixture
def thirty_reports(make_report, settings):
    settings.BASEMAP_URL = ""
    for index in range(30):
        make_report(lat=48.7930 + (index % 6) * 0.0004, lon=32.7200 + (index // 6) * 0.0004)


def test_reports_in_one_village_are_one_cluster_with_a_count_that_zooms_in(
    browser_page, page_log, live_server, thirty_reports
):
    page = browser_page
    page.goto(f"{live_server.url}/map/")
    page.locator("#report-list li").nth(29).wait_for()
    page.wait_for_function(
        "window.hromadaMap && window.hromadaMap.getLayer('report-points-cluster')"
        f" && {CLUSTERS}.length > 0"
    )
    counts = page.evaluate(f"{CLUSTERS}.map(f => f.properties.point_count)")
    assert sum(counts) == 30 and max(counts) > 1
    assert page.evaluate(
        "window.hromadaMap.queryRenderedFeatures({layers: ['report-points-count']}).length"
    ) == len(counts)
    zoom = page.evaluate("window.hromadaMap.getZoom()")
    x, y = page.evaluate(
        f"(() => {{ const f = {CLUSTERS}[0]; const p = window.hromadaMap"
        ".project(f.geometry.coordinates); const r = window.hromadaMap.getCanvas()"
        ".getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; })()"
    )
    page.mouse.click(x, y)
    page.wait_for_function(f"window.hromadaMap.getZoom() > {zoom + 1}", timeout=10_000)
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert page_log.outside_requests() == []


def test_the_village_name_is_drawn_beside_its_cluster_not_under_it(
    browser_page, page_log, live_server, thirty_reports
):
    """The cluster sits on the village's centre, where its name used to be drawn (under
    the circle, first letters hidden). The name now steps aside, clear of the circle,
    from the desktop's whole-territory zoom in; where it finds no room (a phone's
    smaller zoom) it is left out rather than drawn under the circle."""
    page = browser_page
    page.goto(f"{live_server.url}/map/")
    page.wait_for_function(
        "window.hromadaMap && window.hromadaMap.getLayer('report-points-cluster')"
        f" && {CLUSTERS}.length > 0"
    )
    labels = page.evaluate(
        "window.hromadaMap.getStyle().layers.filter(l => l.type === 'symbol' && l.metadata"
        " && l.metadata['hromada:label'] && l.metadata['hromada:layer'] === 'settlements')"
        ".map(l => l.id)"
    )
    assert labels
    anchors = page.evaluate(
        f"window.hromadaMap.getLayoutProperty('{labels[0]}', 'text-variable-anchor')"
    )
    assert anchors[0] != "center"
    page.evaluate("window.hromadaMap.jumpTo({center: [32.7210, 48.7940], zoom: 10})")
    wait_idle(page)
    page.wait_for_function(
        f"window.hromadaMap.queryRenderedFeatures({{layers: ['{labels[0]}']}})"
        ".some(f => f.properties.name_uk === 'Дмитрівка')"
        f" && {CLUSTERS}.length > 0"
    )
    assert page_log.console_errors == [] and page_log.page_errors == []


def test_the_village_names_are_not_parsed_again_when_the_reports_come_late(
    browser_page, page_log, live_server, thirty_reports
):
    """On a slow phone the reports arrive after the village names' tiles. Their labels'
    placement beside the clusters is set before the first tiles are asked for, so the
    names' tiles are parsed once, not a second time when the reports are drawn."""
    page = browser_page
    record_tile_reloads(page)
    release = hold_requests(page, lambda url: "/reports" in url and "bbox=" in url)
    page.goto(f"{live_server.url}/map/")
    page.wait_for_function(
        "window.hromadaMap && window.hromadaMap.getSource('settlements')"
        " && window.hromadaMap.isSourceLoaded('settlements')"
    )
    assert release() > 0, "the reports were not asked for"
    page.wait_for_function(
        f"window.hromadaMap.getLayer('report-points-cluster') && {CLUSTERS}.length > 0"
    )
    wait_idle(page)
    assert tile_reloads(page, "settlements") == 0
    assert page_log.console_errors == [] and page_log.page_errors == []


# When the list got its first item and when the map was ready (its "load": every first
# tile drawn), in ms from navigation (performance.now()).
LIST_AND_MAP_TIMES_JS = """document.addEventListener("DOMContentLoaded", () => {
  const list = document.getElementById("report-list");
  const map = document.getElementById("report-map");
  new MutationObserver(() => {
    if (list.children.length && !window.__listedAt) { window.__listedAt = performance.now(); }
  }).observe(list, { childList: true });
  new MutationObserver(() => {
    if (map.hasAttribute("data-map-ready") && !window.__drawnAt) {
      window.__drawnAt = performance.now();
    }
  }).observe(map, { attributes: true });
});"""


def test_the_first_list_is_written_once_the_map_is_drawn(
    browser_page, page_log, live_server, thirty_reports
):
    """On the bench's slow phone writing the list (84 ms there) fell inside the map's
    loading when it waited only for a free moment: the first list waits for the map's
    first tiles to be drawn (or 5 s at most), here held back by a slow basemap."""
    page = browser_page
    page.add_init_script(LIST_AND_MAP_TIMES_JS)
    release = hold_requests(page, "**/basemap/**")
    page.goto(f"{live_server.url}/map/")
    page.wait_for_function("document.getElementById('report-count').textContent === '30'")
    page.wait_for_timeout(700)  # a free moment for the old list, had it not waited
    assert release() > 0, "no basemap tile was asked for"
    page.locator("#report-list li").nth(29).wait_for()
    page.wait_for_selector("#report-map[data-map-ready]")
    listed, drawn = page.evaluate("[window.__listedAt, window.__drawnAt]")
    assert drawn is not None and (listed >= drawn or listed >= 5000)
    assert page_log.console_errors == [] and page_log.page_errors == []


@pytest.mark.parametrize("side", [-0.12, 0.12])
def test_a_report_popup_on_a_phone_stays_whole_inside_the_map(
    phone_page, page_log, live_server, make_report, settings, side
):
    """A report a little left or right of the middle of a 360 px phone's map: its popup
    (280 px wide) once opened beside it, 80 px off the screen with the report's link;
    it must open whole inside the map, its link tappable."""
    settings.BASEMAP_URL = ""
    description = "Стихійне сміттєзвалище за ставком, сміття розносить вітер по всій вулиці. " * 3
    report = make_report(lat=48.7930, lon=32.7200, description=description)
    page = phone_page
    page.goto(f"{live_server.url}/map/")
    page.locator("#report-list li").first.wait_for()
    wait_idle(page)
    page.evaluate(
        "(side) => { const m = window.hromadaMap; m.jumpTo({center: [32.7200, 48.7930],"
        " zoom: 18}); m.panBy([-side * m.getContainer().clientWidth, 0], {animate: false}); }",
        side,
    )
    wait_idle(page)
    page.wait_for_function(
        "window.hromadaMap.queryRenderedFeatures({layers: ['report-points-circle']}).length > 0"
    )
    click_at(page, 32.7200, 48.7930)
    popup = page.locator(".maplibregl-popup")
    popup.wait_for()
    # Inside the map and on the screen (the phone's map runs below the fold).
    inside = page.evaluate(
        "() => { const p = document.querySelector('.maplibregl-popup').getBoundingClientRect();"
        " const m = window.hromadaMap.getContainer().getBoundingClientRect();"
        " const top = Math.max(m.top, 0), bottom = Math.min(m.bottom, window.innerHeight);"
        " return [p.left - m.left, m.right - p.right, p.top - top, bottom - p.bottom]; }"
    )
    assert min(inside) >= 0, f"popup off the map's visible part by {inside} px (l, r, t, b)"
    link = popup.locator("a", has_text=report.number)
    assert link.is_visible()
    # Not under a control of the map (the address search, the zoom buttons): the link is
    # what a finger on it touches.
    assert link.evaluate(
        "(a) => { const r = a.getBoundingClientRect(); const x = r.left + r.width / 2;"
        " return a.contains(document.elementFromPoint(x, r.top + r.height / 2)); }"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page_log.console_errors == [] and page_log.page_errors == []
