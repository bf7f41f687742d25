"""Moderation in the admin by the `moderators` group; API keys; filing on behalf."""

import hashlib
import re

import pytest
from django.contrib.auth.models import Group

from reports.models import ApiKey, Report


@pytest.fixture
def staff_client(client, moderator):
    client.force_login(moderator)
    return client


def action(client, name, reports, **data):
    return client.post(
        "/admin/reports/report/",
        {"action": name, "_selected_action": [r.pk for r in reports], **data},
    )


def test_the_moderators_group_exists_with_report_permissions(db):
    codenames = set(
        Group.objects.get(name="moderators").permissions.values_list("codename", flat=True)
    )
    assert {"view_report", "change_report", "add_report", "delete_photo"} <= codenames
    assert "delete_report" not in codenames


def test_a_moderator_changes_the_status_with_a_public_note(staff_client, make_report, moderator):
    report = make_report()
    page = action(staff_client, "status_change", [report])
    assert page.status_code == 200 and b'name="note"' in page.content
    action(staff_client, "status_change", [report], apply="1", status="in_progress", note="Їдемо")
    report.refresh_from_db()
    update = report.updates.last()
    assert report.status == "in_progress"
    assert (update.note, update.author, update.is_public) == ("Їдемо", moderator, True)


def test_a_moderator_marks_a_duplicate(staff_client, make_report):
    first, second = make_report(), make_report()
    action(staff_client, "duplicate_mark", [second], apply="1", original=first.number, note="")
    second.refresh_from_db()
    assert second.status == "duplicate" and second.duplicate_of == first


def test_marking_a_duplicate_of_an_unknown_number_changes_nothing(staff_client, make_report):
    report = make_report()
    page = action(staff_client, "duplicate_mark", [report], apply="1", original="1999-00001")
    assert page.status_code == 200
    report.refresh_from_db()
    assert report.status == "new"


def test_a_moderator_hides_and_approves(staff_client, make_report, moderated_category):
    visible = make_report()
    waiting = make_report(category_code="other", answers={})
    action(staff_client, "hide", [visible])
    action(staff_client, "approve", [waiting])
    visible.refresh_from_db()
    waiting.refresh_from_db()
    assert visible.is_hidden and waiting.is_approved


def test_a_moderator_redacts_the_description_in_the_change_form(staff_client, make_report):
    report = make_report(description="Мій телефон 0501112233, яма")
    url = f"/admin/reports/report/{report.pk}/change/"
    form = staff_client.get(url)
    assert form.status_code == 200
    data = {
        "description": "[телефон видалено], яма",
        "address_text": "",
        "is_approved": "on",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    report.refresh_from_db()
    assert report.description == "[телефон видалено], яма"
    assert report.updates.filter(kind="moderation", is_public=False).exists()


def test_staff_file_a_report_on_behalf_of_a_resident_who_phoned(
    staff_client, territory, settlement, category, moderator
):
    assert staff_client.get("/admin/reports/report/add/").status_code == 302
    response = staff_client.post(
        "/admin/reports/report/on-behalf/",
        {
            "channel": "phone",
            "category": "roads",
            "lat": "48.7936",
            "lon": "32.7208",
            "description": "Дзвонила мешканка: яма",
            "answers": '{"size": "large"}',
            "phone": "+380501112233",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    report = Report.objects.get()
    assert (report.channel, report.created_by) == ("phone", moderator)


def test_filing_on_behalf_outside_the_territory_writes_nothing(
    staff_client, territory, settlement, category
):
    response = staff_client.post(
        "/admin/reports/report/on-behalf/",
        {
            "channel": "visit",
            "category": "roads",
            "lat": "50.45",
            "lon": "30.52",
            "description": "x",
            "answers": '{"size": "large"}',
        },
    )
    assert response.status_code == 200
    assert Report.objects.count() == 0


def test_an_api_key_is_shown_once_and_stored_hashed(admin_client):
    response = admin_client.post(
        "/admin/reports/apikey/add/",
        {"name": "Мобільний застосунок", "is_active": "on", "reports_per_hour": "300"},
        follow=True,
    )
    key = ApiKey.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    text = next(text for text in shown if key.prefix in text)
    raw = re.search(re.escape(key.prefix) + r"[\w-]+", text).group(0)
    assert hashlib.sha256(raw.encode()).hexdigest() == key.key_hash
    assert raw not in ApiKey.objects.values_list("key_hash", flat=True)
