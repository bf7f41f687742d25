"""The verification overview's counts and its list of likely problems."""

from django.contrib.gis.geos import LineString

from addresses import selectors
from addresses.models import Street
from tests.addresses.conftest import make_address


def _kinds(problems, kind):
    return [p for p in problems if p["kind"] == kind]


def test_a_look_alike_street_with_the_same_number_is_a_likely_duplicate(street, addresses):
    lane = Street.objects.create(settlement=street.settlement, kind="lane", name="Шевченка")
    twin = make_address(lane, "10", 32.7100, 48.7950)
    (duplicate,) = _kinds(selectors.address_problems_list(), "duplicate")
    assert set(duplicate["address_ids"]) == {addresses[0].pk, twin.pk}
    assert duplicate["title"] == "Likely duplicate"
    assert duplicate["message"] == "Дмитрівка: «Шевченка, 10» and «Шевченка, 10» look alike"


def test_two_addresses_on_one_point_are_listed(street):
    a = make_address(street, "1", 32.7200, 48.7902)
    b = make_address(street, "3", 32.720001, 48.7902)  # ~7 cm away
    (same,) = _kinds(selectors.address_problems_list(), "same_point")
    assert same["address_ids"] == [a.pk, b.pk]
    assert [x["label"] for x in same["addresses"]] == [
        "Дмитрівка, вул. Шевченка, 1",
        "Дмитрівка, вул. Шевченка, 3",
    ]


def test_a_number_far_out_of_its_place_along_the_street_is_listed(settlement):
    sadova = Street.objects.create(
        settlement=settlement,
        name="Садова",
        route=LineString((32.705, 48.785), (32.735, 48.785), srid=4326),
    )
    # 3, 5, … 15 in order along the route, and 1 at its far end.
    for index, number in enumerate(range(3, 17, 2), start=1):
        make_address(sadova, str(number), 32.705 + 0.003 * index, 48.7851)
    stray = make_address(sadova, "1", 32.7335, 48.7851)
    (out,) = _kinds(selectors.address_problems_list(), "out_of_sequence")
    assert out["address_ids"] == [stray.pk]
    assert out["message"] == "number order 1 but position 8 along the street"


def test_a_register_without_problems_lists_none(street, addresses):
    assert selectors.address_problems_list() == []
