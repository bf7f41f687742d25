"""Fixtures of the language crawl: the security tests' objects, one account per role,
made once for the module (tests/helpers/db.py `rolled_back`).

Every test of the crawl only reads, so the objects, the coverage snapshot, the accounts
and their sessions are written once per module (per xdist worker that runs it) instead
of once per (role, language) test: twelve set-ups of the same rows were a third of the
crawl's time.
"""

from dataclasses import dataclass

import pytest

from tests.security.conftest import _isolated  # noqa: F401 — shared fixture

ROLES = ("anonymous", "resident", "planner", "moderator", "address_editor", "admin")


def make_role_users() -> dict:
    """One account per role, made the way staff are made (core.accounts.staff_add)."""
    from django.contrib.auth.models import User

    from core.accounts import staff_add

    users = {"anonymous": None, "resident": User.objects.create_user("resident")}
    for role in ROLES[2:]:
        users[role] = staff_add(email=f"{role}@example.org", role=role).user
    return users


def session_key(user) -> str | None:
    """The key of a new signed-in session of `user` (None for the anonymous visitor)."""
    from django.test import Client

    if user is None:
        return None
    client = Client()
    client.force_login(user)
    return client.session.session_key


@dataclass(frozen=True)
class CrawlWorld:
    """What the crawl reads: the objects the URL patterns name, and per role the key of
    a signed-in session (None for the anonymous visitor)."""

    objects: dict
    sessions: dict


@pytest.fixture(scope="module")
def crawl_world(django_db_setup, django_db_blocker):
    """The security tests' objects, a coverage snapshot (so that the planners' page shows
    its figures and village names, not its "nothing computed yet" notice) and one
    session per role, in a transaction rolled back after the module.

    A test's client carries the role's session key; a request that rotated or ended the
    session did so inside the test's own savepoint, undone when the test ends, so the
    next test finds the session as it was made here.
    """
    from coverage.services import coverage_compute
    from tests.conftest import make_facility, make_settlement, make_territory
    from tests.helpers.db import rolled_back
    from tests.security.conftest import make_world

    with rolled_back(django_db_blocker):
        settlement = make_settlement(make_territory())
        objects = make_world(settlement, make_facility(settlement))
        coverage_compute()
        sessions = {role: session_key(user) for role, user in make_role_users().items()}
        yield CrawlWorld(objects=objects, sessions=sessions)
