"""The moderators' role (declared with the others in core.roles): who may moderate reports."""

from core.roles import GROUPS, MODERATOR, in_group

MODERATORS = GROUPS[MODERATOR]


def is_moderator(user) -> bool:
    """Tell whether the user may moderate reports in the admin (staff and `moderators`)."""
    return in_group(user, MODERATORS, staff_only=True)
