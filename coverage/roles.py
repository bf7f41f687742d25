"""The `planners` group: who may change coverage data and see unserved addresses."""

PLANNERS = "planners"
PLANNER_PERMISSIONS = {
    "provider": ("view", "add", "change"),
    "coveragearea": ("view", "add", "change", "delete"),
    "wifihotspot": ("view", "add", "change", "delete"),
    "coveragesnapshot": ("view",),
    "strategytarget": ("view",),
    "coveragechallenge": ("view", "change"),
    "coveragehexagon": ("view",),
    "populationraster": ("view",),
}


def planners_group_ensure(sender=None, **kwargs) -> None:
    """Create the `planners` group and grant its coverage permissions (idempotent).

    Connected to post_migrate, after Django has created the permissions.
    """
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=PLANNERS)
    codenames = [
        f"{action}_{model}" for model, actions in PLANNER_PERMISSIONS.items() for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="coverage", codename__in=codenames
    )
    group.permissions.add(*permissions)


def is_planner(user) -> bool:
    """Tell whether the user is a planner (superuser or member of `planners`)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=PLANNERS).exists()
