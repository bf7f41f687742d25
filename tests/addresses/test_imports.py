"""addresses_import / addresses_export: files, bad input, all-or-nothing, re-import."""

import json

import geopandas
import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from addresses.models import Address, Street
from addresses.services import address_import
from core.errors import InvalidInput
from layers.tiles import cache as tilecache

KATOTTG = "UA35040090010099441"
HEADER = "street_kind,street,house_number,postcode,households,registry_id,lon,lat"
GOOD_ROWS = [
    "вулиця,Шевченка,12,27422,1,R-1,32.7210,48.7905",
    "провулок,Садовий,3-а,27422,2,R-2,32.7220,48.7910",
    "вул.,Мар'янівська,5/1,,0,,32.7230,48.7915",
]


def write_csv(tmp_path, rows, *, header=HEADER, name="a.csv", encoding="utf-8", sep=","):
    path = tmp_path / name
    lines = [header, *rows]
    path.write_bytes("\n".join(line.replace(",", sep) for line in lines).encode(encoding))
    return path


def run(path, **options):
    return address_import(path=path, settlement=options.pop("settlement", KATOTTG), **options)


def messages(report):
    return [(e.row, e.field, e.message) for e in report.errors]


def test_dry_run_reports_counts_and_writes_nothing(settlement, tmp_path):
    report = run(write_csv(tmp_path, GOOD_ROWS))
    assert report.ok and not report.committed
    assert (report.rows, report.created, report.streets_created) == (3, 3, 3)
    assert not Address.objects.exists() and not Street.objects.exists()


def test_commit_writes_every_row_with_history_reason(settlement, tmp_path):
    report = run(write_csv(tmp_path, GOOD_ROWS), commit=True, reason="first load")
    assert report.committed and report.created == 3
    address = Address.objects.get(registry_id="R-2")
    assert (address.street.kind, address.street.name, address.house_number) == (
        "lane",
        "Садовий",
        "3А",
    )
    assert address.history.get().history_change_reason == "first load"
    assert Street.objects.get(name="Марʼянівська").kind == "street"


def test_commit_gives_the_tiles_and_counts_a_new_data_version(
    settlement, tmp_path, django_capture_on_commit_callbacks
):
    # COPY sends no post_save, so without the explicit bump the address tiles and the
    # OGC numberMatched would stay stale until their cache entries expire.
    before = tilecache.data_version()
    with django_capture_on_commit_callbacks(execute=True):
        run(write_csv(tmp_path, GOOD_ROWS), commit=True)
    assert tilecache.data_version() != before


def test_cp1251_semicolon_csv_is_detected(settlement, tmp_path):
    path = write_csv(tmp_path, GOOD_ROWS, encoding="cp1251", sep=";")
    report = run(path, commit=True)
    assert report.created == 3
    assert "encoding: cp1251 (not UTF-8)" in report.notes
    assert "CSV delimiter: ';'" in report.notes
    assert Street.objects.filter(name="Шевченка").exists()


def test_malformed_csv_row_is_reported_and_nothing_is_written(settlement, tmp_path):
    rows = [*GOOD_ROWS, "вулиця,Шевченка,14,27422"]
    report = run(write_csv(tmp_path, rows), commit=True)
    assert messages(report) == [(5, "-", "expected 8 fields, found 4")]
    assert not report.committed and not Address.objects.exists()


def test_unparsable_house_number_says_why(settlement, tmp_path):
    report = run(write_csv(tmp_path, ["вулиця,Шевченка,12ЬЬ,,0,,32.7210,48.7905"]), commit=True)
    assert messages(report) == [
        (2, "house_number", "A house number has at most one letter: '12ЬЬ'.")
    ]
    assert not Address.objects.exists() and not Street.objects.exists()


def test_unknown_street_kind_is_a_row_error(settlement, tmp_path):
    report = run(write_csv(tmp_path, ["алейка,Липова,1,,0,,32.7210,48.7905"]), commit=True)
    assert report.errors[0].field == "street_kind"
    assert "Unknown street kind 'алейка'" in report.errors[0].message
    assert not Address.objects.exists()


