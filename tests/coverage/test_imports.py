"""coverage_import_areas: a good file, bad rows and invalid geometry; all or nothing."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from shapely.geometry import Polygon, box, mapping

from coverage.models import CoverageArea

pytestmark = pytest.mark.django_db
BOWTIE = Polygon([(32.70, 48.77), (32.74, 48.81), (32.74, 48.77), (32.70, 48.81)])


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def area_row(**changes) -> dict:
    row = {
        "provider": "ProstoNet",
        "technology": "fibre",
        "down_mbps": 100,
        "up_mbps": 50,
        "geometry": box(32.70, 48.77, 32.74, 48.81),
    }
    return {**row, **changes}


def write_geojson(path, rows):
    features = [
        {
            "type": "Feature",
            "properties": {k: v for k, v in row.items() if k != "geometry"},
            "geometry": mapping(row["geometry"]),
        }
        for row in rows
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return str(path)


def run(*args, capsys) -> str:
    call_command("coverage_import_areas", *args)
    return capsys.readouterr().out


def test_dry_run_reports_per_row_counts_and_writes_nothing(territory, providers, tmp_path, capsys):
    path = write_geojson(tmp_path / "a.geojson", [area_row(), area_row(technology="4g")])
    out = run(path, capsys=capsys)
    assert "2 rows: 2 new" in out and "Dry run: add --commit to write." in out
    assert not CoverageArea.objects.exists()


def test_commit_writes_and_a_reimport_matches_the_same_offer(
    territory, providers, tmp_path, capsys
):
    path = write_geojson(tmp_path / "a.geojson", [area_row(), area_row(technology="4g")])
    assert "Committed." in run(path, "--commit", capsys=capsys)
    area = CoverageArea.objects.get(technology="fibre")
    assert (area.provider.name, area.down_mbps, area.source) == ("ProstoNet", 100, "provider_map")
    moved = [area_row(geometry=box(32.70, 48.77, 32.75, 48.81)), area_row(technology="4g")]
    out = run(write_geojson(tmp_path / "b.geojson", moved), "--commit", capsys=capsys)
    assert "2 rows: 0 new, 1 changed, 1 unchanged" in out
    assert CoverageArea.objects.count() == 2


def test_bad_rows_are_listed_by_row_and_field_and_nothing_is_written(
    territory, providers, tmp_path, capsys
):
    rows = [
        area_row(),
        area_row(provider="Nobody"),
        area_row(technology="pigeon", down_mbps=-1),
        area_row(up_mbps=200_000),
    ]
    with pytest.raises(CommandError, match="4 rows have errors; nothing was written."):
        run(write_geojson(tmp_path / "a.geojson", rows), "--commit", capsys=capsys)
    out = capsys.readouterr().out
    assert "row 2\tprovider\tUnknown provider: 'Nobody'." in out
    assert "row 3\tdown_mbps\t" in out and "row 3\ttechnology\t" in out
    assert "row 4\tup_mbps\tup_mbps must be a whole number from 0 to 100000." in out
    assert not CoverageArea.objects.exists()


def test_invalid_geometry_is_a_row_error(territory, providers, tmp_path, capsys):
    path = write_geojson(tmp_path / "a.geojson", [area_row(), area_row(geometry=BOWTIE)])
    with pytest.raises(CommandError, match="1 rows have errors"):
        run(path, "--commit", capsys=capsys)
    out = capsys.readouterr().out
    assert "row 2\tgeometry\tInvalid geometry: the outline crosses itself (32." in out
    assert not CoverageArea.objects.exists()


def test_missing_required_column_and_unreadable_file_are_refused(providers, tmp_path, capsys):
    row = {k: v for k, v in area_row().items() if k != "technology"}
    with pytest.raises(CommandError, match="1 rows have errors"):
        run(write_geojson(tmp_path / "a.geojson", [row]), "--commit", capsys=capsys)
    assert "row 0\ttechnology\trequired column is missing" in capsys.readouterr().out
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(CommandError, match="bad.geojson"):
        run(str(bad), capsys=capsys)
    assert not CoverageArea.objects.exists()


def test_the_report_speaks_ukrainian(territory, providers, tmp_path, capsys):
    path = write_geojson(tmp_path / "a.geojson", [area_row(provider="Nobody")])
    with translation.override("uk"), pytest.raises(CommandError, match="Рядків із помилками: 1"):
        run(path, capsys=capsys)
    out = capsys.readouterr().out
    assert "рядок 1\tprovider\tUnknown provider: 'Nobody'." in out
    assert "Рядків: 1; нових: 0, змінених: 0, без змін: 0, помилок: 1" in out
