"""House numbers per resolution No. 690 of 2021: ranges, fractions, letters, building parts;
natural order; a wrong range is an error naming its row and field."""

import json

import pytest

from addresses import compute, selectors
from addresses.models import Address
from addresses.services import address_import
from tests.addresses.conftest import make_address
from tests.addresses.test_imports import KATOTTG, write_csv


@pytest.mark.parametrize(
    ("raw", "display", "number", "number_to"),
    [
        ("12-14", "12-14", 12, 14),
        ("12 - 14", "12-14", 12, 14),
        ("12–14", "12-14", 12, 14),
        ("12-14 корп. 2", "12-14 корп. 2", 12, 14),
        ("12-а", "12А", 12, None),
    ],
)
def test_ranges_are_parsed_and_normalised(raw, display, number, number_to):
    house = compute.parse_house_number(raw)
    assert (house.display, house.number, house.number_to) == (display, number, number_to)


@pytest.mark.parametrize(
    ("raw", "display", "building"),
    [
        ("12 буд. 3", "12 буд. 3", 3),
        ("12, будинок 3", "12 буд. 3", 3),
        ("12 корп 2", "12 корп. 2", 2),
    ],
)
def test_building_parts_keep_their_word(raw, display, building):
    house = compute.parse_house_number(raw)
    assert (house.display, house.building) == (display, building)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [("14-12", "goes upwards"), ("12-12", "one number twice"), ("12А-14", "Cannot read")],
)
def test_a_wrong_range_says_why(raw, fragment):
    with pytest.raises(compute.HouseNumberError, match=fragment):
        compute.parse_house_number(raw)


def test_house_numbers_sort_naturally():
    raw = ["12А", "2", "10", "12/10", "12/1", "12", "12/2", "12-14", "1"]
    ordered = sorted(raw, key=lambda text: compute.parse_house_number(text).sort_key)
    assert ordered == ["1", "2", "10", "12", "12-14", "12/1", "12/2", "12/10", "12А"]


def test_the_register_lists_house_numbers_in_natural_order(street):
    for number in ["12А", "10", "12/10", "2", "12/1", "12/2"]:
        make_address(street, number, 32.72, 48.79)
    listed = list(Address.objects.filter(street=street).values_list("house_number", flat=True))
    assert listed == ["2", "10", "12/1", "12/2", "12/10", "12А"]
    found = json.loads(selectors.address_search_geojson(q="Шевченка"))["features"]
    assert [f["properties"]["house_number"] for f in found] == listed


def test_a_range_is_imported_and_found_by_any_of_its_numbers(settlement, tmp_path):
    path = write_csv(tmp_path, ["вулиця,Шевченка,12-14,27422,1,R-1,32.7210,48.7905"])
    report = address_import(path=path, settlement=KATOTTG, commit=True)
    assert report.ok and report.created == 1
    address = Address.objects.get()
    assert (address.house_number, address.number, address.number_to) == ("12-14", 12, 14)
    found = json.loads(selectors.address_search_geojson(q="Шевченка 13"))["features"]
    assert [f["properties"]["house_number"] for f in found] == ["12-14"]


def test_a_reversed_range_is_refused_naming_the_row_and_field(settlement, tmp_path):
    rows = [
        "вулиця,Шевченка,10,27422,1,R-1,32.7210,48.7905",
        "вулиця,Шевченка,14-12,27422,1,R-2,32.7210,48.7905",
    ]
    report = address_import(path=write_csv(tmp_path, rows), settlement=KATOTTG, commit=True)
    assert not report.committed and not Address.objects.exists()
    [error] = report.errors
    assert (error.row, error.field) == (3, "house_number")  # the line of the file
    assert "14-12" in error.message and "12-14" in error.message
