"""OGC API - Features Parts 2, 3 and 5 at /ogc/: one test (or more) per declared
conformance class — CRSs, queryables, CQL2 filters (text and JSON), sortables and sortby,
schemas — and 400s naming the parameter for hostile or malformed input."""

import datetime as dt
import json
import shutil
import subprocess
from urllib.parse import urlencode

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pyproj import Transformer

from layers.models import Facility
from tests.layers.test_ogc import body_of

pytestmark = pytest.mark.django_db
BOX = "POLYGON((32.695 48.78, 32.725 48.78, 32.725 48.8, 32.695 48.8, 32.695 48.78))"


@pytest.fixture
def facilities(settlement):
    """Twelve facilities along 48.79°N at 32.70–32.81°E (as tests/layers/test_ogc.py)."""
    return [
        Facility.objects.create(
            kind="library" if i % 2 else "school",
            name=f"Заклад {i:02d}",
            settlement=settlement,
            location=Point(32.70 + i * 0.01, 48.79, srid=4326),
            internet="connected" if i < 4 else "not_connected",
            down_mbps=100 if i < 4 else None,
            connected_since=dt.date(2020 + i, 3, 1) if i < 4 else None,
        )
        for i in range(12)
    ]


EPSG = "http://www.opengis.net/def/crs/EPSG/0/{}"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def items(client, status=200, collection="facilities", **params):
    params.setdefault("limit", 100)
    response = client.get(f"/ogc/collections/{collection}/items?{urlencode(params)}")
    assert response.status_code == status, response.content[:400]
    return response, body_of(response)


def names(body):
    return [f["properties"]["name"] for f in body["features"]]


def assert_400(client, param, **params):
    response, body = items(client, 400, **params)
    assert body["code"] == "InvalidParameterValue"
    assert param in body["description"]
    assert body["error"]["code"] == f"invalid_{param}" or param in body["error"]["message"]
    return body


# ------------------------------------------------------------------ conformance


def test_conformance_declares_parts_2_3_5_and_cql2_classes(client):
    declared = set(client.get("/ogc/conformance").json()["conformsTo"])
    for name in (
        "ogcapi-features-2/1.0/conf/crs",
        "ogcapi-features-3/1.0/conf/queryables",
        "ogcapi-features-3/1.0/conf/queryables-query-parameters",
        "ogcapi-features-3/1.0/conf/filter",
        "ogcapi-features-3/1.0/conf/features-filter",
        "ogcapi-features-5/1.0/conf/schemas",
        "ogcapi-features-5/1.0/conf/sortables",
        "cql2/1.0/conf/cql2-text",
        "cql2/1.0/conf/cql2-json",
        "cql2/1.0/conf/basic-cql2",
        "cql2/1.0/conf/advanced-comparison-operators",
        "cql2/1.0/conf/case-insensitive-comparison",
        "cql2/1.0/conf/spatial-functions",
        "cql2/1.0/conf/temporal-functions",
    ):
        assert f"http://www.opengis.net/spec/{name}" in declared
    # Not implemented, so not declared.
    assert not any("arithmetic" in c or "property-property" in c for c in declared)
    assert not any("accent-insensitive" in c or "array-functions" in c for c in declared)


# ------------------------------------------------------------------ Part 2: CRS


def test_collection_lists_the_crss_and_its_storage_crs(client, facilities):
    doc = client.get("/ogc/collections/facilities").json()
    assert doc["storageCrs"] == CRS84
    assert {CRS84, EPSG.format(4326), EPSG.format(3857)} <= set(doc["crs"])
    assert {EPSG.format(code) for code in range(6381, 6388)} <= set(doc["crs"])


def test_items_in_ucs2000_zone_11_match_pyproj_in_the_crs_axis_order(client, facilities):
    response, body = items(client, crs=EPSG.format(6385), sortby="name")
    assert response["Content-Crs"] == f"<{EPSG.format(6385)}>"
    northing, easting = body["features"][0]["geometry"]["coordinates"]
    expected = Transformer.from_crs("EPSG:4326", "EPSG:6385").transform(48.79, 32.70)
    assert northing == pytest.approx(expected[0], abs=0.02)
    assert easting == pytest.approx(expected[1], abs=0.02)


