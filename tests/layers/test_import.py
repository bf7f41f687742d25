"""layer_import against the real PostGIS: good files in every format, bad files write nothing."""

import json
import zipfile
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from shapely.geometry import Point as shapely_point
from shapely.geometry import box, mapping

from core.errors import InvalidInput
from layers.models import Facility, Settlement, Territory
from layers.services import layer_import

DATA = Path(__file__).resolve().parents[1] / "data"
DMYTRIVKA = "UA35040090010099441"
PLOSKE = "UA35040090110088346"

pytestmark = pytest.mark.django_db


def stored() -> tuple[int, int, int]:
    """Row counts of territories, settlements and facilities."""
    return Territory.objects.count(), Settlement.objects.count(), Facility.objects.count()


def write_geojson(path: Path, rows: list[dict]) -> Path:
    """Write rows ({..., "geometry": shapely}) as a FeatureCollection in EPSG:4326."""
    features = [
        {
            "type": "Feature",
            "properties": {k: v for k, v in row.items() if k != "geometry"},
            "geometry": mapping(row["geometry"]) if row.get("geometry") else None,
        }
        for row in rows
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def settlement_row(**changes) -> dict:
    row = {
        "katottg": DMYTRIVKA,
        "name_uk": "Дмитрівка",
        "population": 4250,
        "geometry": box(32.70, 48.77, 32.74, 48.81),
    }
    return {**row, **changes}


def import_settlements(path=DATA / "settlements.geojson", **options):
    return layer_import(kind="settlements", path=path, **options)


# --- good files ---------------------------------------------------------------------------


def test_dry_run_checks_every_row_and_writes_nothing(territory):
    before = stored()
    report = import_settlements()
    assert report.ok, report.errors
    assert report.rows_read == 3
    assert not report.committed
    assert (report.created, report.updated) == (0, 0)
    assert stored() == before


def test_geojson_commit_creates_settlements_with_boundaries_and_centres(territory):
    report = import_settlements(commit=True)
    assert report.committed
    assert report.created == 3
    dmytrivka = Settlement.objects.get(katottg=DMYTRIVKA)
    assert dmytrivka.territory == territory
    assert dmytrivka.boundary.geom_type == "MultiPolygon"
    assert dmytrivka.boundary.covers(dmytrivka.centre)
    assert (dmytrivka.population, dmytrivka.position_accuracy) == (4250, "surveyed")


def test_point_settlement_gets_centre_and_no_boundary(territory):
    import_settlements(commit=True)
    veselyi_kut = Settlement.objects.get(katottg="UA35040090020022800")
    assert veselyi_kut.boundary is None
    assert veselyi_kut.centre.coords == (32.80, 48.70)
    assert veselyi_kut.households is None


def test_geopackage_without_territory_column_finds_territory_by_location(territory):
    report = import_settlements(DATA / "settlements.gpkg", commit=True)
    assert report.created == 3
    assert set(Settlement.objects.values_list("territory", flat=True)) == {territory.pk}


def test_zipped_shapefile_imports_with_truncated_column_names(territory):
    report = import_settlements(DATA / "settlements_shp.zip", commit=True)
    assert report.created == 2
    assert report.warnings == []
    assert Settlement.objects.get(katottg=DMYTRIVKA).position_accuracy == "surveyed"


def test_shapefile_folder_imports_like_the_zip(territory, tmp_path):
    with zipfile.ZipFile(DATA / "settlements_shp.zip") as archive:
        archive.extractall(tmp_path / "shp")
    report = import_settlements(tmp_path / "shp", commit=True)
    assert report.created == 2


def test_csv_facilities_find_their_settlement_by_location(territory):
    import_settlements(commit=True)
    report = layer_import(kind="facilities", path=DATA / "facilities.csv", commit=True)
    assert report.created == 3
    assert "file has no CRS; EPSG:4326 assumed" in report.warnings
    fap = Facility.objects.get(name="Плосківський ФАП")
    assert fap.settlement.katottg == PLOSKE
    assert (fap.internet, fap.technology, fap.down_mbps) == ("not_connected", "", None)


def test_csv_facility_values_are_parsed(territory):
    import_settlements(commit=True)
    layer_import(kind="facilities", path=DATA / "facilities.csv", commit=True)
    lyceum = Facility.objects.get(name="Дмитрівський ліцей")
    assert lyceum.settlement.katottg == DMYTRIVKA
    assert (lyceum.down_mbps, lyceum.up_mbps) == (100, 50)
    assert lyceum.connected_since.isoformat() == "2021-09-01"
    assert lyceum.is_demo is True


def test_territory_file_creates_the_territory(db):
    report = layer_import(kind="territory", path=DATA / "territory.geojson", commit=True)
    assert report.created == 1
    assert Territory.objects.get().boundary.geom_type == "MultiPolygon"


def test_file_in_epsg_6385_is_reprojected_to_4326(territory):
    report = import_settlements(DATA / "settlements_6385.gpkg", commit=True)
    assert any("reprojected from EPSG:6385" in w for w in report.warnings)
    extent = Settlement.objects.get(katottg=DMYTRIVKA).boundary.extent
    assert extent == pytest.approx((32.70, 48.77, 32.74, 48.81), abs=1e-6)


def test_shapefile_without_prj_is_read_as_4326_with_a_warning(territory):
    report = import_settlements(DATA / "settlements_no_crs.zip", commit=True)
    assert report.warnings == ["file has no CRS; EPSG:4326 assumed"]
    assert report.created == 2


def test_progress_is_called_for_each_row_of_each_pass(territory):
    calls = []
    import_settlements(commit=True, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)] * 2


