"""`manage.py layers_import`: dry run by default, --commit writes, errors fail the command."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from layers.models import Facility, Settlement

DATA = Path(__file__).resolve().parents[1] / "data"

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    """Run layers_import; return (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command("layers_import", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dry_run_reports_counts_and_writes_nothing(territory):
    out, _ = run("settlements", DATA / "settlements.geojson")
    assert "3 rows read, 0 errors" in out
    assert "DRY RUN — nothing written (use --commit)" in out
    assert Settlement.objects.count() == 0


def test_commit_writes_and_says_so(territory):
    out, _ = run("settlements", DATA / "settlements.geojson", "--commit")
    assert "created 3" in out
    assert "committed" in out
    assert Settlement.objects.count() == 3


def test_warnings_are_printed(territory):
    out, _ = run("settlements", DATA / "settlements_6385.gpkg")
    assert "warning: reprojected from EPSG:6385" in out


def test_row_errors_fail_with_row_and_field_and_write_nothing(territory):
    with pytest.raises(CommandError, match="row 2, field geometry: expected Polygon"):
        run("settlements", DATA / "settlements_linestring.geojson", "--commit")
    assert Settlement.objects.count() == 0


def test_row_errors_are_printed_one_per_line(territory):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "layers_import", "settlements", str(DATA / "settlements_bowtie.geojson"), stdout=out
        )
    assert "row 1, field geometry: invalid polygon: Self-intersection" in out.getvalue()
    assert Settlement.objects.count() == 0


def test_repair_flag_commits_a_repaired_polygon(territory):
    out, _ = run("settlements", DATA / "settlements_bowtie.geojson", "--commit", "--repair")
    assert "row 1: geometry repaired" in out
    assert Settlement.objects.get().boundary.valid


def test_unreadable_file_fails_with_its_name(territory):
    with pytest.raises(CommandError, match="Cannot read settlements_truncated.geojson"):
        run("settlements", DATA / "settlements_truncated.geojson", "--commit")
    assert Settlement.objects.count() == 0


def test_unknown_kind_is_refused_by_the_parser(territory):
    with pytest.raises(CommandError, match="invalid choice"):
        run("roads", DATA / "settlements.geojson")
    assert Settlement.objects.count() == 0


def test_progress_bar_shows_on_stderr_for_long_files(settlement, tmp_path):
    lines = [f"Об'єкт {n},other,32.72,48.79" for n in range(201)]
    csv = tmp_path / "many.csv"
    csv.write_text("name,kind,lon,lat\n" + "\n".join(lines) + "\n")
    out, err = run("facilities", csv, "--commit")
    assert "201/201" in err
    assert Facility.objects.count() == 201


def test_no_progress_bar_for_short_files(territory):
    _, err = run("settlements", DATA / "settlements.geojson")
    assert err == ""
