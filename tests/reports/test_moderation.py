"""The moderation workbench (/moderation/) and the staff intake: the life cycle, stale
forms, reasons, duplicates, comments, and who may use them."""

import pytest

from reports import services
from reports.models import Report, ResponseTemplate, Update
from reports.states import TransitionError, transition_check
from tests.helpers.users import make_user
from tests.reports.conftest import INSIDE, OUTSIDE


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


def post(client, report, **data):
    return client.post(f"/moderation/{report.number}/", {"version": report.version, **data})


# ------------------------------------------------------------------ the life cycle
@pytest.mark.parametrize(
    ("old", "new"),
    [("new", "acknowledged"), ("acknowledged", "in_progress"), ("in_progress", "fixed")],
)
def test_the_life_cycle_allows_moving_forward(old, new):
    transition_check(old, new)


@pytest.mark.parametrize(("old", "new"), [("fixed", "new"), ("in_progress", "acknowledged")])
def test_the_life_cycle_refuses_moving_backwards(old, new):
    with pytest.raises(TransitionError):
        transition_check(old, new)


def test_reopening_needs_a_reason():
    with pytest.raises(TransitionError) as caught:
        transition_check("fixed", "acknowledged", reason="  ")
    assert caught.value.code == "reason_required"
    transition_check("fixed", "acknowledged", reason="Яма знову з'явилась")


def test_a_stale_version_is_a_conflict_and_nothing_is_written(make_report):
    report = make_report()
    stale = report.version
    services.report_status_change(report=report, status="acknowledged", version=stale)
    with pytest.raises(services.StaleReport):
        services.report_status_change(report=report, status="fixed", version=stale)
    report.refresh_from_db()
    assert report.status == "acknowledged"


# ------------------------------------------------------------------ access
def test_the_workbench_is_for_moderators_only(client, make_report, db):
    report = make_report()
    assert client.get("/moderation/").status_code == 302
    client.force_login(make_user("resident"))
    assert client.get("/moderation/").status_code == 403
    assert client.get(f"/moderation/{report.number}/").status_code == 403
    assert client.get("/moderation/intake/").status_code == 403


# ------------------------------------------------------------------ the queue
def test_the_queue_filters_by_state_and_shows_the_oldest_first(mod_client, make_report):
    first, second = make_report(), make_report(description="Друга яма")
    services.report_status_change(report=second, status="fixed")
    page = mod_client.get("/moderation/")
    assert first.number in page.text and second.number not in page.text
    page = mod_client.get("/moderation/?state=fixed")
    assert second.number in page.text and first.number not in page.text


def test_the_queue_says_how_long_ago_each_report_came_in_both_languages(mod_client, make_report):
    """A new report's age reads "зараз" / "now" (or seconds ago), later "2 години тому" /
    "2 hours ago"; never a bare "0 хвилин" (Django's timesince) that reads as a duration."""
    import re
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    def ages() -> list[str]:
        page = mod_client.get("/moderation/").text
        return re.findall(r'<span class="hint">([^<]*)</span>', page)

    make_report()
    fresh = ages()
    assert fresh and all(a == "зараз" or re.fullmatch(r"\d+\xa0секунд[иу]? тому", a) for a in fresh)
    with time_machine.travel(timezone.now() + timedelta(hours=2, minutes=1)):
        assert ages() == ["2\xa0години тому"]
        mod_client.cookies["django_language"] = "en"
        assert ages() == ["2\xa0hours ago"]


def test_the_queue_filters_by_age(mod_client, make_report):
    report = make_report()
    page = mod_client.get("/moderation/?state=open&age=7")
    assert report.number not in page.text
    Report.objects.filter(pk=report.pk).update(created_at=report.created_at.replace(year=2025))
    assert report.number in mod_client.get("/moderation/?state=open&age=7").text


