"""/map/ clusters the reports (supercluster, drawn on the Leaflet map by reports/map.js):
a circle with the count at the default view, a click zooms in to where the cluster
splits; the village names step aside from the circles."""

import re

import pytest

from tests.browser.mapclient import click_at, hold_requests, labels, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLUSTERS_DRAWN = (
    "window.hromadaMap && window.hromadaMap.hromada.drawn['report-points-cluster']"
    " && HromadaMap.rendered(window.hromadaMap, 'report-points-cluster').length > 0"
)

# The cluster circles in view: their count, their centre in page pixels and their radius.
CIRCLES_JS = """() => { const m = window.hromadaMap, out = [];
  const c = m.getContainer(), r = c.getBoundingClientRect(), view = m.getBounds();
  m.hromada.drawn['report-points-cluster'].parts.circle.eachLayer((circle) => {
    if (!view.contains(circle.getLatLng())) return;
    const p = m.latLngToContainerPoint(circle.getLatLng());
    out.push({count: circle.feature.properties.point_count,
      lonlat: circle.feature.geometry.coordinates,
      x: r.left + c.clientLeft + p.x, y: r.top + c.clientTop + p.y, radius: circle.getRadius()});
  });
  return out; }"""


def circles(page) -> list[dict]:
    return page.evaluate(CIRCLES_JS)


def doc_zoom(page) -> float:
    return page.evaluate("HromadaMap.view(window.hromadaMap).zoom")


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
    page.wait_for_function(CLUSTERS_DRAWN)
    wait_idle(page)
    found = circles(page)
    counts = [circle["count"] for circle in found]
    assert sum(counts) == 30 and max(counts) > 1
    # Each circle carries its count, written over it.
    written = page.evaluate(
        """() => Array.from(document.querySelectorAll('#report-map .report-cluster-count'))
          .map((n) => { const r = n.getBoundingClientRect();
            return {text: n.textContent, x: r.left + r.width / 2, y: r.top + r.height / 2}; })"""
    )
    assert sorted(int(label["text"]) for label in written) == sorted(counts)
    for circle in found:
        assert any(
            label["text"] == str(circle["count"])
            and abs(label["x"] - circle["x"]) < 2
            and abs(label["y"] - circle["y"]) < 2
            for label in written
        ), circle
    zoom = doc_zoom(page)
    biggest = max(found, key=lambda circle: circle["count"])
    page.mouse.click(biggest["x"], biggest["y"])
    page.wait_for_function(f"HromadaMap.view(window.hromadaMap).zoom > {zoom + 1}", timeout=10_000)
    wait_idle(page)
    # Zoomed in to where it splits: its reports are now drawn as more than one circle.
    page.wait_for_function(
        "HromadaMap.rendered(window.hromadaMap, 'report-points').length"
        " + HromadaMap.rendered(window.hromadaMap, 'report-points-cluster').length > 1"
    )
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
    page.wait_for_function(CLUSTERS_DRAWN)
    anchors = page.evaluate(
        "window.hromadaMap.hromada.style.layers.filter(l => l.type === 'symbol' && l.metadata"
        " && l.metadata['hromada:label'] && l.metadata['hromada:layer'] === 'settlements')"
        ".map(l => l.layout['text-variable-anchor'])"
    )
    assert anchors and all(anchor[0] != "center" for anchor in anchors)
    page.evaluate("HromadaMap.jumpTo(window.hromadaMap, [32.7210, 48.7940], 10)")
    wait_idle(page)
    page.wait_for_function(CLUSTERS_DRAWN)
    assert "Дмитрівка" in labels(page, "settlements")
    # Clear of every cluster circle: no box of the name reaches into a circle.
    boxes = page.evaluate(
        """() => { const m = window.hromadaMap, c = m.getContainer();
          const r = c.getBoundingClientRect(), dx = r.left + c.clientLeft, dy = r.top + c.clientTop;
          return HromadaMap.placedLabels(m).filter((l) => l.source === 'settlements'
              && l.properties.name_uk === 'Дмитрівка')
            .flatMap((l) => l.boxes.map((b) => ({left: b.left + dx, right: b.right + dx,
              top: b.top + dy, bottom: b.bottom + dy}))); }"""
    )
    assert boxes
    for circle in circles(page):
        for box in boxes:
            nearest_x = min(max(circle["x"], box["left"]), box["right"])
            nearest_y = min(max(circle["y"], box["top"]), box["bottom"])
            distance = ((nearest_x - circle["x"]) ** 2 + (nearest_y - circle["y"]) ** 2) ** 0.5
            assert distance >= circle["radius"], (circle, box)
    assert page_log.console_errors == [] and page_log.page_errors == []


VECTOR_TILE = re.compile(r"/tiles/(?P<source>[a-z-]+)/\d+/\d+/\d+\.pbf")


def test_the_village_names_are_drawn_and_their_tiles_asked_once_when_the_reports_come_late(
    browser_page, page_log, live_server, thirty_reports
):
    """On a slow phone the reports arrive after the village names' tiles. Their labels'
    placement beside the clusters is set before the first tiles are asked for, so the
    names are drawn beside the clusters once the reports come, and no tile is asked
    for a second time for it."""
    page = browser_page
    release = hold_requests(page, lambda url: "/reports" in url and "bbox=" in url)
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#report-map[data-map-ready='true']", timeout=30_000)
    wait_idle(page)
    assert "Дмитрівка" in labels(page, "settlements")
    assert page.evaluate("HromadaMap.rendered(window.hromadaMap, 'report-points-cluster')") == []
    assert release() > 0, "the reports were not asked for"
    page.wait_for_function(CLUSTERS_DRAWN)
    wait_idle(page)
    assert "Дмитрівка" in labels(page, "settlements")
    tiles = [url for url in page_log.requests if VECTOR_TILE.search(url)]
    assert any("/tiles/settlements/" in url for url in tiles)
    assert len(tiles) == len(set(tiles)), "a vector tile was asked for twice"
    assert page_log.console_errors == [] and page_log.page_errors == []


# When the list got its first item and when the map was ready (its first "idle": every
# first tile drawn), in ms from navigation (performance.now()).
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
    # The basemap's tiles are the page's images: held back, they hold its "load" back too.
    page.goto(f"{live_server.url}/map/", wait_until="domcontentloaded")
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
        "(side) => { const m = window.hromadaMap;"
        " HromadaMap.jumpTo(m, [32.7200, 48.7930], 18);"
        " m.panBy([-side * m.getContainer().clientWidth, 0], {animate: false}); }",
        side,
    )
    wait_idle(page)
    page.wait_for_function("HromadaMap.rendered(window.hromadaMap, 'report-points').length > 0")
    click_at(page, 32.7200, 48.7930)
    popup = page.locator(".leaflet-popup")
    popup.wait_for()
    # The map may pan to show the popup whole (Leaflet's pan lasts a quarter second).
    page.wait_for_function(
        "() => { const a = window.hromadaMap._panAnim; return !(a && a._inProgress); }"
    )
    # Inside the map and on the screen (the phone's map runs below the fold).
    inside = page.evaluate(
        "() => { const p = document.querySelector('.leaflet-popup').getBoundingClientRect();"
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
