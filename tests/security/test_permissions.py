"""Every URL pattern against every role: who may read, who may write, and no 500 ever.

The expected access comes from a short policy (below), written from DESIGN.md §7: the
admin is for staff, with each model's pages for the groups holding its permissions;
/planning/ and the planners' APIs for planners; the verification page for staff, its
workbench for address editors; the rest is public. A role that may not reach a page must
never get a 2xx from it, for reading or writing. Every GET response of a role that may not
see reporters' contacts is searched, as raw bytes, for a report's distinctive name, e-mail
and phone.
"""

import re

import pytest
from django.conf import settings
from django.db import transaction

from tests.security.conftest import PRIVATE_STRINGS, ROLES
from tests.security.urlwalk import admin_model, concrete_path, parameter_table, routes

PLANNER_ROLES = {"planner", "staff_admin"}
STAFF_ROLES = {"moderator", "address_editor", "planner", "staff_admin"}
# Roles that may see a reporter's name, e-mail and phone (the moderation admin).
CONTACT_ROLES = {"moderator", "staff_admin"}
WRITES = ("post", "put", "delete")

# (path regex, methods or None for all, roles allowed); the first match decides.
POLICY = [
    (r"^/planning/", None, PLANNER_ROLES),
    (r"^/addresses/verification/check/", None, {"address_editor", "staff_admin"}),
    (r"^/addresses/verification/", None, STAFF_ROLES),
    (r"^/api/v1/coverage/(gaps|unserved-addresses|wifi-sites)/", None, PLANNER_ROLES),
    (r"^/api/v1/coverage/(areas|hotspots)/$", {"post"}, PLANNER_ROLES),
    (r"^/api/v1/coverage/areas/\d+/$", {"put", "delete"}, PLANNER_ROLES),
]
ADMIN_PUBLIC = {"admin:login", "admin:logout"}
# Admin view suffix -> the ModelAdmin permission methods any one of which opens it. The
# ModelAdmins state who may do what (the address register is readable by all staff,
# changeable by address_editors only); the walk checks that every view keeps to it.
ADMIN_VIEW_PERMS = {
    "changelist": ("has_view_permission", "has_change_permission"),
    "change": ("has_view_permission", "has_change_permission"),
    "history": ("has_view_permission", "has_change_permission"),
    "simple_history": ("has_view_permission", "has_change_permission"),
    "add": ("has_add_permission",),
    "delete": ("has_delete_permission",),
}
# Pages whose GET must answer 200 to the roles allowed to read them.
LANDMARKS = {
    "/",
    "/map/",
    "/reports/new/",
    "/coverage/",
    "/addresses/",
    "/planning/",
    "/addresses/verification/",
    "/healthz",
    "/api/v1/settlements/",
    "/api/v1/reports/",
    "/ogc/collections/reports/items",
    "/admin/",
    "/admin/reports/report/",
    "/admin/addresses/address/",
    "/admin/coverage/coveragearea/",
}


def may(role: str, user, route, path: str, method: str) -> bool | None:
    """True: the role may; False: it must be refused; None: public, anything but a 5xx."""
    if path.startswith("/admin/"):
        return _admin_may(role, user, route)
    for pattern, methods, roles in POLICY:
        if re.search(pattern, path) and (methods is None or method in methods):
            return role in roles
    return None


def _admin_may(role: str, user, route) -> bool | None:
    if route.name in ADMIN_PUBLIC:
        return None
    if role not in STAFF_ROLES:
        return False
    model, view = admin_model(route.name)
    if model is not None and view in ADMIN_VIEW_PERMS:
        from django.contrib import admin
        from django.test import RequestFactory

        request = RequestFactory().get("/admin/")
        request.user = user
        model_admin = admin.site._registry[model]
        return any(getattr(model_admin, name)(request) for name in ADMIN_VIEW_PERMS[view])
    if route.name == "admin:app_list":
        return user.has_module_perms("reports")
    return None


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _request(client, method: str, path: str):
    if method == "get":
        return client.get(path)
    if method == "post":
        return client.post(path, {})
    return getattr(client, method)(path, b"", content_type="application/json")


