"""Fixtures of the language crawl: the security tests' objects, one account per role."""

import pytest

from tests.security.conftest import _isolated, world  # noqa: F401 — shared fixtures

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