# ------------------------------------------------------------------ a report's page
def test_the_report_page_offers_only_allowed_transitions_and_the_template(
    mod_client, make_report, category
):
    ResponseTemplate.objects.create(status="acknowledged", category=category, text_uk="Дякуємо!")
    report = make_report()
    page = mod_client.get(f"/moderation/{report.number}/")
    assert page.status_code == 200
    assert 'value="acknowledged"' in page.text and 'value="new"' not in page.text
    assert "Дякуємо!" in page.text
    assert "oksana.private@example.com" in page.text  # staff see the contact


def test_a_moderator_moves_a_report_with_the_public_template_text(
    mod_client, make_report, category
):
    ResponseTemplate.objects.create(status="acknowledged", category=category, text_uk="Дякуємо!")
    report = make_report()
    response = post(mod_client, report, action="status", status="acknowledged", note="")
    assert response.status_code == 302
    update = report.updates.get(kind="status")
    assert (update.new_status, update.note, update.is_public) == ("acknowledged", "Дякуємо!", True)


@pytest.mark.django_db(transaction=True)
def test_a_moderator_posts_an_update_and_keeps_the_state(mod_client, make_report, mailoutbox):
    report = make_report()
    services.report_status_change(report=report, status="in_progress")
    report.refresh_from_db()
    mailoutbox.clear()
    page = mod_client.get(f"/moderation/{report.number}/").text
    assert 'value="keep"' in page and "залишити «виконується»" in page.lower()
    response = post(mod_client, report, action="status", status="keep", note="Замовили ліхтар")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "in_progress"
    update = report.updates.get(kind="update")
    assert (update.old_status, update.new_status, update.note) == (
        "in_progress",
        "in_progress",
        "Замовили ліхтар",
    )
    (mail,) = mailoutbox
    assert "Є новини" in mail.body and "Замовили ліхтар" in mail.body
    assert mail.to == ["oksana.private@example.com"]
    public = mod_client.get(f"/reports/{report.number}/").text
    assert "Замовили ліхтар" in public and "повідомлення громади" in public


def test_an_update_without_its_text_is_refused_and_nothing_is_written(mod_client, make_report):
    report = make_report()
    response = post(mod_client, report, action="status", status="keep", note="  ")
    assert response.status_code == 400
    assert "Напишіть повідомлення" in response.text
    assert not report.updates.filter(kind="update").exists()
    stale = mod_client.post(
        f"/moderation/{report.number}/",
        {"version": "stale", "action": "status", "status": "keep", "note": "Моє"},
    )
    assert stale.status_code == 409 and not report.updates.filter(note="Моє").exists()


def test_a_disallowed_transition_is_refused(mod_client, make_report):
    report = make_report()
    services.report_status_change(report=report, status="fixed")
    response = post(mod_client, report, action="status", status="in_progress", note="")
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == "fixed"


def test_reopening_without_a_reason_is_refused_then_done_with_one(mod_client, make_report):
    report = make_report()
    services.report_status_change(report=report, status="fixed")
    report.refresh_from_db()
    assert post(mod_client, report, action="status", status="acknowledged").status_code == 400
    assert Report.objects.get(pk=report.pk).status == "fixed"
    response = post(mod_client, report, action="status", status="acknowledged", note="Знову яма")
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).status == "acknowledged"


def test_a_stale_form_shows_a_conflict_and_overwrites_nothing(mod_client, make_report):
    report = make_report()
    stale = report.version
    services.report_status_change(report=report, status="in_progress", note="Інший модератор")
    response = mod_client.post(
        f"/moderation/{report.number}/",
        {"version": stale, "action": "status", "status": "acknowledged", "note": "Моє"},
    )
    assert response.status_code == 409
    assert "changed" in response.text or "змінив" in response.text
    report.refresh_from_db()
    assert report.status == "in_progress"
    assert not report.updates.filter(note="Моє").exists()


