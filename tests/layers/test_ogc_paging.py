"""OGC API items pages read with a deferred join, and numberMatched kept per data version:
the same features as a plain slice, counts exact after writes, permissions unchanged."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layers import registry
from layers.models import Facility
from layers.ogc import selectors as ogc_selectors
from layers.registry import LayerSpec

pytestmark = pytest.mark.django_db

ITEMS = "/ogc/collections/facilities/items"


@pytest.fixture(autouse=True)
def fresh_counts(settings):
    """Each test starts and ends without kept counts or SQL texts of this worker, and
    with a data version of its own (not the shared file cache other runs bump)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ogc-paging-tests",
        }
    }
    ogc_selectors.clear()
    yield
    ogc_selectors.clear()


def make_facilities(settlement, count: int, *, start: int = 0) -> list[Facility]:
    return [
        Facility.objects.create(
            kind="library" if i % 2 else "school",
            name=f"Заклад {i:03d}",
            settlement=settlement,
            location=Point(32.70 + i * 0.001, 48.79, srid=4326),
            internet="connected" if i % 3 == 0 else "not_connected",
            down_mbps=100 if i % 3 == 0 else None,
            connected_since=dt.date(2020, 1, 1) + dt.timedelta(days=i) if i % 3 == 0 else None,
        )
        for i in range(start, start + count)
    ]


def items(client, query: str = "", status: int = 200) -> dict:
    response = client.get(f"{ITEMS}?{query}")
    assert response.status_code == status, response.content[:300]
    return response.json()


def count_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]


# ------------------------------------------------------------------ same features


@pytest.mark.parametrize(
    ("filters", "bbox"),
    [({}, None), ({"kind": "school"}, None), ({}, (32.705, 48.7, 32.72, 48.8))],
    ids=["all", "equality filter", "bbox"],
)
def test_deferred_page_holds_the_same_features_as_a_plain_slice(settlement, filters, bbox):
    make_facilities(settlement, 30)
    spec = registry.get("facilities")
    queryset = ogc_selectors.items_queryset(spec, bbox=bbox, filters=filters)
    key = (bbox, None, tuple(sorted(filters.items())))
    for offset, limit in [(0, 10), (7, 5), (25, 10), (40, 3), (0, 1000)]:
        plain = ogc_selectors.feature_texts(spec, queryset[offset : offset + limit])
        page = ogc_selectors.texts_of(*ogc_selectors.page_sql(spec, queryset, key, offset, limit))
        assert page == plain


def test_pages_walk_every_feature_once_in_id_order(client, settlement):
    made = make_facilities(settlement, 23)
    seen = []
    for offset in range(0, 30, 4):
        seen += [f["id"] for f in items(client, f"limit=4&offset={offset}")["features"]]
    assert seen == [f.pk for f in made]


def test_filter_matching_nothing_gives_an_empty_page(client, settlement):
    make_facilities(settlement, 3)
    body = items(client, "down_mbps=-1")
    assert body["features"] == [] and body["numberMatched"] == body["numberReturned"] == 0


def test_bad_filter_value_is_still_a_400_json_error(client, settlement):
    make_facilities(settlement, 3)
    body = items(client, "down_mbps=fast", status=400)
    assert body["code"] == "InvalidParameterValue" and body["error"]["message"]


# ------------------------------------------------------------------ anchors


def test_an_anchor_is_the_nearest_one_at_or_before_the_offset(monkeypatch):
    monkeypatch.setattr(ogc_selectors, "ANCHOR_EVERY", 4)
    matched = ogc_selectors.Matched(14, anchors=(104, 108, 112))
    assert [matched.anchor(offset) for offset in (0, 3)] == [None, None]
    assert matched.anchor(4) == (4, 104)
    assert matched.anchor(11) == (8, 108)
    assert matched.anchor(12) == matched.anchor(500) == (12, 112)
    assert ogc_selectors.Matched(0).anchor(10) is None


@pytest.mark.parametrize(
    ("filters", "cql"),
    [({}, None), ({"kind": "school"}, None), ({}, "kind = 'library' OR down_mbps >= 50")],
    ids=["all", "equality filter", "cql2"],
)
def test_anchored_pages_hold_the_same_features_as_a_plain_slice(
    settlement, monkeypatch, filters, cql
):
    from layers.ogc import cql2 as ogc_cql2
    from layers.ogc import crs as ogc_crs

    monkeypatch.setattr(ogc_selectors, "ANCHOR_EVERY", 4)
    make_facilities(settlement, 30)
    spec = registry.get("facilities")
    q = ogc_cql2.to_q(spec, cql, None, ogc_crs.parse_crs(None, "filter-crs")) if cql else None
    queryset = ogc_selectors.items_queryset(spec, filters=filters, cql=q)
    key = (None, None, tuple(sorted(filters.items())), cql)
    matched = ogc_selectors.matched_rows(spec, queryset, key)
    assert matched.count == queryset.count() and matched.anchors is None
    assert ogc_selectors.page_anchor(spec, queryset, matched, 3) is None  # none needed yet
    assert matched.anchors is None
    ids = list(queryset.values_list("pk", flat=True))
    for offset, limit in [(0, 4), (3, 2), (4, 4), (5, 7), (8, 1), (13, 3), (27, 10), (40, 3)]:
        plain = ogc_selectors.feature_texts(spec, queryset[offset : offset + limit])
        anchor = ogc_selectors.page_anchor(spec, queryset, matched, offset)
        sql = ogc_selectors.page_sql(spec, queryset, key, offset, limit, anchor=anchor)
        assert ogc_selectors.texts_of(*sql) == plain, (offset, limit)
    assert list(matched.anchors) == ids[3::4]


