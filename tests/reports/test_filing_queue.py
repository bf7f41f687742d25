"""Filing off the request path: the mail of a new report is queued in the report's
transaction and sent by the task worker; the rate limit is counted in that transaction;
the category is kept per process and read again when it or a question changes."""

import pytest
from django.db import transaction
from django.test import Client
from django_tasks_db.models import DBTaskResult

from core.ratelimit import counter_value
from reports import notify, services
from reports.errors import PhotoRejected, TooManyRequests
from reports.models import Category, Question, Report
from tests.helpers.tasks import run_queued_tasks
from tests.reports.conftest import INSIDE

MAIL_TASK = "reports.tasks.report_filed_mail_task"


@pytest.fixture
def rendered(monkeypatch):
    """Every mail template rendered by reports.notify, in order."""
    names = []
    original = notify.render_to_string

    def spy(template, context):
        names.append(template)
        return original(template, context)

    monkeypatch.setattr(notify, "render_to_string", spy)
    return names


@pytest.mark.django_db(transaction=True)
def test_the_request_path_renders_no_mail_and_the_worker_sends_the_same_letters(
    territory, settlement, category, api_key, rendered, mailoutbox
):
    data = {
        "api_key": api_key,
        "service_code": "roads",
        "lat": str(INSIDE["lat"]),
        "long": str(INSIDE["lon"]),
        "description": "Яма",
        "attribute[size]": "large",
        "email": "oksana.private@example.com",
    }
    response = Client().post("/open311/v2/requests.json", data)  # committed: no test atomic
    assert response.status_code == 201, response.content
    assert rendered == [] and mailoutbox == []
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == MAIL_TASK
    assert run_queued_tasks() == 1
    assert sorted(rendered) == [
        "reports/email/new_report_reporter.txt",
        "reports/email/new_report_staff.txt",
    ]
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == ["oksana.private@example.com", "roads@example.org"]
    report = Report.objects.get()
    assert any(report.follow_token in mail.body for mail in mailoutbox)


@pytest.mark.django_db(transaction=True)
def test_a_report_rolled_back_after_filing_queues_no_mail(make_report, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_report()
        raise RuntimeError("the caller's transaction fails after the report")
    assert not Report.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert run_queued_tasks() == 0 and mailoutbox == []


def test_the_worker_sends_nothing_for_a_report_deleted_meanwhile(make_report, mailoutbox):
    report = make_report()
    Report.objects.filter(pk=report.pk).delete()
    assert run_queued_tasks() == 1
    assert mailoutbox == []


# ------------------------------------------------------------------ the rate limit
@pytest.mark.django_db(transaction=True)
def test_a_refusal_at_the_counter_rolls_the_report_back(make_report, settings, monkeypatch):
    """Two requests both past the cheap pre-check (its read saw the count before the
    other's commit): the counter's upsert, last in the transaction, refuses the second,
    and its report and its mail go with the rollback."""
    from dataclasses import replace

    from reports.services import intake

    settings.REPORTS_RATE_LIMIT = 1
    make_report(client_ip="203.0.113.7")
    read = intake.intake_facts
    monkeypatch.setattr(intake, "intake_facts", lambda **kw: replace(read(**kw), counted=0))
    with pytest.raises(TooManyRequests):
        make_report(client_ip="203.0.113.7")
    assert Report.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    key = services.client_rate_limit("203.0.113.7").key
    assert counter_value(key) == 1  # the refused hit went back with its transaction


def test_a_refused_request_costs_one_read_and_writes_nothing(
    make_report, settings, django_assert_max_num_queries, steady_counters
):
    settings.REPORTS_RATE_LIMIT = 1
    make_report(client_ip="203.0.113.7")
    # The one read, and the savepoint, its rollback and its release.
    with django_assert_max_num_queries(4), pytest.raises(TooManyRequests):
        make_report(client_ip="203.0.113.7")
    assert Report.objects.count() == 1


def test_a_report_refused_for_its_photo_keeps_its_hit(make_report, settings):
    settings.REPORTS_RATE_LIMIT = 2
    fake = services.PhotoUpload("fake.jpg", b"just text, renamed to .jpg")
    with pytest.raises(PhotoRejected):
        make_report(client_ip="203.0.113.7", photos=[fake])
    key = services.client_rate_limit("203.0.113.7").key
    assert counter_value(key) == 1
    assert not Report.objects.exists()


def test_a_report_refused_for_another_reason_gives_its_hit_back(make_report, settings):
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        make_report(client_ip="203.0.113.7", description="")
    assert counter_value(services.client_rate_limit("203.0.113.7").key) == 0


# ------------------------------------------------------------------ the kept category
def test_a_question_made_required_is_asked_by_the_next_report(make_report, category):
    make_report(answers={"size": "large"})  # the category is now kept by this process
    depth = Question.objects.get(category=category, code="depth")
    depth.required = True
    depth.save()
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        make_report(answers={"size": "large"})
    assert caught.value.code == "invalid_answers"
    assert make_report(answers={"size": "large", "depth": "12"}).answers["depth"] == 12


def test_a_category_changed_or_deactivated_is_seen_by_the_next_report(make_report, category):
    assert make_report().is_approved
    category.refresh_from_db()
    category.moderate_first = True
    category.save()
    assert not make_report().is_approved
    Category.objects.filter(pk=category.pk).update(is_active=False)
    from core.errors import NotFound

    with pytest.raises(NotFound):
        make_report()


def test_the_village_and_nearest_address_are_those_of_the_selectors(
    make_report, settlement, territory
):
    """The one read answers as the register's reverse geocoding and the village lookup."""
    from django.contrib.gis.geos import Point

    from addresses.models import Street
    from addresses.selectors import address_nearest_id
    from tests.addresses.conftest import make_address

    street = Street.objects.create(settlement=settlement, name="Шкільна")
    make_address(street, "5", INSIDE["lon"] + 0.0003, INSIDE["lat"])  # about 22 m east
    # In the village; 1.1 km east of its edge (the nearest within 2 km); 5 km east (none).
    for lon in (INSIDE["lon"], INSIDE["lon"] + 0.035, INSIDE["lon"] + 0.1):
        report = make_report(lon=lon)
        point = Point(lon, INSIDE["lat"], srid=4326)
        village = services.settlement_for_point(point)
        assert report.settlement_id == (village.pk if village else None)
        assert (village is None) == (lon == INSIDE["lon"] + 0.1)
        assert report.nearest_address_id == address_nearest_id(lat=INSIDE["lat"], lon=lon)
