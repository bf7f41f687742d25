"""Open311 GeoReport v2 under /open311/v2/: every endpoint in XML and JSON, every error."""

import json
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from reports import services
from reports.models import Report
from tests.reports.conftest import INSIDE, OUTSIDE, image_bytes

BASE = "/open311/v2"
FORMATS = ["xml", "json"]
PRIVATE = [b"oksana.private@example.com", b"+380501112233", "Оксана".encode()]


def parse(response):
    """Return the body as Python data: JSON as is; XML as an Element."""
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content.decode("utf-8"))
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 — our own output


def error_list(response, fmt):
    """The errors as [(code, description)] in either format."""
    data = parse(response)
    if fmt == "json":
        return [(item["code"], item["description"]) for item in data]
    assert data.tag == "errors"
    return [(int(e.findtext("code")), e.findtext("description")) for e in data.findall("error")]


def requests_list(response, fmt):
    """Service requests as dicts of strings/values in either format."""
    data = parse(response)
    if fmt == "json":
        return data
    assert data.tag == "service_requests"
    return [{child.tag: child.text for child in request} for request in data.findall("request")]


# ------------------------------------------------------------------ discovery and services
@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_v2_endpoint_and_both_formats(client, category, fmt):
    response = client.get(f"{BASE}/discovery.{fmt}")
    assert response.status_code == 200
    data = parse(response)
    if fmt == "json":
        endpoint = data["endpoints"][0]
        assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
        assert endpoint["formats"] == ["text/xml", "application/json"]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"] == "http://testserver/open311/v2"
    else:
        assert data.tag == "discovery"
        endpoint = data.find("endpoints/endpoint")
        assert [f.text for f in endpoint.findall("formats/format")] == [
            "text/xml",
            "application/json",
        ]
        assert endpoint.findtext("type") == "production"


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_list_every_active_category(client, category, signal_category, fmt):
    signal_category.is_active = False
    signal_category.save()
    data = parse(client.get(f"{BASE}/services.{fmt}"))
    if fmt == "json":
        assert data == [
            {
                "service_code": "roads",
                "service_name": "Дороги",
                "description": "Ями на дорогах",
                "metadata": True,
                "type": "realtime",
                "keywords": "яма, дорога",
                "group": "Інфраструктура",
            }
        ]
    else:
        services_ = data.findall("service")
        assert len(services_) == 1
        assert services_[0].findtext("service_name") == "Дороги"
        assert services_[0].findtext("metadata") == "true"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_lists_the_category_questions_as_attributes(client, category, fmt):
    data = parse(client.get(f"{BASE}/services/roads.{fmt}"))
    if fmt == "json":
        assert data["service_code"] == "roads"
        size, depth = data["attributes"]
        assert size == {
            "variable": True,
            "code": "size",
            "datatype": "singlevaluelist",
            "required": True,
            "datatype_description": None,
            "order": 1,
            "description": "Розмір",
            "values": [{"key": "small", "name": "мала"}, {"key": "large", "name": "велика"}],
        }
        assert depth["datatype"] == "number" and "values" not in depth
    else:
        assert data.tag == "service_definition"
        attribute = data.find("attributes/attribute")
        assert attribute.findtext("required") == "true"
        assert [v.findtext("key") for v in attribute.findall("values/value")] == ["small", "large"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_service_code_is_404(client, category, fmt):
    response = client.get(f"{BASE}/services/potholes.{fmt}")
    assert response.status_code == 404
    assert error_list(response, fmt)[0][0] == 404


# ------------------------------------------------------------------ GET requests
@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_use_the_specification_field_names_without_contact_data(client, make_report, fmt):
    report = make_report(
        address_text="вул. Шкільна, 3", photos=[services.PhotoUpload("a.jpg", image_bytes())]
    )
    services.report_status_change(report=report, status="fixed", note="Заасфальтовано")
    response = client.get(f"{BASE}/requests.{fmt}")
    assert response.status_code == 200
    (item,) = requests_list(response, fmt)
    assert list(item) == [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ]
    assert item["service_request_id"] == report.number
    assert item["status"] == "closed"
    assert item["status_notes"] == "Заасфальтовано"
    assert item["address"] == "вул. Шкільна, 3, с. Дмитрівка"
    assert item["requested_datetime"].endswith(("+02:00", "+03:00"))
    assert str(item["media_url"]).startswith("http://testserver/media/reports/photos/")
    assert float(item["lat"]) == INSIDE["lat"] and float(item["long"]) == INSIDE["lon"]
    for secret in PRIVATE:
        assert secret not in response.content


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_filter_by_id_code_status_and_dates(client, make_report, fmt):
    old = make_report()
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=120))
    recent = make_report()
    closed = make_report()
    services.report_status_change(report=closed, status="not_responsible")

    def ids(query):
        response = client.get(f"{BASE}/requests.{fmt}?{query}")
        assert response.status_code == 200, response.content
        return sorted(item["service_request_id"] for item in requests_list(response, fmt))

    assert ids("") == sorted([recent.number, closed.number])  # the last 90 days by default
    assert ids("status=open") == [recent.number]
    assert ids("status=open,closed") == sorted([recent.number, closed.number])
    assert ids("service_code=water") == []
    assert ids(f"service_request_id={old.number},{recent.number}") == sorted(
        [old.number, recent.number]
    )  # ids override the date range
    start = (timezone.now() - timedelta(days=125)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(f"start_date={start}&end_date={end}") == [old.number]


def test_requests_return_at_most_1000(client, make_report, db):
    report = make_report()
    rows = [
        Report(
            number=f"bulk-{n}",
            category=report.category,
            description="bulk",
            location=report.location,
            follow_token=f"bulk-token-{n}",
        )
        for n in range(1005)
    ]
    Report.objects.bulk_create(rows)
    assert len(client.get(f"{BASE}/requests.json").json()) == 1000


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "query",
    [
        "start_date=yesterday",
        "start_date=2024-01-01T00:00:00Z&end_date=2024-06-01T00:00:00Z",
        "start_date=2024-06-01T00:00:00Z&end_date=2024-01-01T00:00:00Z",
        "status=pending",
    ],
)
def test_bad_request_queries_are_400_errors(client, db, fmt, query):
    response = client.get(f"{BASE}/requests.{fmt}?{query}")
    assert response.status_code == 400
    assert error_list(response, fmt)[0][0] == 400


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_by_id(client, make_report, fmt):
    report = make_report()
    response = client.get(f"{BASE}/requests/{report.number}.{fmt}")
    assert response.status_code == 200
    (item,) = requests_list(response, fmt)
    assert item["service_request_id"] == report.number
    assert item["status"] == "open"


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_or_hidden_request_is_404(client, make_report, fmt):
    hidden = make_report()
    services.report_visibility_set(report=hidden, hidden=True)
    for number in ("2020-00001", hidden.number):
        response = client.get(f"{BASE}/requests/{number}.{fmt}")
        assert response.status_code == 404
        assert error_list(response, fmt)[0][0] == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_token_gives_its_service_request_id(client, make_report, fmt):
    report = make_report()
    response = client.get(f"{BASE}/tokens/{report.open311_token}.{fmt}")
    assert response.status_code == 200
    (item,) = requests_list(response, fmt)
    assert item == {"service_request_id": report.number, "token": str(report.open311_token)}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("token", ["8a6c0e0e-6f1e-4b7e-9d1e-000000000000", "not-a-uuid"])
