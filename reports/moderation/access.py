"""Who may use the moderation workbench and the staff intake.

Until the project's role decorator lands (core/roles.py), pages check the `moderators`
group through reports.roles.is_moderator: anonymous visitors go to the sign-in page,
signed-in users without the role get 403.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reports.roles import is_moderator


def moderator_required(view):
    """Let only moderators (and superusers) through to `view`."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not is_moderator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
