"""Open311 requests near a point (`lat`, `long`, `radius` in metres), and far dates."""

import pytest

from tests.reports.conftest import INSIDE
from tests.reports.test_open311 import BASE, error_list, requests_list

pytestmark = pytest.mark.django_db
FORMATS = ["json", "xml"]


def ids(client, fmt, query):
    response = client.get(f"{BASE}/requests.{fmt}?{query}")
    assert response.status_code == 200, response.content
    return sorted(item["service_request_id"] for item in requests_list(response, fmt))


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_within_a_radius_of_a_point(client, make_report, fmt):
    here = make_report()
    # About 780 m east of the first (0.0106° of longitude at 48.8°N).
    there = make_report(lon=INSIDE["lon"] + 0.0106)
    lat, lon = INSIDE["lat"], INSIDE["lon"]
    assert ids(client, fmt, f"lat={lat}&long={lon}&radius=100") == [here.number]
    assert ids(client, fmt, f"lat={lat}&long={lon}&radius=900") == sorted(
        [here.number, there.number]
    )
    assert ids(client, fmt, f"lat={lat}&long={lon + 0.0106}&radius=50") == [there.number]
    assert ids(client, fmt, f"lat={lat}&long={lon}") == sorted([here.number, there.number])  # 1 km
    assert ids(client, fmt, f"lat={lat + 1}&long={lon}&radius=50000") == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "query",
    [
        "lat=48.8",
        "long=32.7",
        "radius=100",
        "lat=nan&long=32.7",
        "lat=48.8&long=inf",
        "lat=91&long=32.7",
        "lat=48.8&long=32.7&radius=-1",
        "lat=48.8&long=32.7&radius=1e9",
        "lat=48.8&long=32.7&radius=NaN",
        "lat=abc&long=32.7",
        "start_date=9999-12-31",
        "end_date=0001-01-01T00:00:00Z",
        "start_date=9999-12-31T23:59:59Z&end_date=9999-12-31T23:59:59Z",
    ],
)
def test_bad_positions_and_far_dates_are_400(client, db, fmt, query):
    response = client.get(f"{BASE}/requests.{fmt}?{query}")
    assert response.status_code == 400, response.content
    assert error_list(response, fmt)[0][0] == 400
