"""The demo loader: streets and addresses inside every village, households, idempotence."""

import pytest
from django.contrib.gis.geos import Point

from addresses import demo
from addresses.models import Address, Street
from layers.models import Settlement
from tests.conftest import square


@pytest.fixture
def villages(settlement):
    """Дмитрівка (1,700 households) plus a small village known only by its population."""
    small = Settlement.objects.create(
        katottg="UA35040090110088346",
        name_uk="Плоске",
        population=371,
        boundary=square(32.675, 48.849, 0.006),
        centre=Point(32.675, 48.849, srid=4326),
        territory=settlement.territory,
    )
    return [settlement, small]


def _load():
    lines = []
    demo.load(lines.append)
    return lines


def test_demo_households_match_each_village(villages):
    _load()
    for village, expected in zip(villages, [1700, round(371 / 2.5)], strict=True):
        households = sum(
            Address.objects.filter(settlement=village).values_list("households", flat=True)
        )
        assert households == expected


def test_demo_points_lie_inside_their_village_and_are_marked_demo(villages):
    _load()
    for village in villages:
        addresses = Address.objects.filter(settlement=village)
        assert addresses.exists()
        assert not addresses.exclude(location__within=village.boundary).exists()
    assert not Address.objects.filter(is_demo=False).exists()
    assert not Street.objects.filter(is_demo=False).exists()
    assert set(Address.objects.values_list("postcode", flat=True)) == {"27422", "27426"}


def test_demo_loader_is_idempotent(villages):
    _load()
    first = list(Address.objects.order_by("pk").values_list("pk", "house_number", "location"))
    history = Address.history.count()
    lines = _load()
    assert list(Address.objects.order_by("pk").values_list("pk", "house_number", "location")) == (
        first
    )
    assert Address.history.count() == history
    assert "(0 new, 0 changed, 0 removed)" in lines[0]


def test_demo_addresses_are_searchable_and_have_no_likely_problems(villages, client):
    _load()
    from addresses.selectors import address_problems_list

    assert address_problems_list() == []
    body = client.get("/api/v1/addresses/", {"q": "Плоске Центральна 1"}).json()
    assert body["features"][0]["properties"]["label"] == "Плоске, вул. Центральна, 1"
