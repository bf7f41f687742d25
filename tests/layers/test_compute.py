"""Pure checks of the layer import: values, columns, geometries, containment (no database)."""

import math
from datetime import date, datetime

import pandas as pd
import pytest
from shapely.geometry import LineString, MultiPoint, MultiPolygon, Point, Polygon, box

from layers import compute
from layers.compute import Field, ImportReport, RowIssue

BOWTIE = Polygon([(32.70, 48.77), (32.74, 48.81), (32.74, 48.77), (32.70, 48.81)])
SQUARE = box(32.70, 48.77, 32.74, 48.81)


# --- values -------------------------------------------------------------------------------


def test_katottg_accepts_ua_and_17_digits():
    assert compute.parse_katottg(" UA35040090010099441 ") == "UA35040090010099441"


@pytest.mark.parametrize(
    "bad", ["UA3504009001009944", "ua35040090010099441", "3504009001009944100"]
)
def test_katottg_rejects_wrong_format(bad):
    with pytest.raises(ValueError, match="not a KATOTTG code"):
        compute.parse_katottg(bad)


@pytest.mark.parametrize(
    ("cell", "expected"), [("12", 12), (12.0, 12), ("1 200", 1200), (0, 0), ("7.0", 7)]
)
def test_count_parses_whole_non_negative_numbers(cell, expected):
    assert compute.parse_count(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (-1, "negative"),
        ("2.5", "whole number"),
        ("many", "whole number"),
        (True, "whole number"),
        (3_000_000_000, "too large"),
        (math.inf, "whole number"),
    ],
)
def test_count_rejects_negative_fractional_and_text(cell, message):
    with pytest.raises(ValueError, match=message):
        compute.parse_count(cell)


@pytest.mark.parametrize("cell", [True, "true", "Так", "yes", "1", 1])
def test_bool_reads_true_words(cell):
    assert compute.parse_bool(cell) is True


@pytest.mark.parametrize("cell", [False, "false", "ні", "No", "0", 0.0])
def test_bool_reads_false_words(cell):
    assert compute.parse_bool(cell) is False


def test_bool_rejects_other_words():
    with pytest.raises(ValueError, match="true/false"):
        compute.parse_bool("maybe")


@pytest.mark.parametrize(
    "cell",
    ["2021-09-01", datetime(2021, 9, 1, 10, 30), date(2021, 9, 1), pd.Timestamp("2021-09-01")],
)
def test_date_reads_iso_text_and_datetimes(cell):
    assert compute.parse_date(cell) == date(2021, 9, 1)


def test_date_rejects_day_first_text():
    with pytest.raises(ValueError, match="ISO date"):
        compute.parse_date("01.09.2021")


def test_choice_is_case_insensitive():
    assert compute.choice_parser(["fibre", "4g"])(" 4G ") == "4g"


def test_choice_names_the_allowed_values():
    with pytest.raises(ValueError, match="not one of: fibre, 4g"):
        compute.choice_parser(["fibre", "4g"])("pigeon")


def test_text_rejects_values_over_max_length():
    with pytest.raises(ValueError, match="at most 3"):
        compute.text_parser(3)("Дмитрівка")


def test_text_strips_spaces():
    assert compute.text_parser(20)("  Плоске ") == "Плоске"


def test_parse_float_accepts_decimal_comma():
    assert compute.parse_float("48,79") == pytest.approx(48.79)


def test_parse_float_rejects_nan():
    with pytest.raises(ValueError, match="finite"):
        compute.parse_float("nan")


@pytest.mark.parametrize("cell", [None, float("nan"), "  ", pd.NaT, pd.NA, ""])
def test_blank_cells_are_recognised(cell):
    assert compute.is_blank(cell)


@pytest.mark.parametrize("cell", [0, False, "0", date(2020, 1, 1)])
def test_zero_and_false_are_not_blank(cell):
    assert not compute.is_blank(cell)


FIELDS = (
    Field("katottg", compute.parse_katottg, required=True),
    Field("population", compute.parse_count),
    Field("kind", compute.choice_parser(["village", "city"]), default="village"),
)


def test_clean_fields_reports_empty_required_value():
    _, issues = compute.clean_fields({"katottg": " "}, FIELDS, row=4)
    assert issues == [RowIssue(4, "katottg", "required value is empty")]


def test_clean_fields_gives_blank_cells_the_default():
    values, issues = compute.clean_fields(
        {"katottg": "UA35040090010099441", "kind": None}, FIELDS, row=1
    )
    assert issues == []
    assert values == {"katottg": "UA35040090010099441", "kind": "village"}


def test_clean_fields_skips_columns_the_file_lacks():
    values, _ = compute.clean_fields({"katottg": "UA35040090010099441"}, FIELDS, row=1)
    assert "population" not in values


def test_clean_fields_reports_every_bad_cell_with_row_and_field():
    props = {"katottg": "UA1", "population": "-5", "kind": "town"}
    _, issues = compute.clean_fields(props, FIELDS, row=7)
    assert [(i.row, i.field) for i in issues] == [(7, "katottg"), (7, "population"), (7, "kind")]


# --- geometry -----------------------------------------------------------------------------


