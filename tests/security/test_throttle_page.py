"""A throttled sign-in, password change or reset answers the site's own 429 page
(templates/429.html, core.errors.too_many_requests) in the visitor's language, with
Retry-After; API paths keep the JSON error."""

import json

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.errors import too_many_requests

PASSWORD = "pw-moderator-Strong-2024"
HEADER = '<header class="site-header'


@pytest.fixture
def limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_FAILURE_WINDOW_S = 900
    settings.LOGIN_LOCKOUT_S = 900
    settings.LOGIN_RATE_LIMIT = 30
    settings.LOGIN_RATE_WINDOW_S = 600
    settings.PASSWORD_RATE_LIMIT = 1
    settings.PASSWORD_RATE_WINDOW_S = 300
    return settings


def _locked_out(client, language: str):
    client.cookies["django_language"] = language
    data = {"username": "moderator", "password": "wrong"}
    for _ in range(2):
        assert client.post(reverse("login"), data).status_code == 200
    return client.post(reverse("login"), {**data, "password": PASSWORD})


def _page(response) -> str:
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def test_a_locked_out_sign_in_gets_the_sites_429_page_in_ukrainian(client, users, limits):
    response = _locked_out(client, "uk")
    text = _page(response)
    assert response["Retry-After"] == "900"
    assert HEADER in text and 'lang="uk"' in text
    assert "Забагато невдалих спроб входу" in text
    assert "Спробуйте ще раз через 15 хв" in text
    assert "Дмитрівська громада — ГІС" in text


def test_a_locked_out_sign_in_gets_the_sites_429_page_in_english(client, users, limits):
    response = _locked_out(client, "en")
    text = _page(response)
    assert response["Retry-After"] == "900"
    assert HEADER in text and 'lang="en"' in text
    assert "Too many failed sign-in attempts" in text and "Try again in 15 min" in text
    assert "Забагато" not in text and "Спробуйте" not in text


@pytest.mark.parametrize(
    ("language", "words"),
    [("uk", "Забагато спроб змінити пароль"), ("en", "Too many password change attempts")],
)
def test_a_throttled_password_reset_gets_the_sites_429_page(client, db, limits, language, words):
    client.cookies["django_language"] = language
    url = reverse("password_reset")
    assert client.post(url, {"email": "a@example.org"}).status_code == 302
    response = client.post(url, {"email": "a@example.org"})
    text = _page(response)
    assert response["Retry-After"] == "300"
    assert HEADER in text and words in text


def test_a_throttled_admin_password_change_gets_the_sites_429_page(client, users, limits):
    client.force_login(users["moderator"], backend="django.contrib.auth.backends.ModelBackend")
    form = {"old_password": "wrong", "new_password1": "N3w-pw-x", "new_password2": "N3w-pw-x"}
    assert client.post("/admin/password_change/", form).status_code == 200
    text = _page(client.post("/admin/password_change/", form))
    assert HEADER in text and "Забагато спроб змінити пароль" in text


def test_a_429_on_an_api_path_stays_json(db):
    request = RequestFactory().post("/api/v1/anything/")
    response = too_many_requests(request, code="throttled", message="Slow down.", retry_after_s=61)
    assert response.status_code == 429 and response["Retry-After"] == "61"
    assert json.loads(response.content) == {"error": {"code": "throttled", "message": "Slow down."}}
