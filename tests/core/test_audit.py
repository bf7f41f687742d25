"""The audit trail (issue #21): every staff write — admin adds, edits, deletes and role
changes, status changes, redactions, imports — recorded with who, when and what, and
readable by administrators only."""

import pytest
from django.contrib.auth.models import Group

from core.models import AuditEntry
from tests.helpers.users import make_user

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def admin_client(client, db):
    user = make_user("root-audit", is_staff=True, is_superuser=True)
    client.force_login(user, backend=BACKEND)
    client.user = user
    return client


def test_an_admin_edit_is_recorded_with_who_and_the_old_and_new_values(admin_client):
    from coverage.models import Provider

    provider = Provider.objects.create(name="ProstoNet", kind="fixed")
    response = admin_client.post(
        f"/admin/coverage/provider/{provider.pk}/change/",
        {"name": "ProstoNet Plus", "kind": "fixed", "website": ""},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.change")
    assert entry.actor == admin_client.user and entry.actor_name == "root-audit"
    assert (entry.target_type, entry.target_id) == ("coverage.provider", str(provider.pk))
    assert entry.changes["fields"] == {"name": ["ProstoNet", "ProstoNet Plus"]}
    assert entry.at is not None


def test_an_admin_delete_is_recorded(admin_client):
    from coverage.models import Provider

    provider = Provider.objects.create(name="Old ISP", kind="fixed")
    response = admin_client.post(f"/admin/coverage/provider/{provider.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.delete")
    assert entry.target_repr == "Old ISP"


def test_a_role_change_is_recorded(admin_client):
    user = make_user("olena", is_staff=True)
    planners, _ = Group.objects.get_or_create(name="planners")
    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/change/",
        {
            "username": "olena",
            "is_active": "on",
            "is_staff": "on",
            "groups": [planners.pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="admin.change", target_type="auth.user")
    old, new = entry.changes["fields"]["groups"]
    assert old == [] and new == [{"id": planners.pk, "repr": "planners"}]


def test_a_password_set_in_the_admin_is_never_stored_in_the_trail(admin_client):
    user = make_user("taras", password="Old-pw-12345-x")
    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {
            "password1": "Very-Secret-987!",
            "password2": "Very-Secret-987!",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEntry.objects.filter(target_type="auth.user").exists()
    for entry in AuditEntry.objects.all():
        assert "Very-Secret-987!" not in str(entry.changes)


def test_status_changes_and_redactions_are_recorded(settlement, settings, tmp_path):
    from reports import services
    from reports.models import Category
    from tests.helpers.isolation import private_cache_and_media

    private_cache_and_media(settings, tmp_path, "audit")
    Category.objects.create(code="roads", name_uk="Дороги")
    moderator = make_user("moderator-audit", is_staff=True)
    report = services.report_create(
        category_code="roads", description="Яма, дзвоніть 0671234567", lat=48.7936, lon=32.7208
    )
    services.report_status_change(report=report, status="acknowledged", author=moderator)
    services.report_redact(report=report, description="Яма", author=moderator)
    status = AuditEntry.objects.get(action="report.status")
    assert status.actor == moderator and status.changes == {"status": ["new", "acknowledged"]}
    redact = AuditEntry.objects.get(action="report.redact")
    assert "0671234567" not in str(redact.changes)  # what was redacted is not kept


def test_the_trail_is_readable_by_administrators_only(admin_client, client):
    from core import audit

    audit.record(admin_client.user, "test.write", None, {"n": 1})
    assert admin_client.get("/admin/core/auditentry/").status_code == 200
    planner = make_user("planner-audit", groups=["planners"], is_staff=True)
    from django.test import Client

    other = Client()
    other.force_login(planner, backend=BACKEND)
    assert other.get("/admin/core/auditentry/").status_code == 403