def test_polygon_is_promoted_to_multipolygon():
    result = compute.as_multipolygon(SQUARE)
    assert isinstance(result, MultiPolygon)
    assert result.area == pytest.approx(SQUARE.area)


def test_boundary_drops_z():
    square_z = Polygon([(0, 0, 5), (1, 0, 5), (1, 1, 5), (0, 0, 5)])
    assert not compute.as_multipolygon(square_z).has_z


def test_linestring_is_not_a_boundary():
    with pytest.raises(ValueError, match="got LineString"):
        compute.as_multipolygon(LineString([(0, 0), (1, 1)]))


def test_single_point_multipoint_is_a_point():
    assert compute.as_point(MultiPoint([(32.7, 48.8)])) == Point(32.7, 48.8)


def test_polygon_is_not_a_point():
    with pytest.raises(ValueError, match="expected Point, got Polygon"):
        compute.as_point(SQUARE)


def test_validity_problem_names_self_intersection():
    assert compute.validity_problem(BOWTIE).startswith("Self-intersection")


def test_valid_polygon_has_no_validity_problem():
    assert compute.validity_problem(SQUARE) is None


def test_repair_splits_bowtie_into_two_valid_triangles():
    fixed = compute.repaired_multipolygon(BOWTIE)
    assert fixed.is_valid
    assert len(fixed.geoms) == 2


def test_clean_boundary_rejects_self_intersection_without_repair():
    boundary, errors, _ = compute.clean_boundary(BOWTIE, row=2)
    assert boundary is None
    assert errors[0].row == 2
    assert errors[0].field == "geometry"
    assert "Self-intersection" in errors[0].message


def test_clean_boundary_repairs_on_request_and_warns_with_row():
    boundary, errors, warnings = compute.clean_boundary(BOWTIE, row=2, repair=True)
    assert errors == []
    assert boundary.is_valid
    assert warnings[0].startswith("row 2: geometry repaired (Self-intersection")


def test_clean_boundary_rejects_metre_coordinates():
    _, errors, _ = compute.clean_boundary(box(300000, 5400000, 301000, 5401000), row=1)
    assert "outside lon/lat range" in errors[0].message


def test_clean_boundary_reports_missing_geometry():
    _, errors, _ = compute.clean_boundary(None, row=5)
    assert errors == [RowIssue(5, "geometry", "missing geometry")]


def test_clean_point_rejects_linestring():
    point, errors = compute.clean_point(LineString([(32.7, 48.7), (32.8, 48.8)]), row=3)
    assert point is None
    assert errors[0].field == "geometry"


def test_settlement_polygon_gets_centre_on_its_surface():
    shape, errors, _ = compute.settlement_shape(SQUARE, {}, row=1)
    assert errors == []
    assert shape["boundary"].covers(shape["centre"])


def test_settlement_point_is_centre_without_boundary():
    shape, errors, _ = compute.settlement_shape(Point(32.8, 48.7), {}, row=1)
    assert errors == []
    assert shape == {"boundary": None, "centre": Point(32.8, 48.7)}


def test_settlement_centre_columns_override_point_on_surface():
    props = {"centre_lon": "32.7208", "centre_lat": "48.7936"}
    shape, _, _ = compute.settlement_shape(SQUARE, props, row=1)
    assert shape["centre"] == Point(32.7208, 48.7936)


def test_settlement_centre_outside_its_boundary_is_an_error():
    props = {"centre_lon": "33.5", "centre_lat": "48.7936"}
    _, errors, _ = compute.settlement_shape(SQUARE, props, row=6)
    assert errors == [RowIssue(6, "centre_lon", "the centre lies outside the boundary")]


# --- containment and keys -----------------------------------------------------------------


def test_metric_projector_puts_central_meridian_at_false_easting():
    projected = compute.metric_projector(6385)(Point(33.0, 48.8))
    # Within the WGS 84 → UCS-2000 datum shift (about 100 m here).
    assert projected.x == pytest.approx(300_000, abs=200)
    assert projected.y == pytest.approx(5_407_000, abs=1_000)


def test_covering_key_allows_points_within_tolerance():
    areas = compute.grown_areas({"T": box(0, 0, 1000, 1000)}, 50)
    assert compute.covering_key(Point(1030, 500), areas) == "T"


def test_covering_key_refuses_points_beyond_tolerance():
    areas = compute.grown_areas({"T": box(0, 0, 1000, 1000)}, 50)
    assert compute.covering_key(Point(1100, 500), areas) is None


def test_report_is_ok_with_warnings_only():
    report = ImportReport(kind="territory", path="x", warnings=["file has no CRS"])
    assert report.ok


def test_report_is_not_ok_with_an_error():
    report = ImportReport(kind="territory", path="x", errors=[RowIssue(1, "katottg", "bad")])
    assert not report.ok


def test_row_issue_reads_row_field_message():
    assert (
        str(RowIssue(3, "geometry", "missing geometry"))
        == "row 3, field geometry: missing geometry"
    )


def test_file_level_issue_says_file():
    assert str(RowIssue(0, "katottg", "required column is missing")).startswith("file, field")
