"""The verification workbench: the queue and its conflicts against PostGIS, each action by
POST (good, stale, bad input, wrong role) and the progress in Ukrainian plurals."""

import re

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from addresses import history
from addresses.models import Address, Street
from addresses.selectors import workbench
from tests.addresses.conftest import make_address

# Along Шевченка (lat 48.7902) one degree of longitude is about 73.4 km.
FAR_LON = 32.7209 + 0.008  # ~587 m east of 120, the street's last house
NEAR_LON = 32.7209 + 0.006  # ~440 m: a long gap, not a wrong point
OUTSIDE = (32.80, 48.7902)  # east of Дмитрівка's square (32.70-32.74)


def _url(address):
    return reverse("addresses:workbench", args=[address.pk])


def _post(client, address, action, **fields):
    version = fields.pop("version", Address.objects.get(pk=address.pk).version)
    return client.post(_url(address), {"action": action, "version": version, **fields})


def _kinds(address):
    return [conflict.kind for conflict in workbench.address_conflicts(address)]


# --------------------------------------------------------------------------- conflicts


def test_the_same_number_on_a_look_alike_street_is_a_conflict_of_both(street, addresses):
    lane = Street.objects.create(settlement=street.settlement, kind="lane", name="Шевченка")
    twin = make_address(lane, "10", 32.7100, 48.7950)
    assert _kinds(twin) == ["same_number"]
    (conflict,) = workbench.address_conflicts(addresses[0])
    assert conflict.other_id == twin.pk
    assert conflict.other_label == "Дмитрівка, пров. Шевченка, 10"


def test_a_range_sharing_a_number_of_its_side_is_a_conflict(street, addresses):
    both = make_address(street, "12-14", 32.7203, 48.7903)
    odd = make_address(street, "13", 32.7204, 48.7903)
    conflicts = workbench.address_conflicts(both)
    assert [c.other_id for c in conflicts] == [addresses[1].pk]  # 12, not 12А nor 13
    assert _kinds(odd) == []


def test_a_point_outside_its_village_is_a_conflict(street, addresses):
    stray = make_address(street, "14", *OUTSIDE)
    assert "outside_village" in _kinds(stray)
    assert "outside_village" not in _kinds(addresses[0])


def test_a_point_over_500_m_from_its_streets_other_houses_is_a_conflict(street, addresses):
    stray = make_address(street, "16", FAR_LON, 48.7902)
    (conflict,) = workbench.address_conflicts(stray)
    assert conflict.kind == "far_from_houses"
    # In EPSG:6385, against the sphere's 587 m (addresses.history.moved_m) within 1%.
    metres = float(re.search(r"(\d+) m away", conflict.message).group(1))
    sphere = history.moved_m((32.7209, 48.7902), (FAR_LON, 48.7902))
    assert metres == pytest.approx(sphere, rel=0.01)


def test_a_gap_under_500_m_is_no_conflict(street, addresses):
    assert _kinds(make_address(street, "16", NEAR_LON, 48.7902)) == []


def test_the_queue_opens_conflicts_first_and_leaves_verified_ones_out(street, addresses):
    stray = make_address(street, "16", FAR_LON, 48.7902)
    assert workbench.verification_next() == stray.pk
    assert workbench.conflicted_ids() == {stray.pk}
    Address.objects.filter(pk=stray.pk).update(verified=True)
    assert workbench.conflicted_ids() == set()
    assert workbench.verification_next() == addresses[0].pk  # then in natural order
    assert workbench.verification_next(skipped={addresses[0].pk}) == addresses[1].pk
    assert workbench.verification_next(settlement="UA00000000000000000") is None


# --------------------------------------------------------------------------- pages


def test_the_next_address_opens_and_the_end_of_the_queue_says_so(client, editor, addresses):
    client.force_login(editor)
    response = client.get(reverse("addresses:workbench_next"))
    assert response.status_code == 302 and response["Location"] == _url(addresses[0])
    Address.objects.update(verified=True)
    response = client.get(reverse("addresses:workbench_next"))
    assert response.status_code == 200
    assert "Неперевірених адрес у реєстрі не лишилося." in response.content.decode()