def test_items_in_epsg_4326_are_latitude_first_and_crs84_longitude_first(client, facilities):
    _, lat_first = items(client, crs=EPSG.format(4326), sortby="name", limit=1)
    response, default = items(client, sortby="name", limit=1)
    assert lat_first["features"][0]["geometry"]["coordinates"] == [48.79, 32.7]
    assert default["features"][0]["geometry"]["coordinates"] == [32.7, 48.79]
    assert response["Content-Crs"] == f"<{CRS84}>"


def test_items_in_web_mercator_and_a_feature_in_another_zone(client, facilities):
    _, body = items(client, crs="[EPSG:3857]", sortby="name", limit=1)
    x, y = body["features"][0]["geometry"]["coordinates"]
    expected = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(32.7, 48.79)
    assert (x, y) == pytest.approx(expected, abs=0.02)
    feature_id = facilities[0].pk
    response = client.get(f"/ogc/collections/facilities/items/{feature_id}?crs={EPSG.format(6381)}")
    assert response["Content-Crs"] == f"<{EPSG.format(6381)}>"
    assert response.json()["geometry"]["coordinates"][0] > 5_000_000  # a northing


def test_bbox_crs_selects_by_a_box_in_metres(client, facilities):
    to_mercator = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    west, south = to_mercator.transform(32.695, 48.78)
    east, north = to_mercator.transform(32.725, 48.80)
    _, body = items(
        client, bbox=f"{west},{south},{east},{north}", **{"bbox-crs": EPSG.format(3857)}
    )
    assert names(body) == ["Заклад 00", "Заклад 01", "Заклад 02"]


def test_bbox_crs_epsg_4326_reads_latitude_first(client, facilities):
    _, body = items(client, bbox="48.78,32.695,48.80,32.705", **{"bbox-crs": EPSG.format(4326)})
    assert names(body) == ["Заклад 00"]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("crs", "EPSG:999999"),
        ("crs", "http://www.opengis.net/def/crs/EPSG/0/2180"),
        ("crs", "not a uri"),
        ("crs", "x" * 5000),
        ("bbox-crs", "urn:ogc:def:crs:EPSG::4326'--"),
        ("filter-crs", "http://example.org/crs"),
    ],
)
def test_unknown_or_malformed_crs_is_400_naming_the_parameter(client, facilities, param, value):
    extra = {"filter": "kind = 'school'"} if param == "filter-crs" else {}
    assert_400(client, param, **{param: value}, **extra)


# ------------------------------------------------------------------ Part 3: queryables


def test_queryables_are_a_typed_json_schema(client, facilities):
    response = client.get("/ogc/collections/facilities/queryables")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/schema+json")
    schema = response.json()
    assert schema["$schema"].startswith("https://json-schema.org/draft/2020-12")
    props = schema["properties"]
    assert props["geometry"]["format"] == "geometry-point"
    assert props["down_mbps"]["type"] == "integer"
    assert props["is_demo"]["type"] == "boolean"
    assert props["connected_since"] == {**props["connected_since"], "format": "date"}
    assert "school" in props["kind"]["enum"]
    assert schema["additionalProperties"] is False


def test_collection_links_to_queryables_sortables_and_schema(client, facilities):
    links = client.get("/ogc/collections/facilities").json()["links"]
    rels = {link["rel"]: link for link in links}
    assert rels["http://www.opengis.net/def/rel/ogc/1.0/queryables"]["href"].endswith(
        "/facilities/queryables"
    )
    assert (
        rels["http://www.opengis.net/def/rel/ogc/1.0/schema"]["type"] == "application/schema+json"
    )
    assert "http://www.opengis.net/def/rel/ogc/1.0/sortables" in rels


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"is_demo": "true"}, 0),
        ({"is_demo": "false"}, 12),
        ({"kind": "school"}, 6),
        ({"internet": "connected", "down_mbps": "100"}, 4),
        ({"connected_since": "2020-03-01"}, 1),
    ],
)
def test_every_boolean_enum_number_and_date_query_parameter_filters(
    client, facilities, query, expected
):
    _, body = items(client, **query)
    assert body["numberMatched"] == expected


