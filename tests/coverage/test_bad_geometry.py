"""Valid geometry at every door (issue #21): the admin refuses invalid coverage geometry,
and a computation skips a stored bad row, says which, and the planners' page shows it."""

import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

from coverage.models import CoverageArea
from coverage.services import coverage_compute
from tests.coverage.conftest import make_area
from tests.helpers.users import make_user

BOWTIE = "POLYGON((32.7 48.7, 32.8 48.8, 32.8 48.7, 32.7 48.8, 32.7 48.7))"


def bowtie() -> MultiPolygon:
    return MultiPolygon(GEOSGeometry(BOWTIE, srid=4326), srid=4326)


def test_the_admin_refuses_an_invalid_coverage_area(client, territory, providers):
    admin = make_user("root-geom", is_staff=True, is_superuser=True)
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        "/admin/coverage/coveragearea/add/",
        {
            "provider": providers["ProstoNet"].pk,
            "technology": "fibre",
            "down_mbps": "100",
            "up_mbps": "10",
            "source": "provider_map",
            "area": bowtie().geojson,
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Недійсна геометрія: контур перетинає сам себе (" in response.content.decode()
    assert not CoverageArea.objects.exists()


def test_the_computation_skips_a_stored_bad_row_and_says_which(
    territory, settlement, facility, providers, planner_client
):
    c = settlement.centre
    good = make_area(
        providers["ProstoNet"], "fibre", 300, 100, shapely.Point(c.x, c.y).buffer(0.01)
    )
    bad = make_area(providers["Київстар"], "4g", 50, 10, bowtie())
    snapshot = coverage_compute()
    assert snapshot.input_counts["skipped_areas"] == [
        {"id": bad.pk, "reason": "invalid geometry: Self-intersection[32.75 48.75]"}
    ]
    assert good.pk not in [item["id"] for item in snapshot.input_counts["skipped_areas"]]
    page = planner_client.get("/planning/").content.decode()
    assert "skipped-areas" in page
    assert f"/admin/coverage/coveragearea/{bad.pk}/change/" in page


def test_an_import_refuses_an_invalid_polygon_unless_asked_to_repair_and_says_which(
    territory, providers, tmp_path, capsys
):
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.utils import translation

    from tests.coverage.test_imports import BOWTIE, area_row, write_geojson

    path = write_geojson(tmp_path / "a.geojson", [area_row(geometry=BOWTIE)])
    with translation.override("en"):
        with pytest.raises(CommandError):
            call_command("coverage_import_areas", path, "--commit")
        assert "the outline crosses itself" in capsys.readouterr().out
        assert not CoverageArea.objects.exists()
        call_command("coverage_import_areas", path, "--commit", "--repair")
    out = capsys.readouterr().out
    assert "row 1: Geometry repaired (the outline crosses itself (" in out
    area = CoverageArea.objects.get().area
    assert area.valid and area.geom_type == "MultiPolygon"
