"""Reports and the address register: the nearest address on filing, on the page and in
Open311 (address_id in GET and POST, address_string geocoded)."""

import pytest
from django.contrib.auth.models import User

from addresses.models import Street
from reports.models import Report
from tests.addresses.conftest import make_address
from tests.reports.conftest import INSIDE
from tests.reports.test_open311 import BASE, FORMATS, error_list, post_data, requests_list

NEAR = (INSIDE["lon"] + 0.0002, INSIDE["lat"])  # ~15 m east of the report point
FAR = (INSIDE["lon"] + 0.0030, INSIDE["lat"])  # ~220 m east


@pytest.fixture
def shkilna(settlement):
    return Street.objects.create(settlement=settlement, name="Шкільна")


@pytest.fixture
def near_address(shkilna):
    return make_address(shkilna, "3", *NEAR)


def test_filing_sets_the_nearest_active_address_within_150_m(make_report, shkilna):
    near = make_address(shkilna, "3", *NEAR)
    make_address(shkilna, "5", NEAR[0] + 0.0004, NEAR[1])
    assert make_report().nearest_address == near


def test_filing_skips_retired_addresses_and_those_beyond_150_m(make_report, shkilna):
    make_address(shkilna, "3", *NEAR, status="retired")
    make_address(shkilna, "9", *FAR)
    assert make_report().nearest_address is None


def test_the_report_page_shows_the_nearest_address(client, make_report, near_address):
    report = make_report()
    page = client.get(f"/reports/{report.number}/").content.decode()
    assert "Дмитрівка, вул. Шкільна, 3" in page


def test_retiring_or_deleting_nothing_breaks_a_report_whose_address_goes(make_report, shkilna):
    address = make_address(shkilna, "7", *NEAR)
    report = make_report()
    address.delete()
    report.refresh_from_db()
    assert report.nearest_address is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_open311_get_returns_the_nearest_address_id_and_label(
    client, make_report, near_address, fmt
):
    make_report(address_text="біля школи")
    (item,) = requests_list(client.get(f"{BASE}/requests.{fmt}"), fmt)
    assert str(item["address_id"]) == str(near_address.pk)
    assert item["address"] == "Дмитрівка, вул. Шкільна, 3"


def test_open311_post_with_an_address_id_is_placed_at_that_address(
    client, territory, settlement, category, api_key, near_address
):
    data = post_data(api_key, lat=None, long=None, address_id=str(near_address.pk))
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert (report.location.x, report.location.y) == pytest.approx(NEAR)
    assert report.nearest_address == near_address and not report.location_approximate


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("address_id", ["999999", "abc", "retired"])
def test_open311_post_with_an_unknown_or_retired_address_id_is_a_400_and_writes_nothing(
    client, territory, settlement, category, api_key, shkilna, fmt, address_id
):
    if address_id == "retired":
        address_id = str(make_address(shkilna, "11", *NEAR, status="retired").pk)
    data = post_data(api_key, lat=None, long=None, address_id=address_id)
    response = client.post(f"{BASE}/requests.{fmt}", data)
    assert response.status_code == 400
    ((code, description),) = error_list(response, fmt)
    assert code == 400 and f"address_id '{address_id}'" in description
    assert Report.objects.count() == 0


def test_open311_post_with_a_misspelt_address_string_takes_the_best_candidate(
    client, territory, settlement, category, api_key, near_address
):
    data = post_data(api_key, lat=None, long=None, address_string="Дмитривка, Шкiльна 3")
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert report.nearest_address == near_address and report.location_approximate


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "address_string",
    ["Дмитрівка", "вул. Шкільна", "вул. Шкільна 99", "Main street 1, Springfield", "x"],
)
def test_open311_post_with_an_address_string_without_a_good_match_is_a_400_and_writes_nothing(
    client, territory, settlement, category, api_key, near_address, fmt, address_string
):
    data = post_data(api_key, lat=None, long=None, address_string=address_string)
    response = client.post(f"{BASE}/requests.{fmt}", data)
    assert response.status_code == 400
    errors = error_list(response, fmt)
    assert errors and all(code == 400 and description for code, description in errors)
    assert Report.objects.count() == 0
    assert not User.objects.exists()
