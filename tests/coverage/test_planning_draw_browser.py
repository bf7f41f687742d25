"""A planner draws a coverage area on the planners' map by mouse clicks and saves it
(coverage/static/coverage/planning-draw.js, terra-draw): the area is in the API and the
snapshot's figures change (the edit patches the current snapshot)."""

import pytest
from django.test import Client

from bench.pages import new_context
from tests.browser.mapclient import click_at, jump, wait_idle
from tests.helpers.live import demo_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
# A small square west of Dmytrivka's centre, away from its fibre (demo data).
CORNERS = [(32.705, 48.805), (32.725, 48.805), (32.725, 48.815), (32.705, 48.815)]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    with demo_site(django_db_blocker) as demo:
        yield demo


@pytest.fixture(autouse=True)
def _database_open(django_db_blocker):
    with django_db_blocker.unblock():
        yield


def _areas() -> list[dict]:
    """The coverage areas as the API lists them (GeoJSON features)."""
    return Client().get("/api/v1/coverage/areas/").json()["features"]


def _drawing_page(browser, site):
    """A planner's /planning/ at 1366 px in Ukrainian, drawing started over CORNERS."""
    context = new_context(browser, site.url, 1366, "uk")
    context.add_cookies(site.staff_cookies)
    page = context.new_page()
    try:
        page.goto(f"{site.url}/planning/")
        wait_idle(page, "#coverage-map[data-map-ready='true']")
        page.locator("#draw-panel button[data-action=draw]").click()
        page.locator("#coverage-map").scroll_into_view_if_needed()
        jump(page, 32.715, 48.81, 12)
        wait_idle(page, "#coverage-map")
    except BaseException:
        context.close()
        raise
    return context, page


def test_a_planner_draws_an_area_by_clicks_saves_it_and_the_figures_change(browser, site):
    from coverage.models import CoverageSnapshot

    before_ids = {f["id"] for f in _areas()}
    before = CoverageSnapshot.objects.get(is_current=True).results["territory"]["groups"]
    context, page = _drawing_page(browser, site)
    try:
        for lon, lat in [*CORNERS, CORNERS[0]]:
            click_at(page, lon, lat)
        assert not page.locator("#draw-panel button[data-action=save]").is_disabled()
        page.select_option("#draw-panel select[name=technology]", "fibre")
        with page.expect_navigation():
            page.locator("#draw-panel button[data-action=save]").click()
    finally:
        context.close()
    features = _areas()
    new = [f for f in features if f["id"] not in before_ids]
    assert len(new) == 1
    assert new[0]["properties"]["technology"] == "fibre"
    west, south = CORNERS[0]
    east, north = CORNERS[2]
    ring = new[0]["geometry"]["coordinates"][0][0]
    assert all(west - 1e-3 < x < east + 1e-3 and south - 1e-3 < y < north + 1e-3 for x, y in ring)
    after = CoverageSnapshot.objects.get(is_current=True).results["territory"]["groups"]
    assert after["fibre"]["served"]["area_m2"] > before["fibre"]["served"]["area_m2"]


def test_a_shape_closed_with_a_double_click_is_saved(browser, site):
    """A double-click on the first corner (a GIS habit) closes the shape and starts no
    second one: the save sends the closed shape only (GEOS refused the one-point ring)."""
    before_ids = {f["id"] for f in _areas()}
    context, page = _drawing_page(browser, site)
    try:
        for lon, lat in CORNERS:
            click_at(page, lon, lat)
        click_at(page, *CORNERS[0])
        click_at(page, *CORNERS[0])  # the second click of the double-click
        with page.expect_navigation():
            page.locator("#draw-panel button[data-action=save]").click()
    finally:
        context.close()
    new = [f for f in _areas() if f["id"] not in before_ids]
    assert len(new) == 1 and len(new[0]["geometry"]["coordinates"]) == 1
