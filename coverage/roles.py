"""The `planners` group: who may change coverage data and see unserved addresses."""

from core.roles import group_ensure, in_group

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
    group_ensure(PLANNERS, "coverage", PLANNER_PERMISSIONS)


def is_planner(user) -> bool:
    """Tell whether the user is a planner (superuser or member of `planners`)."""
    return in_group(user, PLANNERS)