def test_duplicates_inside_the_file_are_rejected(settlement, tmp_path):
    rows = [*GOOD_ROWS, "вулиця,Шевченка,12,27422,1,R-9,32.7211,48.7905"]
    report = run(write_csv(tmp_path, rows), commit=True)
    assert messages(report) == [
        (5, "house_number", "duplicate of row 2 (same street and house number)")
    ]
    assert not Address.objects.exists()


def test_duplicate_against_the_database_is_rejected(settlement, tmp_path):
    run(write_csv(tmp_path, GOOD_ROWS), commit=True)
    clash = ["вулиця,Шевченка,12,27422,1,R-77,32.7210,48.7905"]  # same number, other id
    report = run(write_csv(tmp_path, clash, name="b.csv"), commit=True)
    assert report.errors[0].field == "registry_id"
    assert "already has this street and number" in report.errors[0].message
    assert Address.objects.count() == 3 and not Address.objects.filter(registry_id="R-77")


def test_point_outside_the_settlement_is_an_error_unless_allowed(settlement, tmp_path):
    path = write_csv(tmp_path, ["вулиця,Шевченка,1,,0,,32.9000,48.9000"])
    report = run(path, commit=True)
    assert report.errors[0].field == "location"
    assert "outside Дмитрівка" in report.errors[0].message
    assert not Address.objects.exists()
    assert run(path, commit=True, allow_outside=True).created == 1


def test_reimport_updates_instead_of_duplicating(settlement, tmp_path):
    run(write_csv(tmp_path, GOOD_ROWS), commit=True)
    again = run(write_csv(tmp_path, GOOD_ROWS), commit=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = [GOOD_ROWS[0].replace(",1,R-1", ",4,R-1"), GOOD_ROWS[1].replace(",3-а,", ",3-б,")]
    report = run(write_csv(tmp_path, changed, name="c.csv"), commit=True)
    assert (report.created, report.updated) == (0, 2)
    assert Address.objects.count() == 3
    assert Address.objects.get(registry_id="R-1").households == 4
    assert Address.objects.get(registry_id="R-2").house_number == "3Б"  # matched by id


def test_projected_csv_without_srid_is_rejected_and_with_srid_reprojected(settlement, tmp_path):
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 6385, always_xy=True).transform(32.7210, 48.7905)
    path = write_csv(tmp_path, [f"вулиця,Шевченка,1,,0,,{x:.2f},{y:.2f}"])
    report = run(path, commit=True)
    assert "are not degrees" in report.errors[0].message
    assert not Address.objects.exists()
    report = run(path, commit=True, srid=6385)
    assert report.created == 1
    assert Address.objects.get().location.x == pytest.approx(32.7210, abs=1e-6)


def test_wkt_column_is_read(settlement, tmp_path):
    path = write_csv(
        tmp_path,
        ["вулиця;Шевченка;7;POINT (32.7215 48.7906)"],
        header="street_kind;street;house_number;wkt",
        sep=";",
    )
    assert run(path, commit=True).created == 1
    assert Address.objects.get().location.coords == pytest.approx((32.7215, 48.7906))


def _frame(points, crs):
    return geopandas.GeoDataFrame(
        {"street": ["вул. Шевченка", "пров. Садовий"], "house_number": ["1", "2"]},
        geometry=[shapely.Point(p) for p in points],
        crs=crs,
    )


def test_geojson_is_imported(settlement, tmp_path):
    path = tmp_path / "a.geojson"
    _frame([(32.7210, 48.7905), (32.7220, 48.7910)], "EPSG:4326").to_file(path, engine="pyogrio")
    report = run(path, commit=True)
    assert report.created == 2 and Street.objects.filter(kind="lane", name="Садовий").exists()


def test_shapefile_without_crs_is_read_as_4326_and_says_so(settlement, tmp_path):
    path = tmp_path / "a.shp"
    _frame([(32.7210, 48.7905), (32.7220, 48.7910)], None).to_file(path, engine="pyogrio")
    report = run(path, commit=True)
    assert "the file has no CRS: EPSG:4326 (lon/lat) assumed" in report.notes
    assert report.created == 2


