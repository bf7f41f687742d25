"""403, 404 and 500 pages in the service's layout, in both languages, JSON on APIs."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from core.errors import handler500


@pytest.mark.parametrize(
    ("language", "title"), [("uk", "Сторінку не знайдено"), ("en", "Page not found")]
)
def test_the_404_page_has_the_header_and_speaks_the_visitors_language(client, db, language, title):
    client.cookies["django_language"] = language
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert title in body and 'class="site-nav"' in body and 'data-nav="map"' in body


def test_an_api_404_stays_json(client, db):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("language", "title"),
    [("uk", "Щось пішло не так з нашого боку"), ("en", "Something went wrong on our side")],
)
def test_the_500_page_is_rendered_without_touching_the_database(language, title, settings):
    # No `db` fixture: any query would raise "Database access not allowed".
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    request = RequestFactory().get("/planning/")
    with translation.override(language):
        response = handler500(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert title in body and 'data-nav="map"' in body
    assert "Sign out" not in body and 'data-nav="planning"' not in body


def test_the_500_page_of_an_api_path_is_json():
    response = handler500(RequestFactory().get("/api/v1/reports/"))
    assert response.status_code == 500 and b'"internal"' in response.content
