"""The 503 answer when PostgreSQL does not answer (core.middleware.DatabaseUnavailableMiddleware):
the site's own page, built without the database, in the visitor's language, with
Retry-After; JSON on API paths. The real outage (a throw-away cluster stopped under
gunicorn) is in tests/faults/test_live_faults.py."""

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import translation

from core.middleware import DatabaseUnavailableMiddleware

LOST = OperationalError("connection failed: the database system is shutting down")


def _answer(path: str, language: str = "uk"):
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    with translation.override(language):
        return middleware.process_exception(RequestFactory().get(path), LOST)


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.mark.parametrize(
    ("language", "title"),
    [("uk", "Сервіс тимчасово недоступний"), ("en", "Service temporarily unavailable")],
)
def test_a_page_in_a_database_outage_is_the_sites_503_page_without_the_database(language, title):
    # No `db` fixture: any query would raise "Database access not allowed".
    response = _answer("/map/", language)
    body = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert title in body and 'class="site-nav"' in body and 'data-nav="map"' in body
    assert "psycopg" not in body and "shutting down" not in body


def test_an_api_path_in_a_database_outage_is_a_503_json_with_retry_after():
    response = _answer("/api/v1/locate")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert json.loads(response.content)["error"]["code"] == "unavailable"


def _user_lost(request):
    raise LOST


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "kind"), [("/reports/new/", "text/html"), ("/api/v1/reports/", "application/json")]
)
def test_an_outage_met_by_a_middleware_is_a_503_not_a_500(client, monkeypatch, path, kind):
    """A signed-in POST reads who the user is in a middleware (the body's limit), outside
    any view, where DatabaseUnavailableMiddleware.process_exception is never asked: the
    500 handler gives the same 503."""
    monkeypatch.setattr("django.contrib.auth.get_user", _user_lost)
    client.raise_request_exception = False
    response = client.post(path, {"x": "1"})
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response["Content-Type"].startswith(kind)