# --- re-import ----------------------------------------------------------------------------


def test_reimport_of_the_same_file_changes_nothing(territory):
    import_settlements(commit=True)
    report = import_settlements(commit=True)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert Settlement.objects.count() == 3


def test_reimport_updates_by_katottg_instead_of_duplicating(settlement, tmp_path):
    path = write_geojson(tmp_path / "s.geojson", [settlement_row(population=4300)])
    report = import_settlements(path, commit=True)
    assert (report.created, report.updated) == (0, 1)
    assert Settlement.objects.get().population == 4300


def test_reimport_keeps_values_of_columns_the_file_lacks(settlement, tmp_path):
    path = write_geojson(tmp_path / "s.geojson", [settlement_row()])
    import_settlements(path, commit=True)
    assert Settlement.objects.get().households == settlement.households


def test_facility_reimport_matches_by_settlement_and_name(facility, tmp_path):
    csv = tmp_path / "f.csv"
    csv.write_text(f"name,kind,down_mbps,lon,lat\n{facility.name},school,500,32.7211,48.7941\n")
    report = layer_import(kind="facilities", path=csv, commit=True)
    assert (report.created, report.updated) == (0, 1)
    assert Facility.objects.get().down_mbps == 500


# --- bad files: the report names the problem and nothing is written ----------------------


def test_truncated_json_is_unreadable_and_writes_nothing(territory):
    before = stored()
    with pytest.raises(InvalidInput) as caught:
        import_settlements(DATA / "settlements_truncated.geojson", commit=True)
    assert caught.value.code == "unreadable_file"
    assert "settlements_truncated.geojson" in caught.value.message
    assert stored() == before


def test_missing_file_is_unreadable(territory):
    with pytest.raises(InvalidInput, match="no such file"):
        import_settlements(DATA / "nowhere.geojson", commit=True)
    assert stored() == (1, 0, 0)


def test_csv_without_coordinates_is_refused(territory, tmp_path):
    csv = tmp_path / "f.csv"
    csv.write_text("name,kind\nШкола,school\n")
    with pytest.raises(InvalidInput) as caught:
        layer_import(kind="facilities", path=csv, commit=True)
    assert caught.value.code == "no_geometry"
    assert stored() == (1, 0, 0)


def test_unknown_kind_is_refused(territory):
    with pytest.raises(InvalidInput, match="Unknown layer 'roads'"):
        layer_import(kind="roads", path=DATA / "settlements.geojson")
    assert stored() == (1, 0, 0)


def test_linestring_settlement_is_reported_and_nothing_written(territory):
    report = import_settlements(DATA / "settlements_linestring.geojson", commit=True)
    assert [(e.row, e.field) for e in report.errors] == [(2, "geometry")]
    assert "got LineString" in report.errors[0].message
    assert not report.committed
    assert stored() == (1, 0, 0)


def test_self_intersecting_polygon_is_reported_and_nothing_written(territory):
    report = import_settlements(DATA / "settlements_bowtie.geojson", commit=True)
    assert [(e.row, e.field) for e in report.errors] == [(1, "geometry")]
    assert "Self-intersection" in report.errors[0].message
    assert stored() == (1, 0, 0)


def test_self_intersecting_polygon_is_repaired_on_request(territory):
    report = import_settlements(DATA / "settlements_bowtie.geojson", commit=True, repair=True)
    assert report.ok
    assert report.warnings[0].startswith("row 1: geometry repaired")
    boundary = Settlement.objects.get().boundary
    assert boundary.valid
    assert len(boundary) == 2


def test_settlement_outside_the_territory_is_reported_and_nothing_written(territory):
    report = import_settlements(DATA / "settlements_outside.geojson", commit=True)
    assert [(e.row, e.field) for e in report.errors] == [(2, "geometry")]
    assert "outside every territory" in report.errors[0].message
    assert stored() == (1, 0, 0)


def test_settlements_without_any_territory_stored_are_outside(db):
    report = import_settlements(commit=True)
    assert len(report.errors) == 3
    assert stored() == (0, 0, 0)


def test_facility_outside_the_territory_is_reported_and_nothing_written(settlement):
    report = layer_import(kind="facilities", path=DATA / "facilities_outside.csv", commit=True)
    assert [(e.row, e.field) for e in report.errors] == [(2, "geometry")]
    assert stored() == (1, 1, 0)