@pytest.mark.parametrize(
    ("param", "value"),
    [("is_demo", "maybe"), ("kind", "castle"), ("down_mbps", "fast"), ("connected_since", "x")],
)
def test_query_parameter_of_the_wrong_type_is_400_naming_it(client, facilities, param, value):
    assert_400(client, param, **{param: value})


# ------------------------------------------------------------------ CQL2


@pytest.mark.parametrize(
    ("cql", "expected"),
    [
        ("kind = 'school'", 6),
        ("kind <> 'school'", 6),
        ("down_mbps >= 100 AND kind = 'school'", 2),
        ("kind = 'school' OR internet = 'connected'", 8),
        ("NOT (kind = 'school')", 6),
        ("down_mbps IS NULL", 8),
        ("down_mbps IS NOT NULL", 4),
        ("is_demo = false", 12),
        ("100 <= down_mbps", 4),
    ],
)
def test_basic_cql2_text(client, facilities, cql, expected):
    _, body = items(client, filter=cql)
    assert body["numberMatched"] == expected


@pytest.mark.parametrize(
    ("cql", "expected"),
    [
        ("name LIKE 'Заклад 0%'", 10),
        ("name LIKE 'Заклад 1_'", 2),
        ("name NOT LIKE '%0_'", 2),
        ("down_mbps BETWEEN 50 AND 150", 4),
        ("kind IN ('school', 'library')", 12),
        ("kind NOT IN ('school')", 6),
        ("CASEI(name) LIKE CASEI('заклад 0%')", 10),
        ("CASEI(name) = CASEI('ЗАКЛАД 03')", 1),
    ],
)
def test_advanced_comparison_and_case_insensitive_operators(client, facilities, cql, expected):
    _, body = items(client, filter=cql)
    assert body["numberMatched"] == expected


@pytest.mark.parametrize(
    ("cql", "expected"),
    [
        (
            f"S_INTERSECTS(geometry, {BOX})",
            3,
        ),
        (
            f"S_WITHIN(geometry, {BOX})",
            3,
        ),
        (
            f"S_DISJOINT(geometry, {BOX})",
            9,
        ),
        ("S_INTERSECTS(geometry, POINT(32.7 48.79))", 1),
        ("S_INTERSECTS(geometry, LINESTRING(32.695 48.79, 32.715 48.79)) AND kind = 'school'", 1),
    ],
)
def test_spatial_functions_with_a_geometry(client, facilities, cql, expected):
    _, body = items(client, filter=cql)
    assert body["numberMatched"] == expected


def test_spatial_filter_in_another_filter_crs(client, facilities):
    to_zone = Transformer.from_crs("EPSG:4326", "EPSG:6385")
    n, e = to_zone.transform(48.79, 32.70)
    ring = [
        (n - 50, e - 50),
        (n - 50, e + 50),
        (n + 50, e + 50),
        (n + 50, e - 50),
        (n - 50, e - 50),
    ]
    cql = f"S_INTERSECTS(geometry, POLYGON(({', '.join(f'{a} {b}' for a, b in ring)})))"
    _, body = items(client, filter=cql, **{"filter-crs": EPSG.format(6385)})
    assert names(body) == ["Заклад 00"]


@pytest.mark.parametrize(
    ("cql", "expected"),
    [
        ("T_INTERSECTS(connected_since, INTERVAL('2020-01-01', '2021-12-31'))", 2),
        ("T_INTERSECTS(connected_since, INTERVAL('2022-01-01', '..'))", 2),
        ("T_INTERSECTS(connected_since, DATE('2021-03-01'))", 1),
        ("T_BEFORE(connected_since, DATE('2022-01-01'))", 2),
        ("T_AFTER(connected_since, TIMESTAMP('2021-06-01T00:00:00Z'))", 2),
        ("T_DISJOINT(connected_since, INTERVAL('2020-01-01', '2021-12-31'))", 2),
        ("T_DURING(connected_since, INTERVAL('2020-03-01', '2023-03-01'))", 2),
    ],
)
def test_temporal_functions_on_a_date_property(client, facilities, cql, expected):
    _, body = items(client, filter=cql)
    assert body["numberMatched"] == expected


