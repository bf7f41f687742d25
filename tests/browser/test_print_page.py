"""The print layout page in Chromium: draw the area on the map, see the preview, make
the council pack with its progress bar and download it (issue #19, item 7)."""

import os
import re
import threading
from pathlib import Path

import pytest

from bench.pages import new_context
from tests.browser.mapclient import WAIT_MS, wait_idle
from tests.conftest import PageLog, logged_page
from tests.maps.test_pack_jobs import run_one_queued_task

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    pytest.mark.usefixtures("database_open"),
]
# Screenshots kept for people to look at (tests/README.md, rule 2).
SHOTS = Path(os.environ.get("HROMADA_SHOTS", "/tmp/print2"))
BBOX = re.compile(r"^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$")


def worker_for_one_job() -> None:
    """Run the worker's code for the queued job in a thread of its own: its connection
    commits as a worker process's would, so the server thread sees the progress (the
    test's own connection is inside the test's transaction)."""
    from django.db import connection

    def work():
        try:
            run_one_queued_task()
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


def open_print(browser, site, width, language, log):
    context = new_context(browser, site.url, width, language)
    context.add_cookies(site.staff_cookies)
    page = logged_page(context, log)
    page.goto(f"{site.url}/maps/print/")
    return context, page


def _drag_by_touch(page, points) -> None:
    """A finger put down at the first point, moved through the others, lifted at the last
    (Chromium's own touch input: the page sees touch and pointer events as from a phone)."""
    cdp = page.context.new_cdp_session(page)
    try:
        first, *rest = points
        touch = {"type": "touchStart", "touchPoints": [{"x": first[0], "y": first[1]}]}
        cdp.send("Input.dispatchTouchEvent", touch)
        for x, y in rest:
            cdp.send(
                "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
            )
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        cdp.detach()


def _steps(start, end, count):
    return [
        (start[0] + (end[0] - start[0]) * i / count, start[1] + (end[1] - start[1]) * i / count)
        for i in range(1, count + 1)
    ]


def _lon_lat_at(page, x, y):
    return page.evaluate(
        """([x, y]) => { const at = window.hromadaMap.mouseEventToLatLng({clientX: x, clientY: y});
          return [at.lng, at.lat]; }""",
        [x, y],
    )


def draw_area(page, touch: bool = False) -> tuple[str, list[float]]:
    """Choose "an area drawn on the map" and drag a rectangle across the map's middle, by
    mouse or by a finger; return the form's area and the one under the dragged corners."""
    page.check("input[name=extent][value=bbox]")
    wait_idle(page)
    view = page.evaluate("() => HromadaMap.view(window.hromadaMap)")
    page.click("#draw-area")
    assert page.get_attribute("#draw-area", "aria-pressed") == "true"
    box = page.locator("#print-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    start = (cx - box["width"] / 5, cy - box["height"] / 5)
    end = (cx + box["width"] / 5, cy + box["height"] / 6)
    corners = [_lon_lat_at(page, *start), _lon_lat_at(page, *end)]
    if touch:
        _drag_by_touch(page, [start, *_steps(start, (cx, cy), 4), *_steps((cx, cy), end, 4)])
    else:
        page.mouse.move(*start)
        page.mouse.down()
        page.mouse.move(cx, cy, steps=4)
        page.mouse.move(*end, steps=4)
        page.mouse.up()
    # The map stood still under the drag, and drawing is over once the rectangle is drawn.
    assert page.evaluate("() => HromadaMap.view(window.hromadaMap)") == view
    assert page.get_attribute("#draw-area", "aria-pressed") == "false"
    (west, north), (east, south) = corners
    return page.input_value("input[name=bbox]"), [west, south, east, north]


def drawn_area(page) -> list[float]:
    """The bounds of the rectangle drawn on the map (the page data "print-area")."""
    return page.evaluate(
        """() => { const drawn = window.hromadaMap.hromada.drawn["print-area"];
          const b = drawn.parts.fill.getBounds();
          return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"""
    )


SIZES = [(1366, "uk"), (1366, "en"), (360, "uk"), (360, "en")]


@pytest.mark.parametrize(("width", "language"), SIZES)
def test_a_drawn_area_is_previewed_as_the_printed_page(browser, site, width, language):
    log = PageLog()
    context, page = open_print(browser, site, width, language, log)
    try:
        bbox, dragged = draw_area(page, touch=width < 600)  # phones by a finger
        assert BBOX.match(bbox), bbox
        area = [float(v) for v in bbox.split(",")]
        # The area is the one dragged across (the form keeps 5 decimals, about a metre),
        # and it is drawn on the map as dragged.
        assert area == pytest.approx(dragged, abs=2e-5)
        drawn = page.evaluate(
            "() => HromadaMap.rendered(window.hromadaMap, 'print-area').map((f) => f.layer)"
        )
        assert sorted(drawn) == ["fill", "line"]  # the rectangle, in view
        assert drawn_area(page) == pytest.approx(area, abs=1e-9)
        page.click("button[name=action][value=preview]")
        image = page.locator(".print-preview-image")
        image.wait_for(timeout=WAIT_MS)
        page.wait_for_function(
            "() => { const i = document.querySelector('.print-preview-image');"
            " return i && i.complete && i.naturalWidth > 0; }",
            timeout=WAIT_MS,
        )
        assert page.input_value("input[name=bbox]") == bbox  # the form keeps the area
        wait_idle(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"print-{width}-{language}.png"), full_page=True)
        assert not log.console_errors and not log.page_errors
        assert not log.outside_requests()
    finally:
        context.close()


def test_the_council_pack_shows_progress_then_offers_its_download(browser, site):
    log = PageLog()
    context, page = open_print(browser, site, 1366, "uk", log)
    try:
        page.click("#pack-form button[type=submit]")
        status = page.locator("#pack-status")
        status.wait_for(timeout=WAIT_MS)
        page.wait_for_function(
            "() => document.getElementById('pack-status').textContent.length > 0",
            timeout=WAIT_MS,
        )
        assert "Чекаємо" in status.text_content()  # queued: no worker has taken it yet
        worker_for_one_job()
        link = page.locator("#pack-download")
        link.wait_for(state="visible", timeout=WAIT_MS)
        assert "Пакет готовий" in status.text_content()
        assert page.get_attribute("#pack-bar", "value") == page.get_attribute("#pack-bar", "max")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "print-pack-done-1366-uk.png"), full_page=True)
        with page.expect_download() as download:
            link.click()
        name = download.value.suggested_filename
        assert re.fullmatch(r"dmytrivska-council-pack-\d{4}-\d\d-\d\d\.pdf", name), name
        assert not log.console_errors and not log.page_errors
    finally:
        context.close()