def test_geopackage_in_epsg_6385_is_reprojected(settlement, tmp_path):
    path = tmp_path / "a.gpkg"
    frame = _frame([(32.7210, 48.7905), (32.7220, 48.7910)], "EPSG:4326").to_crs(6385)
    frame.to_file(path, engine="pyogrio")
    report = run(path, commit=True)
    assert any("reprojected from EPSG:6385" in note for note in report.notes)
    assert Address.objects.get(house_number="1").location.x == pytest.approx(32.7210, abs=1e-6)


def test_non_point_geometry_is_a_row_error(settlement, tmp_path):
    path = tmp_path / "a.geojson"
    frame = _frame([(32.7210, 48.7905), (32.7220, 48.7910)], "EPSG:4326")
    frame.geometry = [shapely.Point(32.7210, 48.7905).buffer(0.0001), frame.geometry[1]]
    frame.to_file(path, engine="pyogrio")
    report = run(path, commit=True)
    assert messages(report) == [(1, "geometry", "expected a point, found Polygon")]
    assert not Address.objects.exists()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "is empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"foo,bar\n1,2\n", r"lacks the column\(s\): street"),
    ],
)
def test_unreadable_csv_is_refused_whole(settlement, tmp_path, content, fragment):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=fragment):
        run(path, commit=True)
    assert not Address.objects.exists()


