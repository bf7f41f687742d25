"""The import engine's pure steps (no database): read, map columns, validate, report."""

import geopandas
import pytest
import shapely
from django.utils import translation

from core.errors import InvalidInput
from core.imports import Issue, Kind, Report
from core.imports.columns import map_columns
from core.imports.read import read_table
from core.imports.validate import Field, FirstSeen, clean_fields, missing_columns


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def kind(**declared) -> Kind:
    """A kind with no database behind it: enough for the read and map steps."""
    nothing = lambda *args: None  # noqa: E731
    return Kind(
        name="test",
        columns={"name": ("name", "назва")},
        prepare=nothing,
        validate=nothing,
        match=nothing,
        write=nothing,
        **declared,
    )


def write(tmp_path, text: str, *, name="a.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- read -----------------------------------------------------------------------------------


def test_cp1251_csv_is_detected_and_noted(tmp_path):
    path = write(tmp_path, "назва;lon;lat\nДмитрівка;32.72;48.79\n", encoding="cp1251")
    table = read_table(path, kind())
    assert table.records == [{"назва": "Дмитрівка", "lon": "32.72", "lat": "48.79"}]
    assert "encoding: cp1251 (not UTF-8)" in table.notes
    assert "CSV delimiter: ';'" in table.notes
    assert table.header == ["назва"]  # coordinate columns are the engine's, not a role's


def test_utf8_csv_has_no_encoding_note(tmp_path):
    table = read_table(write(tmp_path, "name,lon,lat\nА,32.72,48.79\n"), kind())
    assert not any("encoding" in note for note in table.notes)


def test_csv_rows_are_numbered_by_line_or_by_data_row(tmp_path):
    path = write(tmp_path, "name,lon,lat\n\nА,32.72,48.79\nБ,1\n")
    by_line = read_table(path, kind())
    assert (by_line.rows, by_line.total) == ([3], 2)
    assert by_line.issues == [Issue(4, "-", "expected 3 fields, found 2")]
    by_row = read_table(path, kind(csv_rows_by_line=False))
    assert by_row.rows == [1] and by_row.issues[0].row == 2


def test_bad_coordinates_are_a_row_issue_and_blank_ones_no_point(tmp_path):
    table = read_table(write(tmp_path, "name,x,y\nА,abc,48\nБ,,\nВ,32.7,48.8\n"), kind())
    assert table.issues == [Issue(2, "lon/lat", "not numbers: 'abc', '48'")]
    assert table.points() == [None, None, (32.7, 48.8)]
    assert table.shapes()[2] == shapely.Point(32.7, 48.8)


def test_csv_coordinates_in_another_crs_are_reprojected(tmp_path):
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 6385, always_xy=True).transform(32.72, 48.79)
    table = read_table(write(tmp_path, f"name,x,y\nА,{x},{y}\n"), kind(), srid=6385)
    assert table.points()[0] == pytest.approx((32.72, 48.79), abs=1e-6)
    assert "CSV coordinates reprojected from EPSG:6385 to EPSG:4326" in table.notes


def test_wkt_column_gives_geometries(tmp_path):
    path = write(tmp_path, "name;wkt\nА;POLYGON ((0 0, 1 0, 1 1, 0 0))\nБ;POLYGON ((\n")
    table = read_table(path, kind())
    assert table.geometries[0].geom_type == "Polygon" and table.geometries[1] is None
    assert table.issues[0].row == 3 and table.issues[0].field == "wkt"


def test_csv_without_coordinates_is_refused_or_noted_as_the_kind_says(tmp_path):
    path = write(tmp_path, "name\nА\n")
    with pytest.raises(InvalidInput) as caught:
        read_table(path, kind(coordinates_required=True, codes={"no_coordinates": "no_geometry"}))
    assert caught.value.code == "no_geometry"
    table = read_table(path, kind())
    assert table.geometries == [None] and "rows without points" in table.notes[-1]


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [(b"", "a.csv", "is empty"), (b"\x00\x01", "a.csv", "binary"), (b"x", "a.kml", "use one of")],
)
def test_unreadable_files_are_refused_whole(tmp_path, content, name, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=fragment):
        read_table(path, kind(geo_suffixes=frozenset({".geojson"})))


def test_a_kind_rewords_the_engines_messages(tmp_path):
    with pytest.raises(InvalidInput, match="nowhere.csv: gone") as caught:
        read_table(tmp_path / "nowhere.csv", kind(phrases={"no_file": "%(path)s: gone"}))
    assert caught.value.code == "file"


