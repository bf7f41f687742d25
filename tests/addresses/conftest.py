"""Fixtures of the address register: streets, addresses, an editor and a plain staff user."""

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon
from django.utils import translation

from addresses.models import EDITORS_GROUP, Address, Street
from layers.models import Settlement
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
        **compute.house_fields(house),
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


@pytest.fixture
def village(territory):
    """Плоске, a second village with a street of the same name as in Дмитрівка."""
    box = Polygon.from_bbox((32.80, 48.85, 32.84, 48.87))
    return Settlement.objects.create(
        katottg="UA35040090110088346",
        name_uk="Плоске",
        name_en="Ploske",
        boundary=MultiPolygon(box, srid=4326),
        centre=Point(32.82, 48.86, srid=4326),
        territory=territory,
    )


@pytest.fixture
def register(settlement, village):
    """Two villages; Шевченка in both, a lane, an apostrophe street and lettered numbers."""
    streets = {
        "shevchenka": Street.objects.create(settlement=settlement, name="Шевченка"),
        "ploske": Street.objects.create(settlement=village, name="Шевченка"),
        "sadovyi": Street.objects.create(settlement=settlement, kind="lane", name="Садовий"),
        "sadova": Street.objects.create(settlement=settlement, name="Садова"),
        "miaso": Street.objects.create(settlement=settlement, name="Мʼясоїдівська"),
        "lesi": Street.objects.create(settlement=settlement, name="Лесі Українки"),
    }
    for number in ["10", "12", "12А", "12Б", "120", "14"]:
        make_address(streets["shevchenka"], number, 32.72, 48.79)
    for number in ["12", "12А"]:
        make_address(streets["ploske"], number, 32.82, 48.86)
    for number in ["3", "5"]:
        make_address(streets["sadovyi"], number, 32.715, 48.781)
        make_address(streets["sadova"], number, 32.716, 48.781)
    make_address(streets["miaso"], "7", 32.725, 48.785)
    make_address(streets["lesi"], "2", 32.726, 48.786)
    return streets
