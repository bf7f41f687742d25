"""Schemathesis against the two published API schemas, in-process (WSGI), real database.

For every operation of /api/v1/schema/ (OpenAPI 3.1, django-ninja) and of /ogc/api
(OpenAPI 3.0, OGC API - Features), a bounded number of generated requests must never
get a 5xx, and every response must match the schema it is documented with.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.helpers.isolation import private_cache_and_media
from tests.security.conftest import INSIDE

pytestmark = pytest.mark.fuzz

EXAMPLES = 20
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same inputs on every run: CI failures reproduce
    database=None,
    suppress_health_check=list(HealthCheck),
)
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def fuzz_world(settings, tmp_path, settlement, facility):
    """A village, a facility, a category and a public report; a private cache."""
    from reports import services
    from reports.models import Category

    private_cache_and_media(settings, tmp_path, "fuzz")
    settings.REPORTS_RATE_LIMIT = 10_000
    Category.objects.create(code="roads", name_uk="Дороги")
    services.report_create(category_code="roads", description="Яма", **INSIDE)


@pytest.fixture
def keep_test_connection():
    """Called through WSGI, Django would close the test's connection after each request
    (mid-transaction); Django's own test client disconnects the same receivers."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _operations(path: str) -> list:
    """Every operation of the schema served at `path`, loaded in-process (WSGI)."""
    from gis.wsgi import application

    schema = schemathesis.openapi.from_wsgi(path, application)
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(operation) -> str | None:
    """Run the bounded examples of one operation; return the first failure, if any."""

    @given(case=operation.as_strategy())
    @FUZZ
    def run(case):
        # identity: the in-process WSGI client hands gzip bytes on undecoded.
        case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})

    try:
        run()
    except Exception as exc:  # noqa: BLE001 — reported with the operation it came from
        return f"{operation.label}: {exc}"
    return None


# One plain test per schema walking its operations: schemathesis' own pytest plugin
# (schemathesis.pytest.from_fixture) does not run under pytest 9 in this version.
@pytest.mark.parametrize("path", ["/api/v1/schema/", "/ogc/api"])
def test_every_api_operation_never_fails_with_5xx_and_answers_as_its_schema_says(
    path, db, fuzz_world, keep_test_connection
):
    operations = _operations(path)
    assert len(operations) >= 5
    failures = [failure for failure in map(_fuzz, operations) if failure]
    assert failures == [], "\n\n".join(failures)