def test_the_page_shows_the_address_its_conflict_and_the_progress(
    client, editor, street, addresses
):
    Address.objects.filter(pk=addresses[0].pk).update(verified=True)
    stray = make_address(street, "16", FAR_LON, 48.7902)
    client.force_login(editor)
    page = client.get(_url(stray)).content.decode()
    assert "Дмитрівка, вул. Шевченка, 16" in page
    assert "Далеко від інших будинків вулиці" in page
    assert "Дмитрівка: перевірено 1 з 5 адрес" in page
    assert "Ще 4 адреси на перевірку" in page
    assert 'name="version" value="1"' in page


def test_the_progress_uses_the_ukrainian_singular_after_one(client, editor, street):
    only = make_address(street, "1", 32.72, 48.79)
    client.force_login(editor)
    page = client.get(_url(only)).content.decode()
    assert "Дмитрівка: перевірено 0 з 1 адреси" in page
    assert "Ще 1 адреса на перевірку" in page


def test_the_page_in_english(client, editor, addresses):
    client.force_login(editor)
    client.cookies["django_language"] = "en"
    page = client.get(_url(addresses[0])).content.decode()
    assert "Dmytrivka: 0 of 4 addresses verified" in page
    assert "Dmytrivka, vul. Shevchenka, 10" in page
    assert "Confirm: the address is right" in page


def test_only_address_editors_use_the_workbench(client, staff_user, addresses):
    url = _url(addresses[0])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert _post(client, addresses[0], "confirm").status_code == 302
    client.force_login(staff_user)
    assert client.get(url).status_code == 403
    assert client.get(reverse("addresses:workbench_next")).status_code == 403
    assert _post(client, addresses[0], "confirm").status_code == 403
    assert not Address.objects.get(pk=addresses[0].pk).verified


# --------------------------------------------------------------------------- actions


def test_confirm_verifies_with_history_and_opens_the_next(client, editor, addresses):
    client.force_login(editor)
    response = _post(client, addresses[0], "confirm")
    assert response.status_code == 302
    assert response["Location"] == reverse("addresses:workbench_next")
    stored = Address.objects.get(pk=addresses[0].pk)
    assert (stored.verified, stored.verified_by, stored.version) == (True, editor, 2)
    record = stored.history.first()
    assert (record.history_user, record.history_change_reason) == (
        editor,
        "перевірено в робочому місці перевірки",
    )
    assert client.get(response["Location"])["Location"] == _url(addresses[1])


def test_a_stale_confirm_is_a_conflict_page_and_changes_nothing(client, editor, addresses):
    client.force_login(editor)
    Address.objects.get(pk=addresses[0].pk).save()  # someone else saved: version 2
    response = _post(client, addresses[0], "confirm", version=1)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Хтось інший змінив цю адресу" in page
    assert 'name="version" value="2"' in page
    assert not Address.objects.get(pk=addresses[0].pk).verified


def test_move_saves_the_new_point_and_verifies(client, editor, addresses):
    client.force_login(editor)
    response = _post(client, addresses[0], "move", lon="32.72010", lat="48.79040")
    assert response.status_code == 302
    stored = Address.objects.get(pk=addresses[0].pk)
    assert (round(stored.location.x, 5), round(stored.location.y, 5)) == (32.7201, 48.7904)
    assert stored.verified and stored.version == 2


def test_a_stale_move_keeps_the_chosen_point_in_the_form(client, editor, addresses):
    client.force_login(editor)
    other = Address.objects.get(pk=addresses[0].pk)
    other.households = 3
    other.save()
    response = _post(client, addresses[0], "move", version=1, lon="32.7201234", lat="48.7904321")
    assert response.status_code == 409
    page = response.content.decode()
    assert 'value="32.7201234"' in page and 'value="48.7904321"' in page
    assert 'data-moved="true"' in page
    stored = Address.objects.get(pk=addresses[0].pk)
    assert (stored.location.x, stored.households, stored.verified) == (32.72, 3, False)
    # Sent again at the version the page now carries, it is saved over theirs.
    again = _post(client, addresses[0], "move", lon="32.7201234", lat="48.7904321")
    assert again.status_code == 302
    stored.refresh_from_db()
    assert (round(stored.location.x, 7), stored.households) == (32.7201234, 3)