def test_shapefile_without_cpg_in_cp1251_is_detected(tmp_path):
    frame = geopandas.GeoDataFrame(
        {"name": ["Дмитрівка"]}, geometry=[shapely.Point(32.72, 48.79)], crs="EPSG:6385"
    )
    frame = frame.set_crs(None, allow_override=True).set_crs(4326)
    path = tmp_path / "s.shp"
    frame.to_file(path, engine="pyogrio", encoding="cp1251")
    (tmp_path / "s.cpg").unlink(missing_ok=True)
    table = read_table(path, kind())
    assert table.records[0]["name"] == "Дмитрівка"
    assert "encoding: cp1251 (not UTF-8)" in table.notes


def test_geo_file_in_another_crs_is_reprojected_and_noted(tmp_path):
    frame = geopandas.GeoDataFrame({"name": ["А"]}, geometry=[shapely.Point(32.72, 48.79)])
    path = tmp_path / "a.gpkg"
    frame.set_crs(4326).to_crs(6385).to_file(path, engine="pyogrio")
    table = read_table(path, kind())
    assert table.points()[0] == pytest.approx((32.72, 48.79), abs=1e-6)
    assert any(note.startswith("reprojected from EPSG:6385") for note in table.notes)


@pytest.mark.parametrize(
    ("header", "point"),
    [
        ("name,LON,Lat", (32.72, 48.79)),
        ("name,longitude,latitude", (32.72, 48.79)),
        ("name,x,y", (32.72, 48.79)),
    ],
)
def test_csv_coordinate_columns_are_found_in_any_case(tmp_path, header, point):
    table = read_table(write(tmp_path, f"{header}\nА,32.72,48.79\n"), kind())
    assert table.points() == [point] and table.header == ["name"]


def test_csv_separator_follows_the_header(tmp_path):
    comma = read_table(write(tmp_path, "name,kind,lon,lat\nА,b,32.72,48.79\n"), kind())
    semicolon = read_table(write(tmp_path, "name;kind;lon;lat\nА;b;32.72;48.79\n"), kind())
    assert "CSV delimiter: ','" in comma.notes and "CSV delimiter: ';'" in semicolon.notes
    assert comma.records == semicolon.records


def test_csv_wkt_polygon_is_read_and_bad_wkt_named(tmp_path):
    square = shapely.box(32.7, 48.78, 32.74, 48.8)
    path = write(tmp_path, f"name;wkt\nА;{square.wkt}\nБ;POLYGON ((1 2\n")
    table = read_table(path, kind())
    assert table.geometries[0].equals(square) and table.geometries[1] is None
    assert [(i.row, i.field) for i in table.issues] == [(3, "wkt")]
    assert table.issues[0].message.startswith("unreadable WKT")


# --- map columns and validate -----------------------------------------------------------------


def test_columns_are_matched_whatever_their_case(tmp_path):
    table = read_table(write(tmp_path, "KATOTTG,Name_UK\nUA1,Дмитрівка\n"), kind())
    found, unknown = map_columns(table.header, {"katottg": ("katottg",), "name_uk": ("name_uk",)})
    assert found == {"katottg": "katottg", "name_uk": "name_uk"} and unknown == []


def test_columns_truncated_by_shapefile_are_recognised():
    roles = {
        "territory_katottg": ("territory_katottg",),
        "position_accuracy": ("position_accuracy",),
    }
    found, unknown = map_columns(["territory_", "position_a"], roles)
    assert found == {"territory_katottg": "territory_", "position_accuracy": "position_a"}
    assert unknown == []


def test_columns_map_by_alias_and_by_shapefile_truncation():
    roles = {"name": ("name", "назва"), "territory_katottg": ("territory_katottg",)}
    found, unknown = map_columns(["назва", "territory_", "colour"], roles)
    assert found == {"name": "назва", "territory_katottg": "territory_"}
    assert unknown == ["colour"]


def test_fields_parse_cells_and_name_row_and_field():
    fields = (Field("n", int, required=True), Field("note", str, default=""))
    values, issues = clean_fields({"n": "x", "note": " "}, fields, row=4)
    assert values == {"note": ""}
    assert issues == [Issue(4, "n", "invalid literal for int() with base 10: 'x'")]
    assert missing_columns(fields, {}) == [Issue(0, "n", "required column is missing")]


def test_first_seen_names_the_earlier_row():
    seen = FirstSeen("katottg")
    assert seen.check(1, "A") == [] and seen.check(2, None) == []
    assert seen.check(3, "A") == [Issue(3, "katottg", "duplicate of row 1")]


# --- report -------------------------------------------------------------------------------------


def test_report_lines_and_summary():
    report = Report(rows_read=2, created=1, errors=[Issue(2, "name", "empty")])
    assert not report.ok and report.rows == 2
    assert report.error_lines() == ["row 2\tname\tempty"]
    assert report.summary() == (
        "2 rows: 1 new, 0 changed, 0 unchanged, 1 errors (dry run, nothing written)."
    )
    with translation.override("uk"):
        assert report.summary().startswith("Рядків: 2; нових: 1")
