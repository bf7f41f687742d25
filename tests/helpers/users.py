"""Accounts of the tests: a user, signed in or not, in the groups of a role."""

from django.contrib.auth.models import Group, User


def make_user(username: str, *, groups=(), password=None, **fields) -> User:
    """Create a user (is_staff, is_superuser… in `fields`) and add it to `groups`,
    creating a group the migrations have not already made."""
    user = User.objects.create_user(username, password=password, **fields)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user
