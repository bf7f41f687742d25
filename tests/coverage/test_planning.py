"""The planners' page: indicator cards, the Free Wi-Fi suggestion, the connection plan and
its downloads, one village, the charts' numbers."""

import csv
import io
from datetime import date, timedelta

import pytest
import shapely
from django.contrib.gis.geos import Point

from core.names import collation_key
from coverage.models import StrategyTarget
from coverage.services import coverage_compute
from tests.coverage.conftest import make_addresses, make_area

MAKARYKHA = "UA35040090090035423"


@pytest.fixture
def world(territory, settlement, village2, providers):
    """Fibre over the first village (a school there), nothing over Makarykha (a library and
    households there); the strategy's villages target; a web and a phone report."""
    from layers.models import Facility

    c, m = settlement.centre, village2.centre
    make_area(providers["ProstoNet"], "fibre", 300, 100, shapely.Point(c.x, c.y).buffer(0.01))
    make_addresses(settlement, [(c.x, c.y), (c.x + 0.001, c.y)], [3, 2])
    make_addresses(village2, [(m.x, m.y), (m.x + 0.0005, m.y)], [4, 1])
    Facility.objects.create(
        kind="school",
        name="Школа",
        settlement=settlement,
        location=Point(c.x, c.y, srid=4326),
        internet="connected",
        down_mbps=300,
        up_mbps=100,
    )
    Facility.objects.create(
        kind="library",
        name="Бібліотека",
        settlement=village2,
        location=Point(m.x, m.y, srid=4326),
        internet="connected",
        down_mbps=10,
        up_mbps=2,
    )
    StrategyTarget.objects.update_or_create(
        indicator="villages_connected_pct", year=2022, defaults={"target": 100}
    )
    StrategyTarget.objects.update_or_create(
        indicator="e_appeals_pct", year=2022, defaults={"target": 50}
    )
    _reports(settlement)
    return coverage_compute(as_of=date.today())


def _reports(settlement):
    from reports.models import Category, Report

    category = Category.objects.create(code="roads-planning", name_uk="Дороги")
    for i, channel in enumerate(("web", "phone", "web", "web")):
        Report.objects.create(
            number=f"P-{i}",
            category=category,
            description="…",
            location=settlement.centre,
            settlement=settlement,
            channel=channel,
            is_approved=True,
        )


def test_every_strategy_indicator_has_a_card_with_target_actual_and_met(planner_client, world):
    html = planner_client.get("/planning/").content.decode()
    assert html.count('<article class="card') == len(StrategyTarget.Indicator.choices)
    # The e-appeals share comes from the reports' channels: 3 of 4 filed on the web.
    assert "75,0%" in html and "3 з 4 звернень подано онлайн" in html
    assert "досягнуто" in html and "не досягнуто" in html


def test_suggested_wifi_sites_leave_out_places_with_fixed_broadband(planner_client, world):
    html = planner_client.get("/planning/?k=3&radius_m=500").content.decode()
    assert 'id="wifi-sites-data"' in html
    assert "Бібліотека</strong>, Макариха" in html and "Школа</strong>" not in html
    everywhere = planner_client.get("/planning/?k=3&radius_m=500&include_served=on")
    assert "Школа</strong>" in everywhere.content.decode()


def test_the_api_leaves_out_fixed_broadband_unless_asked(planner_client, world):
    body = planner_client.get("/api/v1/coverage/wifi-sites/?k=5&radius_m=500").json()
    assert [s["name"] for s in body["sites"]] == ["Бібліотека"]
    body = planner_client.get(
        "/api/v1/coverage/wifi-sites/?k=5&radius_m=500&include_served=true"
    ).json()
    assert {s["name"] for s in body["sites"]} == {"Бібліотека", "Школа"}


@pytest.mark.parametrize("query", ["k=0&radius_m=500", "k=51&radius_m=500", "k=3&radius_m=0"])
def test_bad_suggestion_input_is_a_form_error_and_no_sites(planner_client, world, query):
    response = planner_client.get(f"/planning/?{query}")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error" role="alert"' in html and 'id="wifi-sites-data"' not in html


