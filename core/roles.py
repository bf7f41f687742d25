"""Roles are Django groups (DESIGN.md §7): one table, one decorator, one check.

The four staff roles and the exact permissions each one's work needs are declared here
as data ("app_label.codename" strings: core imports no app). A data migration
(`core/migrations/0002_roles.py`) creates the groups; a post_migrate receiver keeps their
permissions in step when an app adds a model. Pages ask `has_role`, or wear
`@role_required("planner")`; an anonymous visitor is sent to the service's sign-in page,
a signed-in user without the role gets the 403 page. Superusers and members of the
`admins` group hold every role. No role needs "staff status" except for work that is
still done in the Django admin (`ROLES_IN_ADMIN`).
"""

from collections.abc import Callable, Iterable
from functools import wraps

PLANNER = "planner"
MODERATOR = "moderator"
ADDRESS_EDITOR = "address_editor"
ADMIN = "admin"
ROLES = (PLANNER, MODERATOR, ADDRESS_EDITOR, ADMIN)

# Role -> its Django group's name (the names existing data and tests already use).
GROUPS = {
    PLANNER: "planners",
    MODERATOR: "moderators",
    ADDRESS_EDITOR: "address_editors",
    ADMIN: "admins",
}

_VIEW = ("view",)
_EDIT = ("view", "add", "change")
_ALL = ("view", "add", "change", "delete")

# Role -> {app_label: {model: actions}}. Planners read the territory and keep coverage;
# moderators keep reports; address editors keep the register (retired, never deleted).
ROLE_PERMISSIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    PLANNER: {
        "layers": {"territory": _VIEW, "settlement": _VIEW, "facility": _VIEW},
        "coverage": {
            "provider": _EDIT,
            "coveragearea": _ALL,
            "wifihotspot": _ALL,
            "coveragesnapshot": _VIEW,
            "strategytarget": _VIEW,
            "coveragechallenge": ("view", "change"),
            "coveragehexagon": _VIEW,
            "populationraster": _VIEW,
        },
    },
    MODERATOR: {
        "layers": {"settlement": _VIEW},
        "reports": {
            "report": _EDIT,
            "photo": ("view", "change", "delete"),
            "update": _VIEW,
            "category": _VIEW,
            "question": _VIEW,
            "subscription": ("view", "delete"),
        },
    },
    ADDRESS_EDITOR: {
        "layers": {"settlement": _VIEW, "facility": _VIEW},
        "addresses": {
            "street": _EDIT,
            "address": _EDIT,
            "facilityaddress": _ALL,
            "historicalstreet": _VIEW,
            "historicaladdress": _VIEW,
            "historicalfacilityaddress": _VIEW,
        },
    },
    # Administrators: every permission of these apps (filled in by `_admin_permissions`).
    ADMIN: {},
}
ADMIN_APPS = ("auth", "layers", "addresses", "reports", "coverage", "maps", "ops", "core")

# Roles whose daily work is still in the Django admin, so `staff_add` gives them "staff
# status": moderation (/admin/reports/ until /moderation/ lands), register editing
# (/admin/addresses/) and administration. Planners work on /planning/ without it.
ROLES_IN_ADMIN = frozenset({MODERATOR, ADDRESS_EDITOR, ADMIN})


def _codenames(role: str) -> set[tuple[str, str]]:
    return {
        (app_label, f"{action}_{model}")
        for app_label, models in ROLE_PERMISSIONS[role].items()
        for model, actions in models.items()
        for action in actions
    }


def roles_ensure(apps=None, **kwargs) -> None:
    """Create the four groups and set each one's permissions to exactly its table (idempotent).

    `apps` is a migration's historical registry, or None for the live one. Permissions not
    yet created (a model added later) are skipped; the post_migrate receiver adds them.
    """
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=GROUPS[role])
        if role == ADMIN:
            granted = Permission.objects.filter(content_type__app_label__in=ADMIN_APPS)
        else:
            wanted = _codenames(role)
            labels = {app_label for app_label, _ in wanted}
            granted = [
                p
                for p in Permission.objects.filter(content_type__app_label__in=labels)
                .select_related("content_type")
                .only("id", "codename", "content_type__app_label")
                if (p.content_type.app_label, p.codename) in wanted
            ]
        group.permissions.set(granted)


def roles_ensure_after_migrate(sender, **kwargs) -> None:
    """post_migrate receiver: refresh the groups once, after the last app's permissions."""
    from django.apps import apps

    # Django signals only the apps that have models, in INSTALLED_APPS order.
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender.label == last.label:
        roles_ensure()


def _group_names(user) -> set[str]:
    """The user's group names, read once per request object (the header asks often)."""
    cached = getattr(user, "_hromada_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._hromada_groups = cached
    return cached


def in_group(user, name: str, *, staff_only: bool = False) -> bool:
    """Tell whether an active, signed-in user is a superuser, an admin or in group `name`.

    `staff_only` also asks for "staff status" (work that is done in the Django admin).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if staff_only and not user.is_staff:
        return False
    if user.is_superuser:
        return True
    names = _group_names(user)
    return name in names or GROUPS[ADMIN] in names


def has_role(user, role: str) -> bool:
    """Tell whether the user holds `role` (one of ROLES); admins hold every role."""
    return in_group(user, GROUPS[role])


def user_roles(user) -> set[str]:
    """Return the roles the user holds (empty for anonymous visitors and residents)."""
    return {role for role in ROLES if has_role(user, role)}


def is_staff_member(user) -> bool:
    """Tell whether the user works for the community: any role, or "staff status"."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or bool(user_roles(user))


def _check_roles(roles: Iterable[str]) -> tuple[str, ...]:
    roles = tuple(roles)
    unknown = [role for role in roles if role not in ROLES and role != "staff"]
    if unknown:
        raise ValueError(f"Unknown roles {unknown}; known: {ROLES} and 'staff'.")
    return roles


def allowed(user, roles: Iterable[str]) -> bool:
    """Tell whether the user holds any of `roles` ("staff" = any staff role)."""
    return any(is_staff_member(user) if r == "staff" else has_role(user, r) for r in roles)


def role_required(*roles: str) -> Callable:
    """Guard a view: anonymous → the sign-in page (with ?next=), wrong role → the 403 page.

    `@role_required("planner")`, `@role_required("moderator", "admin")`, or
    `@role_required("staff")` for any staff member. Never sends anyone to the admin login.
    """
    roles = _check_roles(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request, *args, **kwargs):
            from django.contrib.auth.views import redirect_to_login
            from django.core.exceptions import PermissionDenied

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded.required_roles = roles
        return guarded

    return decorator
