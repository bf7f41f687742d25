"""The planners' role (declared with the others in core.roles): who may change coverage
data and see unserved addresses."""

from core.roles import GROUPS, PLANNER, has_role

PLANNERS = GROUPS[PLANNER]


def is_planner(user) -> bool:
    """Tell whether the user is a planner (superuser, admin or member of `planners`)."""
    return has_role(user, PLANNER)
