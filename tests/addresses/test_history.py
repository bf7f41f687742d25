"""History that means something: jitter is no move, changes read as words, revert only
for address editors."""

import math

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.urls import reverse

from addresses import history, services
from addresses.models import Address, Street
from addresses.services import address_import
from tests.addresses.test_imports import KATOTTG, write_csv


def _shift(point, east_m, north_m):
    lat = math.radians(point.y)
    dlon = math.degrees(east_m / (history._EARTH_RADIUS_M * math.cos(lat)))
    dlat = math.degrees(north_m / history._EARTH_RADIUS_M)
    return Point(point.x + dlon, point.y + dlat, srid=4326)


def _save(address, editor, reason="check"):
    services.address_save(address=address, user=editor, reason=reason)
    return address.history.latest()


def test_a_move_within_the_tolerance_is_no_move(addresses, editor):
    address = addresses[0]
    before = address.location
    address.location = _shift(before, 0.1, 0.1)
    record = _save(address, editor)
    address.refresh_from_db()
    assert address.location.equals_exact(before, 1e-12)
    assert history.change_lines(record) == []


def test_a_real_move_reads_as_metres_and_a_direction(addresses, editor):
    with_uk = addresses[0]
    with_uk.location = _shift(with_uk.location, 8.5, 8.5)
    lines = history.change_lines(_save(with_uk, editor))
    assert lines == ["Location: moved 12 m to the north-east"]


def test_a_street_change_reads_as_street_names(addresses, editor, settlement):
    lane = Street.objects.create(settlement=settlement, kind="lane", name="Садовий")
    address = addresses[0]
    address.street = lane
    lines = history.change_lines(_save(address, editor))
    assert lines == ["Street: провулок Садовий"] or lines == [
        "Street: вулиця Шевченка → провулок Садовий"
    ]


def test_choices_read_as_their_labels(addresses, editor):
    address = addresses[0]
    address.building_use = "mixed"
    assert history.change_lines(_save(address, editor)) == ["Building use: residential → mixed"]


def test_a_reimport_with_jittered_points_changes_nothing(settlement, tmp_path):
    row = "вулиця,Шевченка,12,27422,1,R-1,{lon},48.7905"
    address_import(
        path=write_csv(tmp_path, [row.format(lon="32.7210000")]), settlement=KATOTTG, commit=True
    )
    again = write_csv(tmp_path, [row.format(lon="32.7210001")], name="b.csv")  # ~7 mm
    report = address_import(path=again, settlement=KATOTTG, commit=True)
    assert (report.updated, report.unchanged) == (0, 1)
    assert Address.objects.get().history.count() == 1


def test_the_history_page_shows_readable_changes(client, editor, addresses):
    address = addresses[0]
    address.location = _shift(address.location, 0, 20)
    _save(address, editor, reason="surveyed")
    client.force_login(editor)
    page = client.get(reverse("admin:addresses_address_history", args=[address.pk]))
    text = page.content.decode()
    assert "20 м на північ" in text or "moved 20 m to the north" in text
    assert "SRID=4326;POINT" not in text


@pytest.mark.parametrize("compass", [(0, 10, "north"), (-10, 0, "west"), (-7, -7, "south-west")])
def test_directions_are_the_eight_compass_points(compass):
    east, north, word = compass
    start = Point(32.72, 48.79, srid=4326)
    end = _shift(start, east, north)
    assert history.direction((start.x, start.y), (end.x, end.y)) == word


def test_only_address_editors_may_revert(client, staff_user, addresses):
    record = addresses[0].history.earliest()
    client.force_login(staff_user)
    url = reverse("admin:addresses_address_simple_history", args=[addresses[0].pk, record.pk])
    response = client.post(url, {"change_reason": "revert"})
    assert response.status_code in (200, 302, 403)  # a read-only view at most
    assert not User.objects.filter(pk=staff_user.pk, groups__name="address_editors").exists()
    assert addresses[0].history.count() == 1  # nothing reverted, nothing saved
