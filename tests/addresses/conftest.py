"""Fixtures of the address register: streets, addresses, an editor and a plain staff user."""

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import LineString, Point
from django.utils import translation

from addresses.models import EDITORS_GROUP, Address, Street
from tests.helpers.users import make_user


@pytest.fixture(autouse=True)
def english():
    """Services, imports and commands called directly speak English (their messages are
    asserted word for word); pages and APIs go through LocaleMiddleware and speak
    Ukrainian first, which their tests assert."""
    with translation.override("en"):
        yield


@pytest.fixture
def editor(db):
    return make_user("editor", password="pw-editor-123", is_staff=True, groups=[EDITORS_GROUP])


@pytest.fixture
def staff_user(db):
    """Staff, but not an address editor."""
    return User.objects.create_user("clerk", password="pw-clerk-123", is_staff=True)


@pytest.fixture
def street(settlement):
    return Street.objects.create(
        settlement=settlement,
        kind="street",
        name="Шевченка",
        route=LineString((32.705, 48.79), (32.735, 48.79), srid=4326),
    )


def make_address(street, house_number, lon, lat, **fields):
    """Create an address directly (the services are tested on their own)."""
    from addresses import compute

    house = compute.parse_house_number(house_number)
    return Address.objects.create(
        street=street,
        settlement=street.settlement,
        house_number=house.display,
        number=house.number,
        letter=house.letter,
        fraction=house.fraction,
        building=house.building,
        location=Point(lon, lat, srid=4326) if lon is not None else None,
        **fields,
    )


@pytest.fixture
def addresses(street):
    """Шевченка 10, 12, 12А, 120 along the street, 0.0003° (~22 m) apart."""
    return [
        make_address(street, number, 32.7200 + i * 0.0003, 48.7902, postcode="27422")
        for i, number in enumerate(["10", "12", "12А", "120"])
    ]
