"""Fixtures of the security tests: one user per role and one real object of each kind.

The report carries a distinctive name, e-mail and phone, so that a test can search every
response's raw bytes for them.
"""

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point

from tests.conftest import square
from tests.helpers.isolation import private_cache_and_media
from tests.helpers.users import make_user

PRIVATE_NAME = "Приватна-Зоряна-Квітчастенко"
PRIVATE_EMAIL = "zoriana.secret.7731@example.org"
PRIVATE_PHONE = "+380671237731"
PRIVATE_STRINGS = (PRIVATE_NAME, PRIVATE_EMAIL, PRIVATE_PHONE, PRIVATE_PHONE.lstrip("+"))
INSIDE = {"lat": 48.7936, "lon": 32.7208}

ROLES = ("anonymous", "resident", "moderator", "address_editor", "planner", "staff_admin")


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """A private cache (rate limits, lock-outs) and media directory for every test."""
    private_cache_and_media(settings, tmp_path, "security-tests")
    settings.LANGUAGE_CODE = "uk"


def _user(username: str, *, groups=(), is_staff=False, is_superuser=False) -> User:
    return make_user(
        username,
        password=f"pw-{username}-Strong-2024",
        groups=groups,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )


@pytest.fixture
def users(db) -> dict[str, User | None]:
    """One account per role; the moderator, editor and planner work in the admin (staff)."""
    return {
        "anonymous": None,
        "resident": _user("resident"),
        "moderator": _user("moderator", groups=["moderators"], is_staff=True),
        "address_editor": _user("editor", groups=["address_editors"], is_staff=True),
        "planner": _user("planner", groups=["planners"], is_staff=True),
        "staff_admin": _user("admin", is_staff=True, is_superuser=True),
    }


@pytest.fixture
def clients(users):
    """A test client per role, signed in as that role's user."""
    from django.test import Client

    result = {}
    for role, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        result[role] = client
    return result


@pytest.fixture
def world(settlement, facility):
    """One real object of each kind the URL patterns name, returned as a dict."""
    return make_world(settlement, facility)


def make_world(settlement, facility) -> dict:
    """Make the `world` fixture's objects around `settlement` and `facility` (also used
    by module-scoped data, tests/i18n)."""
    from addresses.models import Address, Street
    from coverage.models import CoverageArea, Provider, WifiHotspot
    from reports import services
    from reports.models import Category, Subscription

    category = Category.objects.create(code="roads", name_uk="Дороги", name_en="Roads")
    report = services.report_create(
        category_code=category.code,
        lat=INSIDE["lat"],
        lon=INSIDE["lon"],
        description="Яма на дорозі біля школи",
        reporter=services.Reporter(
            name=PRIVATE_NAME, email=PRIVATE_EMAIL, phone=PRIVATE_PHONE, is_anonymous=True
        ),
    )
    subscription = Subscription.objects.create(email=PRIVATE_EMAIL, settlement=settlement)
    provider = Provider.objects.create(name="ProstoNet", kind="fixed")
    area = CoverageArea.objects.create(
        provider=provider,
        technology="fibre",
        down_mbps=100,
        up_mbps=20,
        area=square(32.72, 48.79, 0.01),
    )
    hotspot = WifiHotspot.objects.create(
        name="Центр", provider=provider, location=Point(32.7208, 48.7936, srid=4326), radius_m=80
    )
    street = Street.objects.create(settlement=settlement, name="Шевченка")
    address = Address.objects.create(
        street=street,
        settlement=settlement,
        house_number="10",
        number=10,
        location=Point(32.7205, 48.7930, srid=4326),
    )
    return {
        "settlement": settlement,
        "facility": facility,
        "category": category,
        "report": report,
        "subscription": subscription,
        "provider": provider,
        "area": area,
        "hotspot": hotspot,
        "street": street,
        "address": address,
    }