def test_an_unknown_token_is_404(client, db, fmt, token):
    response = client.get(f"{BASE}/tokens/{token}.{fmt}")
    assert response.status_code == 404
    ((code, description),) = error_list(response, fmt)
    assert code == 404 and token in description


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", ["services", "requests", "discovery"])
def test_a_foreign_jurisdiction_id_is_404(client, db, fmt, path):
    response = client.get(f"{BASE}/{path}.{fmt}?jurisdiction_id=kyivcity.gov.ua")
    assert response.status_code == 404
    assert "jurisdiction_id" in error_list(response, fmt)[0][1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_our_own_jurisdiction_id_is_accepted(client, db, fmt, settings):
    jurisdiction = settings.OPEN311_JURISDICTION_ID
    assert client.get(f"{BASE}/services.{fmt}?jurisdiction_id={jurisdiction}").status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_path_is_a_spec_404(client, db, fmt):
    response = client.get(f"/open311/v2/nothing.{fmt}")
    assert response.status_code == 404
    assert error_list(response, fmt)[0][0] == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unsupported_method_is_a_spec_400(client, db, fmt):
    response = client.delete(f"{BASE}/services.{fmt}")
    assert response.status_code == 400
    assert error_list(response, fmt)[0][0] == 400


# ------------------------------------------------------------------ POST requests
def post_data(key, **overrides):
    data = {
        "api_key": key,
        "service_code": "roads",
        "lat": str(INSIDE["lat"]),
        "long": str(INSIDE["lon"]),
        "description": "Яма на перехресті",
        "attribute[size]": "large",
        "email": "oksana.private@example.com",
        "first_name": "Оксана",
        "last_name": "Приватна",
        "phone": "+380501112233",
        "media_url": "https://example.org/photo.jpg",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("fmt", FORMATS)
def test_posting_a_request_files_a_report(client, territory, settlement, category, api_key, fmt):
    response = client.post(
        f"{BASE}/requests.{fmt}", post_data(api_key, **{"attribute[depth]": "7"})
    )
    assert response.status_code == 201, response.content
    (item,) = requests_list(response, fmt)
    report = Report.objects.get()
    assert item["service_request_id"] == report.number
    assert set(item) == {"service_request_id", "service_notice", "account_id"}
    assert report.channel == "api" and report.answers == {"size": "large", "depth": 7}
    assert report.reporter_name == "Оксана Приватна" and report.is_anonymous
    assert report.media_url == "https://example.org/photo.jpg"
    assert b"oksana.private@example.com" not in response.content


def test_a_multivaluelist_attribute_takes_several_values(
    client, territory, settlement, signal_category, api_key
):
    data = post_data(api_key, service_code="no_signal", **{"attribute[size]": None})
    data["attribute[service][]"] = ["voice", "data"]
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 201, response.content
    assert Report.objects.get().answers == {"service": ["voice", "data"]}


def test_an_address_string_is_geocoded_through_the_address_register(
    client, territory, settlement, category, api_key
):
    from addresses.models import Street
    from tests.addresses.conftest import make_address

    school = make_address(
        Street.objects.create(settlement=settlement, name="Шкільна"), "3", 32.7215, 48.7931
    )
    data = post_data(api_key, lat=None, long=None, address_string="вул. Шкільна 3, Дмитрівка")
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert report.location_approximate and report.settlement == settlement
    assert (report.location.x, report.location.y) == pytest.approx((32.7215, 48.7931))
    assert report.nearest_address == school


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"api_key": None}, 403),
        ({"api_key": "wrong"}, 403),
        ({"service_code": None}, 400),
        ({"service_code": "potholes"}, 404),
        ({"jurisdiction_id": "kyivcity.gov.ua"}, 404),
        ({"lat": None, "long": None}, 400),
        ({"long": None}, 400),
        ({"lat": "north"}, 400),
        ({"lat": str(OUTSIDE["lat"]), "long": str(OUTSIDE["lon"])}, 400),
        ({"lat": None, "long": None, "address_id": "545483"}, 400),
        ({"lat": None, "long": None, "address_string": "Main street, Springfield"}, 400),
        ({"description": "x" * 4001}, 400),
        ({"attribute[size]": None}, 400),
        ({"attribute[size]": "huge"}, 400),
        ({"media_url": "javascript:alert(1)"}, 400),
        ({"email": "nobody"}, 400),
    ],
)
def test_bad_posts_get_the_spec_error_and_write_nothing(
    client, territory, settlement, category, api_key, fmt, overrides, status
):
    response = client.post(f"{BASE}/requests.{fmt}", post_data(api_key, **overrides))
    assert response.status_code == status
    errors = error_list(response, fmt)
    assert errors and all(code == status for code, _ in errors)
    assert all(description for _, description in errors)
    assert Report.objects.count() == 0


