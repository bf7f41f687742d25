"""The `moderators` group and what it may do with reports."""

from core.roles import group_ensure, in_group

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
    group_ensure(MODERATORS, "reports", MODERATOR_PERMISSIONS)


def is_moderator(user) -> bool:
    """Tell whether the user may moderate reports (superuser or in `moderators`)."""
    return in_group(user, MODERATORS, staff_only=True)