def test_malformed_geojson_is_refused(settlement, tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(InvalidInput, match="Cannot read bad.geojson"):
        run(path, commit=True)
    assert not Address.objects.exists()


def test_unknown_settlement_option_is_refused(settlement, tmp_path):
    with pytest.raises(InvalidInput, match="No settlement with KATOTTG code"):
        run(write_csv(tmp_path, GOOD_ROWS), settlement="UA35040090999999999", commit=True)
    assert not Address.objects.exists()


def test_command_dry_run_prints_notes_counts_and_writes_nothing(settlement, tmp_path, capsys):
    path = write_csv(tmp_path, GOOD_ROWS)
    call_command("addresses_import", str(path), "--settlement", KATOTTG)
    out = capsys.readouterr().out
    assert "3 rows: 3 new" in out and "Dry run" in out
    assert not Address.objects.exists()


def test_command_with_bad_rows_fails_listing_row_field_and_message(settlement, tmp_path, capsys):
    path = write_csv(tmp_path, [*GOOD_ROWS, "вулиця,Шевченка,0,,0,,32.72,48.79"])
    with pytest.raises(CommandError, match="1 rows have errors; nothing was written"):
        call_command("addresses_import", str(path), "--settlement", KATOTTG, "--commit")
    assert "row 5\thouse_number\tA house number is 1 or more" in capsys.readouterr().out
    assert not Address.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg"])
def test_export_imports_back_unchanged(settlement, tmp_path, fmt):
    run(write_csv(tmp_path, GOOD_ROWS), commit=True)
    path = tmp_path / f"out.{fmt}"
    call_command("addresses_export", str(path), "--format", fmt)
    report = address_import(path=path, commit=True)
    assert (report.rows, report.created, report.updated, report.unchanged) == (3, 0, 0, 3)
    if fmt == "geojson":
        feature = json.loads(path.read_text())["features"][0]
        assert feature["properties"]["label"].startswith("Дмитрівка, ")


def test_an_unterminated_quote_is_a_row_error_and_nothing_is_written(settlement, tmp_path):
    rows = [GOOD_ROWS[0], 'вулиця,"Шевченка,14,27422,1,R-5,32.7211,48.7905']
    report = run(write_csv(tmp_path, rows), commit=True)
    assert messages(report) == [(3, "-", "expected 8 fields, found 2")]
    assert not report.committed and not Address.objects.exists()


def test_csv_coordinates_without_a_crs_are_read_as_4326_and_the_report_says_so(
    settlement, tmp_path
):
    report = run(write_csv(tmp_path, GOOD_ROWS))
    assert "CSV coordinates read as EPSG:4326 (lon, lat)" in report.notes


def test_command_allow_outside_writes_a_point_outside_its_settlement(settlement, tmp_path):
    path = write_csv(tmp_path, ["вулиця,Шевченка,1,,0,,32.9000,48.9000"])
    with pytest.raises(CommandError, match="1 rows have errors"):
        call_command("addresses_import", str(path), "--settlement", KATOTTG, "--commit")
    assert not Address.objects.exists()
    call_command(
        "addresses_import", str(path), "--settlement", KATOTTG, "--commit", "--allow-outside"
    )
    assert Address.objects.get().location.x == pytest.approx(32.9)


def test_import_report_and_command_speak_ukrainian_by_default(settlement, tmp_path, capsys):
    path = write_csv(tmp_path, [*GOOD_ROWS, "алейка,Липова,1,,0,,32.7210,48.7905"], sep=";")
    with translation.override("uk"):
        report = run(path)
        assert messages(report)[0][2].startswith("Невідомий тип вулиці «алейка». Відомі типи:")
        assert "роздільник CSV: «;»" in report.notes
        with pytest.raises(CommandError, match="Рядків із помилками: 1; нічого не записано."):
            call_command("addresses_import", str(path), "--settlement", KATOTTG)
    out = capsys.readouterr().out
    assert "рядок 5\tstreet_kind\tНевідомий тип вулиці «алейка»" in out
    assert "Рядків: 4; нових: 3" in out and "пробний прогін, нічого не записано" in out
    assert not Address.objects.exists()


def test_zipped_shapefile_is_imported(settlement, tmp_path):
    import zipfile

    shapefile = tmp_path / "shp" / "houses.shp"
    shapefile.parent.mkdir()
    _frame([(32.7210, 48.7905), (32.7220, 48.7910)], "EPSG:4326").to_file(
        shapefile, engine="pyogrio"
    )
    archive = tmp_path / "houses.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for part in shapefile.parent.iterdir():
            out.write(part, part.name)
    report = run(archive, commit=True)
    assert report.ok and report.created == 2
    assert Street.objects.filter(kind="lane", name="Садовий").exists()


def test_an_upload_over_50_mb_is_refused_before_it_is_read(settlement, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from addresses.services import MAX_UPLOAD_BYTES, address_import_upload

    upload = SimpleUploadedFile("big.csv", HEADER.encode())
    upload.size = MAX_UPLOAD_BYTES + 1  # the size Django measured while receiving it
    with pytest.raises(InvalidInput, match="the limit is 50 MB. Nothing was written."):
        address_import_upload(upload=upload, settlement=settlement, commit=True, user=editor)
    assert MAX_UPLOAD_BYTES == 50 * 2**20 and not Address.objects.exists()


def _index_names(table):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {name for (name,) in cursor.fetchall()}


def test_a_first_import_rebuilds_the_indexes_it_set_aside(settlement, tmp_path):
    from django.db import connection

    from core.imports import write

    before = _index_names("addresses_address"), _index_names("addresses_historicaladdress")
    with connection.cursor() as cursor:
        assert write.rebuild_pays(cursor, "addresses_address", 3)
    report = run(write_csv(tmp_path, GOOD_ROWS), commit=True)
    assert report.committed and Address.objects.count() == 3
    after = _index_names("addresses_address"), _index_names("addresses_historicaladdress")
    assert after == before
    # The unique index was rebuilt and still refuses a second active "Шевченка 12".
    assert Address.objects.filter(street__name="Шевченка", house_number="12").count() == 1


def test_a_small_import_into_a_larger_register_keeps_the_indexes(settlement, tmp_path):
    from django.db import connection

    from core.imports import write

    run(write_csv(tmp_path, GOOD_ROWS), commit=True)
    with connection.cursor() as cursor:
        assert not write.rebuild_pays(cursor, "addresses_address", 2)
        assert write.rebuild_pays(cursor, "addresses_address", 3)


def test_a_refused_bulk_write_leaves_no_rows_and_every_index(settlement, tmp_path):
    from django.db import IntegrityError, connection, transaction

    from core.imports import write

    before = _index_names("addresses_address")
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        connection.cursor() as cursor,
        write.indexes_set_aside(cursor, "addresses_address", 10) as rebuilt,
    ):
        assert rebuilt
        cursor.execute(
            "INSERT INTO addresses_address (house_number, number, letter, postcode,"
            " building_use, households, status, registry_id, verified, is_demo,"
            " settlement_id, street_id, version) VALUES"
            " ('1', 1, '', '', 'residential', 0, 'active', '', false, false, %s, -1, 1)",
            [settlement.pk],
        )
    assert _index_names("addresses_address") == before
    assert Address.objects.count() == 0