def test_a_move_outside_the_village_is_refused_unless_allowed(client, editor, addresses):
    client.force_login(editor)
    lon, lat = OUTSIDE
    response = _post(client, addresses[0], "move", lon=lon, lat=lat)
    assert response.status_code == 400
    assert "поза межами" in response.content.decode()
    assert Address.objects.get(pk=addresses[0].pk).location == Point(32.72, 48.7902, srid=4326)
    response = _post(client, addresses[0], "move", lon=lon, lat=lat, allow_outside="on")
    assert response.status_code == 302
    assert Address.objects.get(pk=addresses[0].pk).location.x == lon


@pytest.mark.parametrize("lon, lat", [("", ""), ("abc", "48.79"), ("200", "48.79")])
def test_a_move_without_a_good_point_is_a_400(client, editor, addresses, lon, lat):
    client.force_login(editor)
    response = _post(client, addresses[0], "move", lon=lon, lat=lat)
    assert response.status_code == 400
    assert Address.objects.get(pk=addresses[0].pk).version == 1


def test_rename_goes_through_the_house_number_grammar(client, editor, street, addresses):
    lane = Street.objects.create(settlement=street.settlement, kind="lane", name="Садовий")
    client.force_login(editor)
    response = _post(client, addresses[3], "rename", street=lane.pk, house_number="12 корп. 2")
    assert response.status_code == 302
    stored = Address.objects.get(pk=addresses[3].pk)
    assert (stored.street, stored.house_number, stored.building) == (lane, "12 корп. 2", 2)
    assert stored.verified


def test_a_bad_rename_says_why_and_keeps_the_input(client, editor, addresses):
    client.force_login(editor)
    street = addresses[0].street_id
    response = _post(client, addresses[0], "rename", street=street, house_number="14-12")
    assert response.status_code == 400
    page = response.content.decode()
    assert "14-12" in page and 'value="14-12"' in page
    duplicate = _post(client, addresses[0], "rename", street=street, house_number="12")
    assert duplicate.status_code == 409
    assert "Хтось інший" not in duplicate.content.decode()  # a clash, not a stale page
    assert Address.objects.get(pk=addresses[0].pk).house_number == "10"


def test_rename_to_a_street_of_another_village_is_refused(client, editor, addresses, village):
    elsewhere = Street.objects.create(settlement=village, name="Шевченка")
    client.force_login(editor)
    response = _post(client, addresses[0], "rename", street=elsewhere.pk, house_number="10")
    assert response.status_code == 400
    assert Address.objects.get(pk=addresses[0].pk).street_id == addresses[0].street_id


def test_reject_needs_a_reason_and_retires_with_it(client, editor, addresses):
    client.force_login(editor)
    assert _post(client, addresses[2], "reject", reason=" ").status_code == 400
    assert Address.objects.get(pk=addresses[2].pk).status == "active"
    assert _post(client, addresses[2], "reject", reason="demolished in 2019").status_code == 302
    stored = Address.objects.get(pk=addresses[2].pk)
    assert (stored.status, stored.verified) == ("retired", False)
    assert stored.history.first().history_change_reason == "demolished in 2019"


def test_skip_opens_the_next_and_an_unknown_action_is_a_400(client, editor, addresses):
    client.force_login(editor)
    response = client.post(_url(addresses[0]), {"action": "skip"})
    assert client.get(response["Location"])["Location"] == _url(addresses[1])
    assert _post(client, addresses[1], "delete").status_code == 400
    assert Address.objects.filter(verified=True).count() == 0


def test_the_village_chosen_stays_through_the_actions(client, editor, addresses, village):
    sadova = Street.objects.create(settlement=village, name="Садова")
    other = make_address(sadova, "1", 32.82, 48.86)
    client.force_login(editor)
    query = f"?village={village.katottg}"
    response = client.get(reverse("addresses:workbench_next") + query)
    assert response["Location"] == _url(other) + query
    response = client.post(_url(other) + query, {"action": "confirm", "version": 1})
    assert response["Location"] == reverse("addresses:workbench_next") + query