def test_facility_in_no_settlement_needs_settlement_katottg(settlement, tmp_path):
    csv = tmp_path / "f.csv"
    csv.write_text("name,kind,lon,lat\nФАП,medical,32.60,48.90\n")
    report = layer_import(kind="facilities", path=csv, commit=True)
    assert "give settlement_katottg" in report.errors[0].message
    assert Facility.objects.count() == 0


def test_metre_coordinates_without_crs_are_reported(settlement, tmp_path):
    csv = tmp_path / "f.csv"
    csv.write_text("name,kind,x,y\nШкола,school,300000,5400000\n")
    report = layer_import(kind="facilities", path=csv, commit=True)
    assert "file has no CRS; EPSG:4326 assumed" in report.warnings
    assert "outside lon/lat range" in report.errors[0].message
    assert Facility.objects.count() == 0


def test_bad_values_are_reported_by_row_and_field(territory, tmp_path):
    rows = [settlement_row(katottg="UA123", population=-3, kind="town")]
    report = import_settlements(write_geojson(tmp_path / "s.geojson", rows), commit=True)
    assert {(e.row, e.field) for e in report.errors} == {
        (1, "katottg"),
        (1, "population"),
        (1, "kind"),
    }
    assert stored() == (1, 0, 0)


def test_duplicate_katottg_in_the_file_is_reported(territory, tmp_path):
    rows = [settlement_row(), settlement_row(name_uk="Дмитрівка-2")]
    report = import_settlements(write_geojson(tmp_path / "s.geojson", rows), commit=True)
    assert [str(e) for e in report.errors] == ["row 2, field katottg: duplicate of row 1"]
    assert stored() == (1, 0, 0)


def test_unknown_territory_katottg_is_reported(territory, tmp_path):
    rows = [settlement_row(territory_katottg="UA99999999999999999")]
    report = import_settlements(write_geojson(tmp_path / "s.geojson", rows), commit=True)
    assert [(e.row, e.field) for e in report.errors] == [(1, "territory_katottg")]
    assert stored() == (1, 0, 0)


def test_missing_required_column_is_one_file_level_error(territory, tmp_path):
    rows = [{"name_uk": "Дмитрівка", "geometry": box(32.70, 48.77, 32.74, 48.81)}]
    report = import_settlements(write_geojson(tmp_path / "s.geojson", rows), commit=True)
    assert [str(e) for e in report.errors] == ["file, field katottg: required column is missing"]
    assert stored() == (1, 0, 0)


def test_unknown_columns_are_ignored_with_one_warning(territory, tmp_path):
    rows = [settlement_row(colour="green", mayor="—")]
    report = import_settlements(write_geojson(tmp_path / "s.geojson", rows), commit=True)
    assert report.warnings == ["unknown columns ignored: colour, mayor"]
    assert report.created == 1


def test_missing_geometry_is_reported(territory, tmp_path):
    report = import_settlements(
        write_geojson(tmp_path / "s.geojson", [settlement_row(geometry=None)]), commit=True
    )
    assert [str(e) for e in report.errors] == ["row 1, field geometry: missing geometry"]
    assert stored() == (1, 0, 0)


def test_one_bad_row_keeps_the_good_rows_out_too(territory, tmp_path):
    rows = [settlement_row(), settlement_row(katottg=PLOSKE, population="many")]
    report = import_settlements(write_geojson(tmp_path / "s.geojson", rows), commit=True)
    assert [(e.row, e.field) for e in report.errors] == [(2, "population")]
    assert Settlement.objects.count() == 0


def test_failed_import_leaves_stored_settlements_untouched(settlement):
    report = import_settlements(DATA / "settlements_linestring.geojson", commit=True)
    assert not report.ok
    assert Settlement.objects.get().centre == Point(32.720833, 48.793611, srid=4326)


def test_facilities_geojson_reads_dates_booleans_and_nulls(settlement, tmp_path):
    rows = [
        {
            "name": "ЦНАП",
            "kind": "cnap",
            "settlement_katottg": DMYTRIVKA,
            "internet": "connected",
            "technology": "fibre",
            "down_mbps": 100,
            "connected_since": "2021-09-01",
            "position_accuracy": "approximate",
            "is_demo": True,
            "geometry": shapely_point(32.7205, 48.7935),
        },
        {
            "name": "Бібліотека",
            "kind": "library",
            "settlement_katottg": None,
            "internet": "unknown",
            "technology": None,
            "down_mbps": None,
            "connected_since": None,
            "position_accuracy": "approximate",
            "is_demo": True,
            "geometry": shapely_point(32.7215, 48.7945),
        },
    ]
    report = layer_import(
        kind="facilities", path=write_geojson(tmp_path / "f.geojson", rows), commit=True
    )
    assert report.ok, report.errors
    cnap, library = Facility.objects.get(kind="cnap"), Facility.objects.get(kind="library")
    assert cnap.connected_since.isoformat() == "2021-09-01"
    assert (library.connected_since, library.down_mbps, library.technology) == (None, None, "")
    assert library.settlement == settlement
    assert cnap.is_demo and library.is_demo
