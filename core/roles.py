"""Roles are Django groups (DESIGN.md §7); each app declares its own and its permissions.

An app calls `group_ensure` from a post_migrate receiver, after Django has created the
permissions, and asks `in_group` whether a user holds the role. Superusers hold every
role.
"""


def group_ensure(name: str, app_label: str, permissions: dict[str, tuple[str, ...]]) -> None:
    """Create the group `name` and grant it `permissions` of `app_label` (idempotent).

    `permissions` maps a model name to its actions: {"report": ("view", "change")}.
    """
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=name)
    codenames = [
        f"{action}_{model}" for model, actions in permissions.items() for action in actions
    ]
    granted = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.add(*granted)


def in_group(user, name: str, *, staff_only: bool = False) -> bool:
    """Tell whether an active, signed-in user is a superuser or a member of group `name`.

    `staff_only` also asks for "staff status" (roles whose work is in the admin).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if staff_only and not user.is_staff:
        return False
    return user.is_superuser or user.groups.filter(name=name).exists()