def test_several_problems_are_returned_as_several_errors(
    client, territory, settlement, category, api_key
):
    data = post_data(api_key, **{"attribute[size]": None, "attribute[depth]": "deep"})
    errors = error_list(client.post(f"{BASE}/requests.json", data), "json")
    assert len(errors) == 2


def test_a_disabled_api_key_is_refused(client, territory, settlement, category, api_key):
    from reports.models import ApiKey

    ApiKey.objects.update(is_active=False)
    response = client.post(f"{BASE}/requests.json", post_data(api_key))
    assert response.status_code == 403
    assert Report.objects.count() == 0


def test_a_moderated_service_returns_a_notice_and_the_request_stays_private(
    client, territory, settlement, moderated_category, api_key
):
    data = post_data(api_key, service_code="other", **{"attribute[size]": None})
    item = client.post(f"{BASE}/requests.json", data).json()[0]
    assert "модератором" in item["service_notice"]
    assert client.get(f"{BASE}/requests/{item['service_request_id']}.json").status_code == 404


def test_xml_output_escapes_markup_in_descriptions(client, make_report):
    make_report(description="<script>alert('x')</script> & more")
    response = client.get(f"{BASE}/requests.xml")
    assert b"<script>" not in response.content
    assert parse(response).findtext("request/description") == "<script>alert('x')</script> & more"


