"""The `moderators` group and what it may do with reports."""

MODERATORS = "moderators"
MODERATOR_PERMISSIONS = {
    "report": ("view", "change", "add"),
    "photo": ("view", "change", "delete"),
    "update": ("view",),
    "category": ("view",),
    "question": ("view",),
    "subscription": ("view", "delete"),
}


def moderators_group_ensure(sender=None, **kwargs) -> None:
    """Create the `moderators` group and grant its report permissions (idempotent).

    Connected to post_migrate, after Django has created the permissions.
    """
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=MODERATORS)
    codenames = [
        f"{action}_{model}"
        for model, actions in MODERATOR_PERMISSIONS.items()
        for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="reports", codename__in=codenames
    )
    group.permissions.add(*permissions)


def is_moderator(user) -> bool:
    """Tell whether the user may moderate reports (superuser or in `moderators`)."""
    if not user.is_authenticated or not user.is_staff:
        return False
    return user.is_superuser or user.groups.filter(name=MODERATORS).exists()
