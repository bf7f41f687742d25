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


def _area(area_id: int) -> dict:
    return Client().get(f"/api/v1/coverage/areas/{area_id}/").json()


def _drag(page, start: tuple[float, float], dx: float, dy: float) -> None:
    """Press at (lon, lat) on the map, move the pointer by (dx, dy) CSS px and let go."""
    x, y = page.evaluate(
        """([lon, lat]) => { const m = window.hromadaMap;
          const p = m.latLngToContainerPoint([lat, lon]);
          const r = m.getContainer().getBoundingClientRect();
          return [r.left + p.x, r.top + p.y]; }""",
        list(start),
    )
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + dx * step / 10, y + dy * step / 10)
    page.mouse.up()


def test_a_planner_opens_an_area_by_its_number_drags_a_corner_and_saves_it(browser, site):
    """Reshaping: the area opened by its number is selected, a corner dragged on the map
    moves that corner only, and the save replaces the area (PUT), its figures kept."""
    context, page = _drawing_page(browser, site)
    try:
        created = page.evaluate(
            """(ring) => fetch(document.getElementById('draw-panel').dataset.areasUrl, {
              method: 'POST', credentials: 'same-origin',
              headers: {'Content-Type': 'application/json', 'X-CSRFToken':
                document.querySelector('#draw-panel input[name=csrfmiddlewaretoken]').value},
              body: JSON.stringify({provider: document.querySelector(
                '#draw-panel select[name=provider]').value, technology: 'fibre', down_mbps: 300,
                up_mbps: 100, source: 'field_survey',
                geometry: {type: 'Polygon', coordinates: [ring]}})}).then((r) => r.json())""",
            [*map(list, CORNERS), list(CORNERS[0])],
        )
        area_id = created["id"]
        page.locator("#draw-panel button[data-action=cancel]").click()
        page.fill("#draw-panel input[name=area]", str(area_id))
        page.locator("#draw-panel button[data-action=load]").click()
        reshaping = page.get_attribute("#draw-panel", "data-label-reshape")
        page.wait_for_function(
            "(text) => document.querySelector('#draw-panel .draw-status').textContent === text",
            arg=reshaping,
        )
        jump(page, 32.715, 48.81, 13)
        wait_idle(page, "#coverage-map")
        moved = CORNERS[2]  # the north-east corner, 40 px east and 30 px north
        _drag(page, moved, 40, -30)
        # The corner's drag is over: a drag outside the area pans the map again.
        before = page.evaluate("() => HromadaMap.view(window.hromadaMap).center")
        _drag(page, (32.70, 48.822), -60, 0)
        after = page.evaluate("() => HromadaMap.view(window.hromadaMap).center")
        assert after[0] > before[0] + 30 * 360 / (512 * 2**13), (before, after)
        with page.expect_navigation():
            page.locator("#draw-panel button[data-action=save]").click()
    finally:
        context.close()
    feature = _area(area_id)
    assert feature["properties"]["technology"] == "fibre"
    assert feature["properties"]["down_mbps"] == 300
    coordinates = feature["geometry"]["coordinates"]
    ring = coordinates[0][0] if feature["geometry"]["type"] == "MultiPolygon" else coordinates[0]
    assert len(ring) == 5, ring  # no corner added or lost
    # At zoom 13 a CSS px is 360 / (512 * 2**13) degrees of longitude.
    px = 360 / (512 * 2**13)
    corners = {tuple(round(c, 4) for c in point) for point in ring}
    for lon, lat in (CORNERS[0], CORNERS[1], CORNERS[3]):
        assert (round(lon, 4), round(lat, 4)) in corners, ring
    east, north = max(ring, key=lambda p: p[0] + p[1])
    assert east == pytest.approx(moved[0] + 40 * px, abs=3 * px), ring
    assert north > moved[1] + 15 * px, ring
