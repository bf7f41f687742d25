"""No lost edits: optimistic locking (core.locking) on addresses and streets, in the model,
the admin (two browsers on one address) and bulk writes."""

import pytest
from django.db import transaction
from django.urls import reverse

from addresses import services
from addresses.models import Address, Street
from core.locking import StaleEdit
from tests.addresses.test_admin import _address_form


def test_a_save_raises_the_version_by_one(addresses):
    address = addresses[0]
    assert address.version == 1
    address.postcode = "27423"
    address.save()
    address.refresh_from_db()
    assert address.version == 2


def test_a_stale_instance_cannot_overwrite_a_newer_save(addresses):
    first = Address.objects.get(pk=addresses[0].pk)
    second = Address.objects.get(pk=addresses[0].pk)
    first.households = 5
    first.save()
    second.households = 7
    with pytest.raises(StaleEdit), transaction.atomic():
        second.save()
    stored = Address.objects.get(pk=addresses[0].pk)
    assert (stored.households, stored.version) == (5, 2)
    assert second.version == 1  # left as read, so the caller can show both


def test_a_stale_street_rename_is_refused(street):
    other = Street.objects.get(pk=street.pk)
    street.name = "Франка"
    street.save()
    other.name = "Лесі Українки"
    with pytest.raises(StaleEdit), transaction.atomic():
        other.save(update_fields=["name"])
    assert Street.objects.get(pk=street.pk).name == "Франка"


def test_bulk_actions_raise_the_versions(addresses, editor):
    services.address_retire(addresses=addresses[:2], user=editor, reason="demolished")
    versions = Address.objects.order_by("pk").values_list("version", flat=True)
    assert list(versions) == [2, 2, 1, 1]


def _change(client, address, **fields):
    url = reverse("admin:addresses_address_change", args=[address.pk])
    data = _address_form(address.street, house_number=address.house_number, **fields)
    return client.post(url, data)


def test_two_browsers_editing_one_address_end_in_a_conflict_not_a_lost_edit(
    client, editor, addresses
):
    client.force_login(editor)
    address = addresses[1]
    # Both opened the form at version 1; the first saves households 3.
    first = _change(client, address, edited_version="1", households="3", change_reason="counted")
    assert first.status_code == 302
    # The second, still at version 1, saves households 4 and postcode 27499.
    second = _change(client, address, edited_version="1", households="4", postcode="27499")
    assert second.status_code == 200
    page = second.content.decode()
    assert "Хтось інший змінив цей запис" in page
    assert "3" in page and "4" in page and "27499" in page  # both versions shown, input kept
    stored = Address.objects.get(pk=address.pk)
    assert (stored.households, stored.postcode, stored.version) == (3, "27422", 2)
    # The form now carries version 2: saving again deliberately keeps the second's values.
    assert 'name="edited_version" value="2"' in page
    third = _change(client, address, edited_version="2", households="4", postcode="27499")
    assert third.status_code == 302
    stored.refresh_from_db()
    assert (stored.households, stored.postcode, stored.version) == (4, "27499", 3)


def test_the_admin_form_carries_the_version(client, editor, addresses):
    client.force_login(editor)
    url = reverse("admin:addresses_address_change", args=[addresses[0].pk])
    assert 'name="edited_version" value="1"' in client.get(url).content.decode()


# --------------------------------------------------------------------------- API


def _patch(client, address, body, **headers):
    url = reverse("api:address_update", args=[address.pk])
    return client.patch(url, body, content_type="application/json", headers=headers)


def test_the_api_sends_the_version_as_etag(client, addresses):
    response = client.get(reverse("api:address_detail", args=[addresses[0].pk]))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["properties"]["version"] == 1


def test_an_api_change_with_the_current_etag_is_saved(client, editor, addresses):
    client.force_login(editor)
    response = _patch(client, addresses[0], {"households": 6, "reason": "census"}, If_Match='"1"')
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    assert Address.objects.get(pk=addresses[0].pk).households == 6


def test_an_api_change_with_a_stale_etag_is_a_412_and_changes_nothing(client, editor, addresses):
    client.force_login(editor)
    assert (
        _patch(client, addresses[0], {"households": 6, "reason": "a"}, If_Match='"1"').status_code
        == 200
    )
    response = _patch(client, addresses[0], {"households": 9, "reason": "b"}, If_Match='"1"')
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "precondition_failed"
    assert Address.objects.get(pk=addresses[0].pk).households == 6


def test_an_api_change_without_if_match_is_a_428(client, editor, addresses):
    client.force_login(editor)
    response = _patch(client, addresses[0], {"households": 6, "reason": "census"})
    assert response.status_code == 428
    assert Address.objects.get(pk=addresses[0].pk).households == 0


def test_an_api_change_needs_an_address_editor(client, staff_user, addresses):
    assert _patch(client, addresses[0], {"households": 6, "reason": "x"}).status_code == 401
    client.force_login(staff_user)
    response = _patch(client, addresses[0], {"households": 6, "reason": "x"}, If_Match='"1"')
    assert response.status_code == 403


def test_an_api_change_to_a_bad_house_number_says_why(client, editor, addresses):
    client.force_login(editor)
    response = _patch(client, addresses[0], {"house_number": "14-12", "reason": "x"}, If_Match="*")
    assert response.status_code == 400
    assert "14-12" in response.json()["error"]["message"]


def test_a_stale_street_form_in_the_admin_is_a_conflict(client, editor, street):
    client.force_login(editor)
    url = reverse("admin:addresses_street_change", args=[street.pk])
    form = {
        "settlement": street.settlement_id, "kind": "street", "route": "", "registry_id": "",
        "change_reason": "council decision", "edited_version": "1",
    }  # fmt: skip
    assert client.post(url, {**form, "name": "Франка"}).status_code == 302
    response = client.post(url, {**form, "name": "Лесі Українки"})
    assert response.status_code == 200
    assert "Франка" in response.content.decode() and "Лесі Українки" in response.content.decode()
    assert Street.objects.get(pk=street.pk).name == "Франка"