def _write(client, user, method: str, path: str):
    """Send a write and roll back whatever it changed, so every role sees the same data."""
    with transaction.atomic():
        response = _request(client, method, path)
        transaction.set_rollback(True)
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    session = response.cookies.get(settings.SESSION_COOKIE_NAME)
    if user is not None and session is not None and not session.value:
        client.force_login(user)  # the request signed the user out (admin logout)
    return response


def _walk_paths(world) -> list[tuple]:
    """(route, concrete path) for every pattern, each path once."""
    tables = parameter_table(world)
    templates, paths, result = set(), set(), []
    for route in routes():
        template = route.template[0]
        path = concrete_path(route, tables, check=template not in templates)
        templates.add(template)
        if path not in paths:
            paths.add(path)
            result.append((route, path))
    return result


def _check(role, expected, method, path, response, problems):
    status = response.status_code
    if status >= 500:
        problems.append(f"{method.upper()} {path}: {status}")
    elif expected is False and 200 <= status < 300:
        problems.append(f"{method.upper()} {path}: {status} but {role} may not")
    elif expected is True and method == "get" and path in LANDMARKS and status != 200:
        problems.append(f"GET {path}: {status} but {role} may read it")


def test_the_walker_fills_every_url_pattern_with_a_path_that_resolves_to_its_view(world):
    paths = _walk_paths(world)
    assert len(paths) >= 100
    assert {"/", "/planning/", "/api/v1/reports/", "/healthz"} <= {path for _, path in paths}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_for_every_url_and_sees_no_contact_it_may_not(
    role, world, users, clients
):
    user, client, problems = users[role], clients[role], []
    for route, path in _walk_paths(world):
        response = client.get(path)
        _check(role, may(role, user, route, path, "get"), "get", path, response, problems)
        if role not in CONTACT_ROLES:
            problems += _leaks(path, _body(response))
        # Django's HTML views treat PUT/DELETE like GET or refuse them: POST is the write.
        methods = WRITES if path.startswith(("/api/", "/ogc/", "/open311/")) else ("post",)
        for method in methods:
            expected = may(role, user, route, path, method)
            _check(role, expected, method, path, _write(client, user, method, path), problems)
    assert problems == []


def _leaks(path: str, body: bytes) -> list[str]:
    return [f"GET {path} shows {secret!r}" for secret in PRIVATE_STRINGS if secret.encode() in body]


def test_the_private_contact_is_there_for_a_moderator_so_the_leak_search_can_find_it(
    world, clients
):
    report = world["report"]
    body = clients["moderator"].get(f"/admin/reports/report/{report.pk}/change/").content
    assert PRIVATE_STRINGS[1].encode() in body


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("anonymous", "/admin/reports/report/", 302),
        ("resident", "/admin/reports/report/", 302),
        ("moderator", "/admin/reports/report/", 200),
        ("moderator", "/admin/addresses/address/", 200),  # the register: all staff read
        ("moderator", "/admin/addresses/address/add/", 403),
        ("address_editor", "/admin/addresses/address/", 200),
        ("address_editor", "/admin/reports/report/", 403),
        ("planner", "/admin/reports/report/", 403),
        ("planner", "/planning/", 200),
        ("resident", "/planning/", 403),
        ("anonymous", "/planning/", 302),
        ("anonymous", "/api/v1/coverage/gaps/", 401),
        ("resident", "/api/v1/coverage/gaps/", 403),
        ("moderator", "/admin/auth/user/", 403),
        ("staff_admin", "/admin/auth/user/", 200),
    ],
)
def test_the_roles_meet_the_pages_of_their_own_work_and_not_the_others(
    role, path, status, world, clients
):
    assert clients[role].get(path).status_code == status


@pytest.mark.parametrize("role", ["anonymous", "resident", "moderator", "address_editor"])
def test_a_layer_for_planners_only_is_hidden_from_everyone_else(role, world, clients):
    from layers import registry

    hidden = [spec.id for spec in registry.all_layers() if not spec.is_public]
    assert "coverage-gaps" in hidden
    for layer_id in hidden:
        client = clients[role]
        assert client.get(f"/ogc/collections/{layer_id}/items").status_code == 404
        assert client.get(f"/tiles/{layer_id}.json").status_code == 404
        assert client.get(f"/tiles/{layer_id}/12/2420/1405.pbf").status_code == 404
    assert clients["planner"].get("/ogc/collections/coverage-gaps/items").status_code == 200
