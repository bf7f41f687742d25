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


def draw_area(page) -> str:
    """Choose "an area drawn on the map" and drag a rectangle across the map's middle."""
    page.check("input[name=extent][value=bbox]")
    wait_idle(page)
    page.click("#draw-area")
    box = page.locator("#print-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx - box["width"] / 5, cy - box["height"] / 5)
    page.mouse.down()
    page.mouse.move(cx, cy, steps=4)
    page.mouse.move(cx + box["width"] / 5, cy + box["height"] / 6, steps=4)
    page.mouse.up()
    return page.input_value("input[name=bbox]")


SIZES = [(1366, "uk"), (1366, "en"), (360, "uk"), (360, "en")]


@pytest.mark.parametrize(("width", "language"), SIZES)
def test_a_drawn_area_is_previewed_as_the_printed_page(browser, site, width, language):
    log = PageLog()
    context, page = open_print(browser, site, width, language, log)
    try:
        bbox = draw_area(page)
        assert BBOX.match(bbox), bbox
        west, south, east, north = (float(v) for v in bbox.split(","))
        assert west < east and south < north
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
