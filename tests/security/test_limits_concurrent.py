"""Atomic limits across processes (issue #21): counters in PostgreSQL let exactly the
limit through when several processes hit them at once; password changes are throttled."""

import multiprocessing

import pytest

from tests.helpers.users import make_user
from tests.security.conftest import INSIDE

PROCESSES = 4
# Forked children: a parallel worker's other threads (a browser driver, a live server) may
# hold a lock at the fork, and the child then waits on it for ever. Alone, no such threads.
pytestmark = pytest.mark.serial


def _run_in_processes(target, args, n=PROCESSES) -> list:
    """Run target(*args, queue) in `n` forked processes at once; return what they put."""
    from django.db import connections

    connections.close_all()  # a forked child must open its own connection
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start = context.Event()
    workers = [context.Process(target=target, args=(*args, start, queue)) for _ in range(n)]
    for worker in workers:
        worker.start()
    start.set()
    results = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    return results


def _hit_counter(key, limit, tries, start, queue):
    from core.ratelimit import counter_hit

    start.wait()
    queue.put(sum(counter_hit(key, limit, 600) for _ in range(tries)))


def _post_reports(tries, start, queue):
    from django.test import Client

    client = Client()
    form = {"category": "roads", "lat": INSIDE["lat"], "lon": INSIDE["lon"], "description": "Яма"}
    start.wait()
    codes = [client.post("/api/v1/reports/", form).status_code for _ in range(tries)]
    queue.put(codes)


def _wrong_logins(tries, start, queue):
    from django.test import Client

    client = Client()
    form = {"username": "olena", "password": "not-her-password"}
    start.wait()
    queue.put([client.post("/admin/login/", form).status_code for _ in range(tries)])


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_wrong_passwords_from_processes_reaches_the_check_exactly_the_limit(settings):
    make_user("olena", is_staff=True, password="Her-own-pw-2026")
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_RATE_LIMIT = 1000
    codes = [code for result in _run_in_processes(_wrong_logins, (6,)) for code in result]
    assert codes.count(200) == 5  # the form again: the password was checked
    assert codes.count(429) == len(codes) - 5


@pytest.mark.django_db(transaction=True)
def test_processes_hitting_one_counter_let_exactly_the_limit_through():
    passed = _run_in_processes(_hit_counter, ("test:concurrent", 50, 100))
    assert sum(passed) == 50


@pytest.mark.django_db(transaction=True)
def test_processes_filing_reports_at_once_get_exactly_the_limit(settlement, settings):
    from reports.models import Category, Report

    Category.objects.create(code="roads", name_uk="Дороги")
    settings.REPORTS_RATE_LIMIT = 5
    codes = [code for result in _run_in_processes(_post_reports, (10,)) for code in result]
    assert codes.count(201) == 5
    assert codes.count(429) == len(codes) - 5
    assert Report.objects.count() == 5


def test_password_changes_are_throttled(client, db, settings):
    settings.PASSWORD_RATE_LIMIT = 2
    user = make_user("staff-pw", is_staff=True, password="Old-pw-12345-x")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    form = {"old_password": "wrong", "new_password1": "N3w-pw-x", "new_password2": "N3w-pw-x"}
    codes = [client.post("/admin/password_change/", form).status_code for _ in range(3)]
    assert codes[:2] == [200, 200]
    assert codes[2] == 429


def test_password_resets_are_throttled(client, db, settings):
    from django.urls import reverse

    settings.PASSWORD_RATE_LIMIT = 1
    url = reverse("password_reset")  # the service's own page (core/urls.py)
    codes = [client.post(url, {"email": "a@example.org"}).status_code for _ in range(2)]
    assert codes == [302, 429]  # the first is sent on to "check your e-mail"
