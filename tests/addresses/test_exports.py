"""Every export imports back unchanged: CSV (UTF-8 with BOM), GeoJSON, GeoPackage and a
zipped Shapefile (with .cpg, 10-character field names mapped back), in EPSG:4326 or the
metric national CRS."""

import zipfile

import pytest
from django.core.management import call_command

from addresses.exports import SHAPEFILE_NAMES
from addresses.models import Address
from addresses.services import address_import
from tests.addresses.test_imports import GOOD_ROWS, KATOTTG, write_csv

RANGE_ROW = "вулиця,Шевченка,14-16,27422,3,R-3,32.7240,48.7920"


@pytest.fixture
def register(settlement, tmp_path):
    rows = [*GOOD_ROWS, RANGE_ROW]
    report = address_import(path=write_csv(tmp_path, rows), settlement=KATOTTG, commit=True)
    assert report.committed
    return {a.registry_id or a.house_number: a for a in Address.objects.all()}


def _export(tmp_path, fmt, srid):
    suffix = "zip" if fmt == "shp" else fmt
    path = tmp_path / f"export-{srid}.{suffix}"
    call_command("addresses_export", str(path), "--format", fmt, "--srid", str(srid))
    return path


@pytest.mark.parametrize("srid", [4326, 6385])
@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg", "shp"])
def test_every_export_imports_back_unchanged(register, tmp_path, fmt, srid):
    path = _export(tmp_path, fmt, srid)
    csv_srid = srid if fmt == "csv" else None
    report = address_import(path=path, srid=csv_srid, commit=True)
    assert report.ok, report.errors
    assert (report.rows, report.created, report.updated, report.unchanged) == (4, 0, 0, 4)
    stored = Address.objects.get(registry_id="R-3")
    assert (stored.house_number, stored.number_to) == ("14-16", 16)


def test_the_csv_export_starts_with_a_bom_for_excel(register, tmp_path):
    data = _export(tmp_path, "csv", 4326).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Шевченка" in data.decode("utf-8-sig")


def test_a_metric_csv_export_has_x_and_y_in_metres(register, tmp_path):
    header, first = _export(tmp_path, "csv", 6385).read_text("utf-8-sig").splitlines()[:2]
    assert header.endswith(",x,y")
    x, y = (float(value) for value in first.split(",")[-2:])
    assert 100_000 < x < 700_000 and 5_000_000 < y < 6_000_000


def test_the_shapefile_has_a_cpg_and_short_field_names(register, tmp_path):
    import geopandas

    path = _export(tmp_path, "shp", 4326)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        cpg = next(name for name in names if name.endswith(".cpg"))
        assert archive.read(cpg).decode().strip().upper() in {"UTF-8", "UTF8"}
    assert {name.rsplit(".", 1)[1] for name in names} >= {"shp", "shx", "dbf", "prj", "cpg"}
    frame = geopandas.read_file(path, engine="pyogrio")
    assert set(SHAPEFILE_NAMES.values()) <= set(frame.columns)
    assert all(len(name) <= 10 for name in SHAPEFILE_NAMES.values())