# ------------------------------------------------------------------ the api_key's own limit
def post_committed(client, fmt, data, capture):
    """POST and run the on-commit callbacks (where a filed report is counted)."""
    with capture(execute=True):
        return client.post(f"{BASE}/requests.{fmt}", data)


def test_an_api_key_is_not_held_to_the_per_address_limit_of_the_public_form(
    client, territory, settlement, category, api_key, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_RATE_LIMIT = 2
    for _ in range(4):
        response = post_committed(
            client, "json", post_data(api_key), django_capture_on_commit_callbacks
        )
        assert response.status_code == 201, response.content
    assert Report.objects.count() == 4


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_api_key_past_its_hourly_limit_gets_a_429_spec_error_and_writes_nothing(
    client, territory, settlement, category, api_key, fmt, django_capture_on_commit_callbacks
):
    from reports.models import ApiKey

    ApiKey.objects.update(reports_per_hour=2)
    capture = django_capture_on_commit_callbacks
    for _ in range(2):
        assert post_committed(client, fmt, post_data(api_key), capture).status_code == 201
    response = post_committed(client, fmt, post_data(api_key), capture)
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    ((code, description),) = error_list(response, fmt)
    assert code == 429 and "per hour" in description
    assert Report.objects.count() == 2


def test_each_api_key_has_a_limit_of_its_own(
    client, territory, settlement, category, api_key, django_capture_on_commit_callbacks
):
    import hashlib

    from reports.models import ApiKey

    ApiKey.objects.update(reports_per_hour=1)
    other = "second-client-key-9876543210"
    ApiKey.objects.create(
        name="Other", prefix=other[:8], key_hash=hashlib.sha256(other.encode()).hexdigest()
    )
    capture = django_capture_on_commit_callbacks
    assert post_committed(client, "json", post_data(api_key), capture).status_code == 201
    assert post_committed(client, "json", post_data(api_key), capture).status_code == 429
    assert post_committed(client, "json", post_data(other), capture).status_code == 201


# ------------------------------------------------------------------ the cost of one POST
# SQL statements of one POST once its key was used this minute and its category is kept by
# the process, on-commit work included: the key; the one read of territory, village,
# nearest address, category version and hourly count; the id; the report and its "filed"
# entry; its mail queued; the hourly counter; the test's savepoint and its release.
# 13 before the mail went to the task queue, the counter into the report's transaction
# and the six reads into one.
POST_MAX_QUERIES = 9
# A coverage complaint also makes its challenge and reads the coverage areas at its place
# (a third statement links them when there are any; the test has none).
COMPLAINT_EXTRA_QUERIES = 2


def test_one_post_stays_within_its_sql_budget(
    client,
    territory,
    settlement,
    category,
    api_key,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
    steady_counters,
):
    capture = django_capture_on_commit_callbacks
    assert post_committed(client, "json", post_data(api_key), capture).status_code == 201
    with django_assert_max_num_queries(POST_MAX_QUERIES):
        response = post_committed(client, "json", post_data(api_key), capture)
    assert response.status_code == 201, response.content
    assert Report.objects.count() == 2


def test_a_coverage_complaint_post_stays_within_its_sql_budget(
    client,
    territory,
    settlement,
    signal_category,
    api_key,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
    steady_counters,
):
    from coverage.models import CoverageChallenge

    capture = django_capture_on_commit_callbacks
    data = post_data(api_key, service_code="no_signal", **{"attribute[size]": None})
    data["attribute[service][]"] = ["data"]
    assert post_committed(client, "json", data, capture).status_code == 201
    with django_assert_max_num_queries(POST_MAX_QUERIES + COMPLAINT_EXTRA_QUERIES):
        response = post_committed(client, "json", data, capture)
    assert response.status_code == 201, response.content
    assert CoverageChallenge.objects.count() == 2


def test_the_keys_last_use_is_kept_to_the_minute(
    client, territory, settlement, category, api_key, clock, django_capture_on_commit_callbacks
):
    from reports.models import ApiKey

    capture = django_capture_on_commit_callbacks
    post_committed(client, "json", post_data(api_key), capture)
    first = ApiKey.objects.get().last_used_at
    assert first is not None
    clock.shift(30)
    post_committed(client, "json", post_data(api_key), capture)
    assert ApiKey.objects.get().last_used_at == first
    clock.shift(31)
    post_committed(client, "json", post_data(api_key), capture)
    assert ApiKey.objects.get().last_used_at > first