def test_a_radius_over_5_km_is_a_form_error(planner_client, world):
    html = planner_client.get("/planning/?k=3&radius_m=5001").content.decode()
    assert 'class="error" role="alert"' in html and 'id="wifi-sites-data"' not in html


def test_connection_plan_ranks_unconnected_villages_and_says_how_many_reach_the_target(
    planner_client, world
):
    html = planner_client.get("/planning/").content.decode()
    assert f'href="?village={MAKARYKHA}#village"' in html
    assert "Підключіть це 1 село, щоб досягти 100% підключених сіл" in html


def test_connection_plan_downloads_as_csv_and_xlsx_named_for_the_community(planner_client, world):
    from openpyxl import load_workbook

    response = planner_client.get("/planning/plan.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "connection-plan-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1] == "Макариха" and rows[1][4] == "5" and rows[1][5] == "1"
    book = load_workbook(io.BytesIO(planner_client.get("/planning/plan.xlsx").content))
    sheet = book.active
    assert sheet.cell(row=2, column=2).value == "Макариха"
    assert sheet.cell(row=2, column=9).value == 100.0


def test_downloads_are_refused_to_non_planners(client, django_user_model, world):
    client.force_login(django_user_model.objects.create_user("clerk", password="x-pw-9"))
    assert client.get("/planning/plan.csv").status_code == 403
    assert client.get("/planning/charts/villages.csv").status_code == 403


def test_one_village_shows_its_figures_facilities_and_print_link(planner_client, world):
    html = planner_client.get(f"/planning/?village={MAKARYKHA}").content.decode()
    assert 'id="village"' in html and "Бібліотека" in html
    assert f"/maps/print/?extent=village&amp;village={MAKARYKHA}" in html
    assert "повільний" in html  # 10/2 Mbit/s is connected but not high-speed


def test_one_facility_count_everywhere(world):
    """The slow library is connected but not on high-speed internet: it counts as not
    connected in the village list, the priorities and the indicator alike."""
    results = world.results
    makarykha = next(s for s in results["settlements"] if s["katottg"] == MAKARYKHA)
    assert makarykha["facilities"]["high_speed"] == 0
    priority = next(p for p in results["priorities"] if p["katottg"] == MAKARYKHA)
    assert priority["facilities_not_connected"] == 1
    assert results["territory"]["facilities"]["high_speed_pct"] == 50.0


def test_charts_have_their_numbers_as_csv(planner_client, world):
    villages = planner_client.get("/planning/charts/villages.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(villages)))
    assert rows[1][0] == "Макариха"  # neediest first
    progress = planner_client.get("/planning/charts/progress.csv")
    assert progress.status_code == 200 and "chart-progress" in progress["Content-Disposition"]


def test_ukrainian_collation_puts_i_after_z_not_first():
    names = ["Іванківці", "Дмитрівка", "Заломи", "Їжаківка", "Гостинне", "Ґудзівка"]
    assert sorted(names, key=lambda n: collation_key(n, "uk")) == [
        "Гостинне",
        "Ґудзівка",
        "Дмитрівка",
        "Заломи",
        "Іванківці",
        "Їжаківка",
    ]


def test_the_figures_age_reads_just_now_then_minutes_ago(planner_client, world):
    """A snapshot made under a minute ago is "just now", never "0 minutes ago"."""
    import time_machine
    from django.utils import timezone

    html = planner_client.get("/planning/").content.decode()
    assert "Дані обчислено щойно (" in html and "0 хвилин" not in html
    planner_client.cookies["django_language"] = "en"
    assert "Figures computed just now (" in planner_client.get("/planning/").content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=3)):
        html = planner_client.get("/planning/").content.decode()
    assert "Figures computed 5\xa0minutes ago (" in html and "just now" not in html