def test_cql2_json_encodes_the_same_filters(client, facilities):
    cql = {
        "op": "and",
        "args": [
            {"op": "=", "args": [{"property": "kind"}, "school"]},
            {
                "op": "t_intersects",
                "args": [{"property": "connected_since"}, {"interval": ["2020-01-01", ".."]}],
            },
            {
                "op": "s_intersects",
                "args": [
                    {"property": "geometry"},
                    {
                        "type": "Polygon",
                        "coordinates": [[[32, 48], [34, 48], [34, 49], [32, 49], [32, 48]]],
                    },
                ],
            },
        ],
    }
    _, body = items(client, filter=json.dumps(cql), **{"filter-lang": "cql2-json"})
    assert body["numberMatched"] == 2
    cql = {"op": "in", "args": [{"property": "kind"}, ["library"]]}
    _, body = items(client, filter=json.dumps(cql), **{"filter-lang": "cql2-json"})
    assert body["numberMatched"] == 6


def test_a_filter_is_compiled_into_the_sql_of_the_page_and_the_count(client, facilities):
    with CaptureQueriesContext(connection) as queries:
        items(client, filter="name LIKE 'Заклад 1%'")
    filtered = [q["sql"] for q in queries.captured_queries if "LIKE" in q["sql"]]
    assert len(filtered) >= 2  # the count and the page, each with the pattern bound
    assert all("Заклад 1%" in sql for sql in filtered)  # the debug SQL shows the bound value


def test_filter_links_keep_the_filter(client, facilities):
    _, body = items(client, filter="kind = 'school'", limit=2)
    next_link = next(link for link in body["links"] if link["rel"] == "next")
    assert "filter=kind" in next_link["href"]


# ------------------------------------------------------------------ sortby, properties, schema


def test_sortby_orders_by_several_properties_up_and_down(client, facilities):
    _, body = items(client, sortby="-name", limit=3)
    assert names(body) == ["Заклад 11", "Заклад 10", "Заклад 09"]
    _, body = items(client, sortby="kind,-name", limit=7)
    assert names(body)[:2] == ["Заклад 11", "Заклад 09"]  # libraries first, names down
    assert names(body)[6] == "Заклад 10"  # then schools


def test_sortables_list_the_queryable_properties_but_not_the_geometry(client, facilities):
    props = client.get("/ogc/collections/facilities/sortables").json()["properties"]
    assert "name" in props and "geometry" not in props


def test_properties_selects_a_subset(client, facilities):
    _, body = items(client, properties="name,kind", limit=2)
    assert set(body["features"][0]["properties"]) == {"name", "kind"}
    _, body = items(client, properties="", limit=1)
    assert body["features"][0]["properties"] == {}


def test_schema_types_every_property_with_its_role(client, facilities):
    response = client.get("/ogc/collections/facilities/schema")
    assert response["Content-Type"].startswith("application/schema+json")
    props = response.json()["properties"]
    assert props["geometry"]["x-ogc-role"] == "primary-geometry"
    assert props["id"]["x-ogc-role"] == "id"
    assert props["up_mbps"]["type"] == "integer"
    territory = client.get("/ogc/collections/territory/schema").json()["properties"]
    assert territory["area_km2"]["type"] == "number"  # an expression, typed by its output


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "cql",
    [
        "nosuch = 1",
        "down_mbps = 'fast'",
        "is_demo = 'yes please'",
        "kind = 'castle'",
        "name = 'x'; DROP TABLE layers_facility; --",
        "name = 'x' OR 1=1",
        "kind = 'school' AND",
        "T_INTERSECTS(name, DATE('2020-01-01'))",
        "T_INTERSECTS(connected_since, DATE('99999-01-01'))",
        "S_INTERSECTS(name, POINT(1 2))",
        "S_INTERSECTS(geometry, POLYGON((0 0, 1 1, 1 0, 0 1, 0 0)))",
        "down_mbps = down_mbps",
        "\"kind\" = 'school' OR pg_sleep(10) = 1",
        "",
    ],
)
def test_bad_filters_are_400_naming_the_filter(client, facilities, cql):
    assert_400(client, "filter", filter=cql)