@pytest.mark.django_db(transaction=True)
def test_kept_anchors_walk_every_feature_once_and_follow_a_delete(client, settlement, monkeypatch):
    monkeypatch.setattr(ogc_selectors, "ANCHOR_EVERY", 3)
    made = make_facilities(settlement, 14)
    walked = []
    for offset in range(0, 14, 4):
        walked += [f["id"] for f in items(client, f"limit=4&offset={offset}")["features"]]
    assert walked == [f.pk for f in made]
    schools = [f.pk for f in made if f.kind == "school"]
    page = items(client, "limit=2&offset=3&filter=kind%3D%27school%27")["features"]
    assert [f["id"] for f in page] == schools[3:5]
    made[1].delete()  # before the first anchor: every later offset moves by one
    body = items(client, "limit=4&offset=6")
    assert [f["id"] for f in body["features"]] == [f.pk for f in made[7:11]]
    assert body["numberMatched"] == 13


# ------------------------------------------------------------------ numberMatched


@pytest.mark.django_db(transaction=True)
def test_number_matched_is_kept_between_requests_without_writes(client, settlement):
    make_facilities(settlement, 5)
    assert items(client)["numberMatched"] == 5
    with CaptureQueriesContext(connection) as captured:
        body = items(client, "offset=2")
    assert body["numberMatched"] == 5 and body["numberReturned"] == 3
    assert count_queries(captured) == []


@pytest.mark.django_db(transaction=True)
def test_number_matched_stays_exact_after_a_save_and_a_delete(client, settlement):
    made = make_facilities(settlement, 5)
    assert items(client)["numberMatched"] == 5
    make_facilities(settlement, 2, start=5)
    assert items(client)["numberMatched"] == 7
    assert items(client, "limit=100")["numberReturned"] == 7
    made[0].delete()
    body = items(client, "limit=100")
    assert body["numberMatched"] == body["numberReturned"] == 6
    assert made[0].pk not in {f["id"] for f in body["features"]}


@pytest.mark.django_db(transaction=True)
def test_a_change_of_a_joined_model_renews_the_count_and_the_properties(client, settlement):
    make_facilities(settlement, 3)
    assert items(client, "settlement_name_uk=Дмитрівка")["numberMatched"] == 3
    settlement.name_uk = "Нова Дмитрівка"
    settlement.save()
    assert items(client, "settlement_name_uk=Дмитрівка")["numberMatched"] == 0
    renamed = items(client, "settlement_name_uk=Нова Дмитрівка")
    assert renamed["numberMatched"] == 3
    assert {f["properties"]["settlement_name_uk"] for f in renamed["features"]} == {
        "Нова Дмитрівка"
    }


@pytest.mark.django_db(transaction=True)
def test_counts_of_different_filters_are_kept_apart(client, settlement):
    make_facilities(settlement, 9)
    assert items(client)["numberMatched"] == 9
    assert items(client, "internet=connected")["numberMatched"] == 3
    assert items(client, "bbox=32.6995,48.7,32.7025,48.8")["numberMatched"] == 3
    assert items(client, "datetime=2020-01-01/2020-01-05")["numberMatched"] == 2
    assert items(client)["numberMatched"] == 9


def test_inside_a_transaction_writes_without_signals_are_counted(client, settlement):
    make_facilities(settlement, 2)
    assert items(client)["numberMatched"] == 2
    Facility.objects.bulk_create(
        Facility(
            kind="school",
            name=f"Без сигналу {i}",
            settlement=settlement,
            location=Point(32.8, 48.79, srid=4326),
        )
        for i in range(3)
    )
    assert items(client)["numberMatched"] == 5


# ------------------------------------------------------------------ permissions


@pytest.fixture
def hidden_layer():
    spec = LayerSpec(
        id="paging-hidden-test",
        title_uk="Прихований шар",
        title_en="Hidden layer",
        queryset=lambda: Facility.objects.filter(internet="not_connected"),
        geometry="location",
        properties={"name": "name"},
        visibility="planners",
    )
    registry.register(spec, replace=True)
    yield spec
    registry.unregister(spec.id)


@pytest.mark.django_db(transaction=True)
def test_a_kept_count_of_a_group_layer_is_not_served_to_others(client, settlement, hidden_layer):
    make_facilities(settlement, 6)
    planner = User.objects.create_user("paging-planner")
    planner.groups.add(Group.objects.get_or_create(name="planners")[0])
    client.force_login(planner)
    url = "/ogc/collections/paging-hidden-test/items"
    assert client.get(url).json()["numberMatched"] == 4
    client.logout()
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"
    other = User.objects.create_user("paging-other")
    client.force_login(other)
    assert client.get(url).status_code == 404
