"""Fixtures of the language crawl: the security tests' objects, one account per role."""

import pytest

from tests.security.conftest import _isolated  # noqa: F401 — shared fixture
from tests.security.conftest import world as security_world  # noqa: F401

ROLES = ("anonymous", "resident", "planner", "moderator", "address_editor", "admin")


@pytest.fixture
def role_users(db):
    """One account per role, made the way staff are made (core.accounts.staff_add)."""
    from django.contrib.auth.models import User

    from core.accounts import staff_add

    users = {"anonymous": None, "resident": User.objects.create_user("resident")}
    for role in ROLES[2:]:
        users[role] = staff_add(email=f"{role}@example.org", role=role).user
    return users


@pytest.fixture
def world(security_world):  # noqa: F811 — wraps the security tests' world
    """The security tests' objects and a coverage snapshot, so that the planners' page
    shows its figures and village names (not its "nothing computed yet" notice)."""
    from coverage.services import coverage_compute

    coverage_compute()
    return security_world
