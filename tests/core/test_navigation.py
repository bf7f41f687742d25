"""The header marks exactly one link as the current page: the longest match wins."""

import pytest

from core.navigation import nav_links
from core.roles import ADMIN, GROUPS
from tests.helpers.users import make_user

pytestmark = pytest.mark.django_db


def _current(user, path):
    links = nav_links(user, path)
    return [link["key"] for group in links.values() for link in group if link["current"]]


@pytest.fixture
def admin_user():
    from django.contrib.auth.models import Group

    user = make_user("nav-admin", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=GROUPS[ADMIN])[0])
    return user


def test_the_verification_page_belongs_to_the_address_register_not_to_address_search(
    admin_user,
):
    assert _current(admin_user, "/addresses/verification/") == ["register"]


def test_the_public_address_search_stays_current_on_its_own_page(admin_user):
    assert _current(admin_user, "/addresses/") == ["addresses"]
    assert _current(None, "/addresses/?q=1") == ["addresses"]


def test_a_page_of_no_entry_marks_none(admin_user):
    assert _current(admin_user, "/") == []
    assert _current(admin_user, "/ogc/") == []
