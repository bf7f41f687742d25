"""Writes to the register: validation, permissions and history (who, when, why)."""

import pytest
from django.contrib.gis.geos import Point

from addresses import services
from addresses.models import Address, Street
from core.errors import Conflict, InvalidInput, PermissionDenied
from tests.addresses.conftest import make_address

INSIDE = Point(32.7210, 48.7905, srid=4326)
OUTSIDE = Point(32.9000, 48.9000, srid=4326)


def test_address_create_normalizes_number_and_records_who_and_why(street, editor):
    address = services.address_create(
        street=street, house_number="12-а", location=INSIDE, user=editor, reason="new house"
    )
    assert (address.house_number, address.number, address.letter) == ("12А", 12, "А")
    assert address.settlement_id == street.settlement_id
    record = address.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        editor,
        "new house",
    )


def test_address_create_by_a_user_outside_address_editors_is_denied(street, staff_user):
    with pytest.raises(PermissionDenied, match="address_editors"):
        services.address_create(
            street=street, house_number="1", location=INSIDE, user=staff_user, reason="x"
        )
    assert not Address.objects.exists()


def test_address_create_without_a_reason_is_rejected(street, editor):
    with pytest.raises(InvalidInput, match="reason"):
        services.address_create(street=street, house_number="1", user=editor, reason=" ")
    assert not Address.objects.exists()


def test_address_create_with_an_unparsable_number_says_why(street, editor):
    with pytest.raises(InvalidInput, match="at most one letter"):
        services.address_create(street=street, house_number="12ЬЬ", user=editor, reason="x")
    assert not Address.objects.exists()


def test_address_create_outside_its_settlement_is_rejected_unless_allowed(street, editor):
    with pytest.raises(InvalidInput, match="outside Дмитрівка"):
        services.address_create(
            street=street, house_number="1", location=OUTSIDE, user=editor, reason="x"
        )
    assert not Address.objects.exists()
    services.address_create(
        street=street, house_number="1", location=OUTSIDE, user=editor, reason="x",
        allow_outside=True,
    )  # fmt: skip
    assert Address.objects.count() == 1


def test_duplicate_active_address_is_a_conflict(street, editor):
    make_address(street, "12А", 32.72, 48.79)
    with pytest.raises(Conflict, match="already exists"):
        services.address_create(street=street, house_number="12 а", user=editor, reason="x")
    assert Address.objects.count() == 1


def test_a_retired_number_may_be_assigned_again(street, editor):
    old = make_address(street, "7", 32.72, 48.79)
    services.address_retire(addresses=[old], user=editor, reason="demolished")
    services.address_create(street=street, house_number="7", user=editor, reason="rebuilt")
    assert Address.objects.filter(house_number="7").count() == 2


def test_retire_records_the_reason_in_history(addresses, editor):
    count = services.address_retire(addresses=addresses[:2], user=editor, reason="merged plots")
    assert count == 2
    retired = Address.objects.get(pk=addresses[0].pk)
    assert retired.status == "retired"
    latest = retired.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (editor, "merged plots")


def test_retire_by_a_user_without_rights_changes_nothing(addresses, staff_user):
    with pytest.raises(PermissionDenied):
        services.address_retire(addresses=addresses, user=staff_user, reason="x")
    assert Address.objects.filter(status="active").count() == len(addresses)


def test_mark_verified_stamps_user_and_time(addresses, editor):
    assert services.address_mark_verified(addresses=addresses, user=editor) == 4
    address = Address.objects.get(pk=addresses[0].pk)
    assert address.verified and address.verified_by == editor and address.verified_at


def test_street_rename_normalizes_the_name_and_records_why(addresses, editor):
    street = addresses[0].street
    street.name = "Тараса  Шевченка"
    services.street_save(street=street, user=editor, reason="renamed by council decision")
    saved = Street.objects.get(pk=street.pk)
    assert (saved.name, saved.search_name) == ("Тараса Шевченка", "тараса шевченка")
    assert saved.history.first().history_change_reason == "renamed by council decision"


def test_street_get_or_create_rejects_an_unknown_kind(settlement):
    with pytest.raises(InvalidInput, match="Unknown street kind"):
        services.street_get_or_create(settlement=settlement, kind="алейка", name="Липова")
    assert not Street.objects.exists()


def test_history_restores_an_earlier_version(addresses, editor):
    address = Address.objects.get(pk=addresses[0].pk)
    address.postcode = "27424"
    services.address_save(address=address, user=editor, reason="postcode fixed")
    earlier = address.history.earliest().instance
    services.address_save(address=earlier, user=editor, reason="restore")
    assert Address.objects.get(pk=address.pk).postcode == "27422"
    assert address.history.count() == 3


def test_service_messages_speak_ukrainian_by_default(street, editor, staff_user):
    from django.utils import translation

    with translation.override("uk"):
        with pytest.raises(InvalidInput, match="У номері будинку щонайбільше одна літера"):
            services.address_create(street=street, house_number="12ЬЬ", user=editor, reason="x")
        with pytest.raises(PermissionDenied, match="лише члени групи address_editors"):
            services.address_create(street=street, house_number="1", user=staff_user, reason="x")
    assert not Address.objects.exists()