# "Quick" without a clock (tests are never timed): the refusal names the cheap check on
# the raw text that runs before any parser, so the parser never saw the input.
def test_ten_thousand_nested_parentheses_are_a_quick_400(client, facilities):
    body = assert_400(client, "filter", filter="(" * 10_000 + "kind = 'school'" + ")" * 10_000)
    assert "longer than" in body["description"] or "nested deeper" in body["description"]
    cql_json = (
        '{"op":"not","args":[' * 10_000
        + '{"op":"=","args":[{"property":"kind"},"x"]}'
        + "]}" * 10_000
    )
    body = assert_400(client, "filter", filter=cql_json, **{"filter-lang": "cql2-json"})
    assert "longer than" in body["description"] or "nested deeper" in body["description"]


def test_a_10_mb_geometry_is_a_quick_400(client, facilities):
    ring = ", ".join(f"{32 + i * 1e-7:.7f} 48.5" for i in range(400_000))
    body = assert_400(client, "filter", filter=f"S_INTERSECTS(geometry, LINESTRING({ring}))")
    assert "longer than" in body["description"]


def test_many_vertices_within_the_length_limit_are_refused(client, facilities):
    ring = ", ".join(f"{i} {i}" for i in range(6000))
    assert_400(client, "filter", filter=f"S_INTERSECTS(geometry, LINESTRING({ring}))")


def test_unknown_filter_lang_is_400(client, facilities):
    assert_400(client, "filter-lang", filter="kind = 'school'", **{"filter-lang": "ecql"})


@pytest.mark.parametrize("value", ["nosuch", "name,name", "-geometry", "name;DROP"])
def test_sortby_on_unknown_fields_is_400(client, facilities, value):
    assert_400(client, "sortby", sortby=value)


def test_unknown_properties_are_400(client, facilities):
    assert_400(client, "properties", properties="name,password")


@pytest.mark.parametrize(
    "bbox", ["nan,0,1,1", "0,0,inf,1", "-inf,0,1,1", "0,0,1e999,1", "NaN,NaN,NaN,NaN"]
)
def test_bbox_with_nan_or_infinity_is_400(client, facilities, bbox):
    assert_400(client, "bbox", bbox=bbox)


@pytest.mark.parametrize(
    "value", ["9999-12-31", "0001-01-01", "0001-01-01T00:00:00Z/..", "../9999-12-31T23:59:59Z"]
)
def test_datetime_far_in_the_past_or_future_is_400(client, facilities, value):
    assert_400(client, "datetime", datetime=value)


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL's ogrinfo is not installed")
@pytest.mark.django_db(transaction=True)
def test_gdal_reads_typed_fields_and_filters_on_the_server(live_server, facilities):
    result = subprocess.run(  # noqa: S603 — fixed arguments, a local test server
        [  # noqa: S607
            "ogrinfo",
            "-ro",
            "-al",
            "-where",
            "kind = 'school' AND down_mbps >= 100",
            "--debug",
            "on",
            f"OAPIF:{live_server.url}/ogc/",
            "facilities",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "down_mbps: Integer" in out
    assert "is_demo: Integer(Boolean)" in out
    assert "connected_since: Date" in out
    assert "Feature Count: 2" in out
    # The filter went to the server (a `filter=` or the equality parameters), not applied
    # by GDAL over every feature.
    assert "filter=" in result.stderr or "kind=school" in result.stderr, result.stderr[-2000:]


# ------------------------------------------------------------------ the grammar, built once


def test_the_cql2_grammar_is_built_once_per_process_and_reused(client, facilities):
    from layers.ogc import cql2_parsing as cql2

    first = cql2.text_parser()
    # Three filters parse's own cache has not seen: each one goes through the grammar.
    for cql in ("kind = 'school'", "name LIKE 'Заклад 0%'", "down_mbps > 10"):
        items(client, filter=cql)
    assert cql2.text_parser() is first
    assert cql2.text_parser.cache_info().currsize == 1


def test_the_wsgi_entry_builds_the_grammar_before_gunicorn_forks():
    import importlib
    import sys

    from layers.ogc import cql2_parsing as cql2

    cql2.text_parser.cache_clear()
    sys.modules.pop("gis.wsgi", None)
    importlib.import_module("gis.wsgi")
    assert cql2.text_parser.cache_info().currsize == 1