def test_a_nearby_report_of_the_same_category_is_merged_as_duplicate(mod_client, make_report):
    original = make_report()
    copy = make_report(lat=INSIDE["lat"] + 0.0001, description="Та сама яма")
    page = mod_client.get(f"/moderation/{copy.number}/")
    assert f"/moderation/{original.number}/" in page.text
    response = post(mod_client, copy, action="duplicate", original=original.number)
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.status == "duplicate" and copy.duplicate_of == original


@pytest.mark.parametrize("action", ["hide", "verify"])
def test_hiding_and_verifying_need_a_reason(mod_client, make_report, action):
    report = make_report()
    assert post(mod_client, report, action=action, reason="").status_code == 400
    report.refresh_from_db()
    assert not report.is_hidden and not report.is_verified
    assert post(mod_client, report, action=action, reason="Перевірено на місці").status_code == 302
    report.refresh_from_db()
    assert report.is_hidden or report.is_verified
    note = report.updates.filter(kind="moderation").last()
    assert "Перевірено на місці" in note.note and not note.is_public


def test_redacting_keeps_a_private_history_entry_with_the_reason(mod_client, make_report):
    report = make_report(description="Яма, дзвоніть 0501112233")
    response = post(
        mod_client, report, action="redact", description="Яма", reason="телефон у тексті"
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.description == "Яма"
    assert report.updates.filter(kind="moderation", note__contains="телефон").exists()


def test_a_moderator_deletes_a_reporters_comment(mod_client, make_report):
    report = make_report()
    comment = services.report_follow_up(report=report, comment="Дякую")
    response = post(mod_client, report, action="comment_delete", update=comment.pk)
    assert response.status_code == 302
    assert not Update.objects.filter(pk=comment.pk).exists()


def test_premoderated_comments_wait_until_published(mod_client, make_report, settings, client):
    settings.REPORTS_COMMENT_MODERATION = "pre"
    report = make_report()
    comment = services.report_follow_up(report=report, comment="Дякую, чекаємо")
    assert "Дякую, чекаємо" not in client.get(f"/reports/{report.number}/").text
    post(mod_client, report, action="comment_publish", update=comment.pk)
    assert "Дякую, чекаємо" in client.get(f"/reports/{report.number}/").text


def test_a_comment_with_a_phone_number_is_refused(make_report):
    from core.errors import InvalidInput

    report = make_report()
    with pytest.raises(InvalidInput):
        services.report_follow_up(report=report, comment="Дзвоніть +38 050 111 22 33")
    assert not report.updates.filter(kind="comment").exists()


def test_the_admin_obeys_the_same_life_cycle(mod_client, make_report):
    report = make_report()
    services.report_status_change(report=report, status="fixed")
    mod_client.post(
        "/admin/reports/report/",
        {
            "action": "status_change",
            "_selected_action": [report.pk],
            "apply": "1",
            "status": "new",
            "note": "",
        },
    )
    report.refresh_from_db()
    assert report.status == "fixed"


# ------------------------------------------------------------------ intake
def test_staff_file_a_phone_in_report_by_a_chosen_place(mod_client, category, settlement):
    response = mod_client.post(
        "/moderation/intake/",
        {
            "channel": "phone",
            "category": category.code,
            "lat": INSIDE["lat"],
            "lon": INSIDE["lon"],
            "description": "Дзвонила мешканка: яма біля школи",
            f"a-{category.code}-size": "large",
            "name": "Марія",
            "phone": "+380501234567",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.channel, report.reporter_phone, report.created_by.username) == (
        "phone",
        "+380501234567",
        "moderator",
    )


def test_intake_outside_the_territory_writes_nothing(mod_client, category, territory):
    response = mod_client.post(
        "/moderation/intake/",
        {"channel": "visit", "category": category.code, **OUTSIDE, "description": "Десь"},
    )
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_the_intake_page_has_no_coordinate_or_json_fields(mod_client, category):
    page = mod_client.get("/moderation/intake/")
    assert page.status_code == 200
    assert 'type="hidden" name="lat"' in page.text
    assert "JSON" not in page.text and "Latitude" not in page.text
