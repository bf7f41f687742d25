"""Login lock-out and the login rate limit (core/auth.py), through the admin login."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

LOGIN = "/admin/login/"
PASSWORD = "pw-moderator-Strong-2024"


@pytest.fixture
def limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_FAILURE_WINDOW_S = 900
    settings.LOGIN_LOCKOUT_S = 900
    settings.LOGIN_RATE_LIMIT = 30
    settings.LOGIN_RATE_WINDOW_S = 600
    return settings


def _login(client, password, username="moderator", ip="203.0.113.7"):
    data = {"username": username, "password": password, "next": "/admin/"}
    return client.post(LOGIN, data, REMOTE_ADDR=ip)


def _fail(client, times, **kwargs):
    for _ in range(times):
        assert _login(client, "wrong-password", **kwargs).status_code == 200


def test_a_correct_password_signs_a_staff_member_in(client, users, limits):
    response = _login(client, PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_five_failures_lock_the_account_for_that_address_with_a_clear_message(
    client, users, limits
):
    _fail(client, 5)
    response = _login(client, PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    text = response.content.decode()
    assert "Too many failed sign-in attempts" in text and "15 min" in text
    assert "Забагато невдалих спроб входу" in text
    assert client.get("/admin/").status_code == 302  # not signed in


def test_four_failures_do_not_lock_the_account(client, users, limits):
    _fail(client, 4)
    assert _login(client, PASSWORD).status_code == 302


def test_the_lock_holds_only_for_the_address_that_failed(client, users, limits):
    _fail(client, 5, ip="203.0.113.7")
    assert _login(client, PASSWORD, ip="198.51.100.20").status_code == 302


def test_the_lock_holds_only_for_the_username_that_failed(client, users, limits):
    _fail(client, 5, username="planner")
    assert _login(client, PASSWORD).status_code == 302


def test_a_successful_login_clears_the_failure_count(client, users, limits):
    _fail(client, 4)
    assert _login(client, PASSWORD).status_code == 302
    client.post("/admin/logout/")
    _fail(client, 4)
    assert _login(client, PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_down(client, users, limits, clock):
    limits.LOGIN_LOCKOUT_S = 1
    _fail(client, 5)
    assert _login(client, PASSWORD).status_code == 429
    clock.shift(1.2)
    assert _login(client, PASSWORD).status_code == 302


def test_one_address_may_try_only_so_many_logins_whatever_the_usernames(client, users, limits):
    limits.LOGIN_RATE_LIMIT = 6
    for n in range(6):
        assert _login(client, "wrong", username=f"guess{n}").status_code == 200
    response = _login(client, PASSWORD)
    assert response.status_code == 429
    assert "Too many sign-in attempts from your address" in response.content.decode()
    assert _login(client, PASSWORD, ip="198.51.100.20").status_code == 302


def test_every_login_view_that_authenticates_with_the_request_is_throttled(users, limits):
    """A future login view (an API token login, LoginView) goes through the same backend."""
    request = RequestFactory().post("/any/login/", REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        assert authenticate(request, username="moderator", password="wrong") is None
    assert authenticate(request, username="moderator", password=PASSWORD) is None
    assert request.login_refused[1] == 900
    fresh = RequestFactory().post("/any/login/", REMOTE_ADDR="203.0.113.10")
    assert authenticate(fresh, username="moderator", password=PASSWORD) == users["moderator"]


def test_logins_without_a_request_are_not_throttled(users, limits):
    """The shell, management commands and the test client's login() have no address."""
    for _ in range(8):
        assert authenticate(username="moderator", password="wrong") is None
    assert authenticate(username="moderator", password=PASSWORD) == users["moderator"]
