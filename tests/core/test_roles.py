"""Roles, the sign-in page and access to every staff page (issue #16, part 1).

Every staff URL of the URLconf is found by its guard (`core.roles.role_required`), then
fetched as an anonymous visitor (→ our sign-in page), as each role (→ the page or the
403 page in our layout) — never the admin's login form.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.test import Client

from core import roles
from core.accounts import staff_add
from tests.security.urlwalk import routes

ROLE_NAMES = ("planner", "moderator", "address_editor", "admin")


@pytest.fixture(autouse=True)
def _private(settings, tmp_path):
    from tests.helpers.isolation import private_cache_and_media

    private_cache_and_media(settings, tmp_path, "roles-tests")


@pytest.fixture
def accounts(db):
    result = {"resident": User.objects.create_user("resident", password="pw-Resident-2026")}
    for role in ROLE_NAMES:
        result[role] = staff_add(email=f"{role}@example.org", role=role).user
    return result


def _client(user=None, language="uk") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def staff_routes() -> list[tuple[str, tuple[str, ...]]]:
    """(path, roles) of every URL pattern guarded by role_required, without parameters."""
    result = []
    for route in routes():
        required = getattr(route.callback, "required_roles", None)
        template, params = route.template
        if required and not params:
            result.append(("/" + template, required))
    return result


def test_the_migration_made_the_four_groups_with_the_permissions_of_their_work(db):
    def perms(name):
        group = Group.objects.get(name=name)
        return set(group.permissions.values_list("content_type__app_label", "codename"))

    planners, moderators, editors = perms("planners"), perms("moderators"), perms("address_editors")
    assert ("coverage", "change_coveragearea") in planners
    assert not any(app in {"reports", "addresses", "auth"} for app, _ in planners)
    assert ("reports", "change_report") in moderators and (
        "reports",
        "delete_report",
    ) not in moderators
    assert not any(app in {"coverage", "addresses", "auth"} for app, _ in moderators)
    assert ("addresses", "change_address") in editors and (
        "addresses",
        "delete_address",
    ) not in editors
    assert ("auth", "change_user") in perms("admins")


def test_the_groups_hold_exactly_the_table_after_a_second_run(db):
    Group.objects.get(name="planners").permissions.clear()
    roles.roles_ensure()
    expected = {codename for _, codename in roles._codenames("planner")}
    names = set(Group.objects.get(name="planners").permissions.values_list("codename", flat=True))
    assert names == expected


def test_there_are_staff_pages_to_guard():
    paths = dict(staff_routes())
    assert paths["/planning/"] == ("planner",)
    assert {"/maps/print/", "/addresses/verification/"} <= paths.keys()


def test_every_staff_page_sends_an_anonymous_visitor_to_our_sign_in_page(db):
    for path, _roles in staff_routes():
        response = _client().get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path


@pytest.mark.parametrize("role", ["resident", *ROLE_NAMES])
def test_every_staff_page_answers_each_role_with_the_page_or_our_403_page(
    role, accounts, territory
):
    # `territory`: the print preview draws the community (without one it says, with 400,
    # that there is nothing to print).
    client = _client(accounts[role])
    for path, required in staff_routes():
        response = client.get(path)
        if roles.allowed(accounts[role], required):
            # 404: a download with nothing to download yet (no coverage snapshot here).
            assert response.status_code in {200, 404, 405}, (path, response.status_code)
        else:
            assert response.status_code == 403, (path, response.status_code)
            body = response.content.decode()
            assert "Ця сторінка недоступна для вашого облікового запису" in body
            assert "site-nav" in body and "Django" not in body


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("planner", "/planning/", 200),
        ("planner", "/maps/print/", 200),
        ("moderator", "/planning/", 403),
        ("address_editor", "/planning/", 403),
        ("admin", "/planning/", 200),
        ("resident", "/maps/print/", 403),
    ],
)
def test_a_role_reaches_its_own_work_without_staff_status_where_the_admin_is_not_needed(
    role, path, status, accounts
):
    assert accounts["planner"].is_staff is False
    assert _client(accounts[role]).get(path).status_code == status


def test_the_admin_login_form_is_never_shown(accounts):
    anonymous = _client().get("/admin/login/?next=/admin/reports/report/")
    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/accounts/login/?next=/admin/reports/report/"
    resident = _client(accounts["resident"]).get("/admin/login/?next=/admin/")
    assert resident.status_code == 403 and "site-nav" in resident.content.decode()


def test_the_sign_in_page_signs_a_planner_in_and_goes_to_planning(accounts):
    user = accounts["planner"]
    user.set_password("pw-Planner-2026")
    user.save()
    client = _client(language="en")
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and "Staff sign-in" in page.content.decode()
    response = client.post(
        "/accounts/login/", {"username": "planner@example.org", "password": "pw-Planner-2026"}
    )
    assert response.status_code == 302 and response["Location"] == "/planning/"
    header = client.get("/").content.decode()
    assert 'data-nav="planning"' in header and "planner@example.org" in header


def test_a_wrong_password_shows_the_form_again_with_an_error_in_ukrainian(accounts):
    response = _client().post(
        "/accounts/login/", {"username": "planner@example.org", "password": "x"}
    )
    assert response.status_code == 200
    assert "Будь ласка, введіть правильні" in response.content.decode()


def test_the_header_lists_exactly_the_pages_of_the_visitors_roles(accounts):
    def keys(user):
        body = _client(user).get("/accounts/login/" if user is None else "/").content.decode()
        import re

        return set(re.findall(r'data-nav="([a-z]+)"', body))

    public = {"map", "report", "coverage", "addresses"}
    assert keys(None) == public
    assert keys(accounts["resident"]) == public
    assert keys(accounts["planner"]) == public | {"planning", "print"}
    assert keys(accounts["moderator"]) == public | {"moderation", "print"}
    assert keys(accounts["address_editor"]) == public | {"register", "print"}
    assert keys(accounts["admin"]) == public | {
        "planning", "moderation", "register", "print", "admin"
    }  # fmt: skip


def test_staff_add_creates_the_account_and_prints_a_link_that_sets_the_password_once(
    db, capsys, settings
):
    settings.SITE_URL = "https://gis.example.ua"
    call_command("staff_add", "Olena@Example.org", "--role", "planner", "--name", "Olena Koval")
    out = capsys.readouterr().out
    link = next(line for line in out.splitlines() if line.startswith("https://"))
    user = User.objects.get(username="olena@example.org")
    assert not user.has_usable_password() and not user.is_staff
    assert roles.has_role(user, "planner") and user.get_full_name() == "Olena Koval"
    client = _client(language="en")
    path = link.removeprefix("https://gis.example.ua")
    form = client.get(path, follow=True)
    assert "Set your password" in form.content.decode()
    data = {"new_password1": "Stepy-Kirovohrad-2026", "new_password2": "Stepy-Kirovohrad-2026"}
    done = client.post(form.redirect_chain[-1][0], data)
    assert done.status_code == 302 and done["Location"] == "/accounts/password-reset/done/"
    assert Client().login(username="olena@example.org", password="Stepy-Kirovohrad-2026")
    assert "already been used" in _client(language="en").get(path, follow=True).content.decode()


def test_staff_add_refuses_a_malformed_address_and_gives_admin_roles_staff_status(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Not an e-mail"):
        call_command("staff_add", "not-an-address", "--role", "moderator")
    assert not User.objects.exists()
    user = staff_add(email="mod@example.org", role="moderator").user
    assert user.is_staff and roles.has_role(user, "moderator")


def test_password_reset_sends_a_mail_in_the_visitors_language_with_a_one_time_link(accounts):
    client = _client(language="en")
    response = client.post("/accounts/password-reset/", {"email": "planner@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    (message,) = mail.outbox
    assert message.subject == "Set your password for the Dmytrivska community GIS"
    assert "/accounts/password-reset/" in message.body and "it works once" in message.body
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert unknown.status_code == 302 and len(mail.outbox) == 1  # the same answer, no mail


def test_sign_out_is_a_post_that_lands_on_the_main_page(accounts):
    client = _client(accounts["planner"])
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/planning/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_groups_come_back_with_their_permissions_after_a_flush():
    from django.core.management import call_command as run

    run("flush", interactive=False, verbosity=0, reset_sequences=False)  # as a transactional test
    moderators = Group.objects.get(name="moderators")
    assert moderators.permissions.filter(codename="change_report").exists()


def test_the_admin_login_redirect_never_leads_off_site(accounts):
    response = _client().get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/?next=/admin/"
    staff = _client(accounts["moderator"]).get("/admin/login/?next=//evil.example/")
    assert staff["Location"] == "/admin/"


def test_the_sign_in_page_ignores_a_next_that_leads_off_site(accounts):
    user = accounts["planner"]
    user.set_password("pw-Planner-2026")
    user.save()
    data = {
        "username": user.username,
        "password": "pw-Planner-2026",
        "next": "https://evil.example/",
    }
    response = _client().post("/accounts/login/", data)
    assert response.status_code == 302 and response["Location"] == "/planning/"
