"""Filing a report and what follows: rules, history, e-mails, "me too", subscriptions."""

import pytest
from django.contrib.gis.geos import Point
from django_tasks_db.models import DBTaskResult

from core.errors import Conflict, InvalidInput, NotFound
from layers.models import Settlement
from reports import services
from reports.errors import OutsideTerritory, PhotoRejected, TooManyRequests
from reports.models import Photo, Report, Status, Subscription, Support, Update
from tests.conftest import square
from tests.helpers.tasks import finish_photos, run_queued_tasks
from tests.reports.conftest import INSIDE, OUTSIDE, gps_exif, image_bytes


def assert_nothing_written():
    assert Report.objects.count() == 0
    assert Photo.objects.count() == 0
    assert Update.objects.count() == 0
    assert DBTaskResult.objects.count() == 0  # no mail queued either


# ------------------------------------------------------------------ filing
@pytest.mark.django_db(transaction=True)
def test_a_report_gets_a_number_its_village_a_history_entry_and_emails(make_report, mailoutbox):
    report = make_report()
    run_queued_tasks()  # the mail of a new report is the task worker's
    assert report.number == f"{report.created_at.year}-{report.pk:05d}"
    assert report.settlement.name_uk == "Дмитрівка"
    assert report.is_public and report.status == Status.NEW
    assert list(report.updates.values_list("kind", flat=True)) == ["created"]
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == ["oksana.private@example.com", "roads@example.org"]
    reporter_mail = next(m for m in mailoutbox if m.to == ["oksana.private@example.com"])
    assert report.follow_token in reporter_mail.body


def test_a_report_near_a_village_without_boundary_gets_the_nearest_village(make_report, territory):
    Settlement.objects.create(
        katottg="UA35040090110088346",
        name_uk="Плоске",
        centre=Point(32.675833, 48.849444, srid=4326),
        territory=territory,
    )
    report = make_report(lat=48.8500, lon=32.6760)
    assert report.settlement.name_uk == "Плоске"


def test_a_place_outside_the_territory_is_refused_with_a_clear_message(make_report):
    with pytest.raises(OutsideTerritory) as caught:
        make_report(**OUTSIDE)
    assert "outside the community" in caught.value.message or "поза межами" in caught.value.message
    assert_nothing_written()


def test_a_4001_character_description_is_refused(make_report):
    with pytest.raises(InvalidInput) as caught:
        make_report(description="я" * 4001)
    assert caught.value.code == "description_too_long"
    assert_nothing_written()


def test_a_4000_character_description_is_accepted(make_report):
    assert len(make_report(description="я" * 4000).description) == 4000


def test_html_in_a_description_is_stored_as_plain_text(make_report):
    report = make_report(description="<script>alert(1)</script>")
    assert report.description == "<script>alert(1)</script>"


def test_a_filled_honeypot_is_refused(make_report):
    with pytest.raises(InvalidInput) as caught:
        make_report(honeypot="http://spam.example")
    assert caught.value.code == "spam"
    assert_nothing_written()


def test_an_unknown_or_inactive_category_is_not_found(make_report, category):
    category.is_active = False
    category.save()
    with pytest.raises(NotFound):
        make_report()
    assert_nothing_written()


def test_a_missing_required_answer_is_refused(make_report):
    with pytest.raises(InvalidInput) as caught:
        make_report(answers={})
    assert caught.value.code == "invalid_answers"
    assert_nothing_written()


def test_a_bad_email_or_phone_is_refused(make_report):
    with pytest.raises(InvalidInput):
        make_report(reporter=services.Reporter(email="not-an-email"))
    with pytest.raises(InvalidInput):
        make_report(reporter=services.Reporter(phone="call me maybe"))
    assert_nothing_written()


def test_a_staff_channel_needs_a_staff_member(make_report):
    with pytest.raises(InvalidInput):
        make_report(channel="phone")
    assert_nothing_written()


def test_a_fake_photo_is_refused_and_nothing_is_written(make_report):
    good = services.PhotoUpload("ok.jpg", image_bytes())
    fake = services.PhotoUpload("fake.jpg", b"just text, renamed to .jpg")
    with pytest.raises(PhotoRejected) as caught:
        make_report(photos=[good, fake])
    assert "fake.jpg" in caught.value.message
    assert_nothing_written()


def test_more_than_three_photos_are_refused(make_report):
    photos = [services.PhotoUpload(f"{n}.jpg", image_bytes()) for n in range(4)]
    with pytest.raises(PhotoRejected):
        make_report(photos=photos)
    assert_nothing_written()


def test_photos_are_stored_reencoded_with_thumbnails(make_report):
    report = make_report(photos=[services.PhotoUpload("gps.jpg", image_bytes(exif=gps_exif()))])
    photo = report.photos.get()
    stored = photo.image.read()
    assert stored.startswith(b"\xff\xd8") and b"SecretPhone" not in stored
    assert photo.thumbnail.size < photo.image.size


def test_a_moderate_first_category_keeps_the_report_unpublished(make_report, moderated_category):
    report = make_report(category_code="other", answers={})
    assert not report.is_approved
    assert not Report.objects.public().filter(pk=report.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_creation_is_rate_limited_per_client_address(make_report, settings):
    settings.REPORTS_RATE_LIMIT = 2
    make_report(client_ip="203.0.113.7")
    make_report(client_ip="203.0.113.7")
    with pytest.raises(TooManyRequests):
        make_report(client_ip="203.0.113.7")
    assert Report.objects.count() == 2
    make_report(client_ip="198.51.100.1")  # another address is not affected
    assert Report.objects.count() == 3


# ------------------------------------------------------------------ moderation
@pytest.mark.django_db(transaction=True)
def test_a_status_change_keeps_history_and_emails_the_reporter(make_report, mailoutbox):
    report = make_report()
    mailoutbox.clear()
    services.report_status_change(report=report, status="in_progress", note="Бригада виїхала")
    report.refresh_from_db()
    assert report.status == "in_progress"
    update = report.updates.last()
    assert (update.old_status, update.new_status, update.note) == (
        "new",
        "in_progress",
        "Бригада виїхала",
    )
    assert mailoutbox[0].to == ["oksana.private@example.com"]
    assert "Бригада виїхала" in mailoutbox[0].body


@pytest.mark.django_db(transaction=True)
def test_no_email_goes_out_when_the_reporter_left_no_address(make_report, mailoutbox):
    report = make_report(reporter=services.Reporter())
    mailoutbox.clear()
    services.report_status_change(report=report, status="fixed")
    assert mailoutbox == []


def test_an_unknown_status_is_refused(make_report):
    report = make_report()
    with pytest.raises(InvalidInput):
        services.report_status_change(report=report, status="lost")
    assert report.updates.count() == 1


def test_a_duplicate_points_to_the_first_report_of_a_chain(make_report):
    first, second, third = make_report(), make_report(), make_report()
    services.report_mark_duplicate(report=second, original=first)
    services.report_mark_duplicate(report=third, original=second)
    third.refresh_from_db()
    assert third.status == "duplicate" and third.duplicate_of == first


def test_a_report_cannot_be_a_duplicate_of_itself_or_of_its_own_duplicate(make_report):
    first, second = make_report(), make_report()
    with pytest.raises(Conflict):
        services.report_mark_duplicate(report=first, original=first)
    services.report_mark_duplicate(report=second, original=first)
    with pytest.raises(Conflict):
        services.report_mark_duplicate(report=first, original=second)
    first.refresh_from_db()
    assert first.status == "new"


def test_hiding_and_redacting_leave_private_history(make_report, moderator):
    report = make_report()
    services.report_visibility_set(report=report, hidden=True, author=moderator)
    services.report_redact(report=report, description="[видалено]", author=moderator)
    report.refresh_from_db()
    assert report.is_hidden and report.description == "[видалено]"
    private = report.updates.filter(is_public=False)
    assert private.count() == 2 and all(u.author == moderator for u in private)


@pytest.mark.django_db(transaction=True)
def test_removing_a_photo_deletes_its_files_after_commit(make_report):
    report = make_report(photos=[services.PhotoUpload("a.jpg", image_bytes())])
    photo = report.photos.get()
    storage, name = photo.image.storage, photo.image.name
    services.report_photo_remove(photo=photo)
    assert not storage.exists(name)
    assert report.photos.count() == 0


# ------------------------------------------------------------------ "me too"
def test_me_too_counts_people_behind_one_address_each_once(make_report):
    report = make_report()
    nat = "203.0.113.1"  # a whole village behind one mobile operator
    assert services.report_support(report=report, person="device:a", client_ip=nat) == (1, True)
    assert services.report_support(report=report, person="device:a", client_ip=nat) == (1, False)
    assert services.report_support(report=report, person="device:b", client_ip=nat) == (2, True)
    assert services.report_support(report=report, person="user:7", client_ip=nat) == (3, True)
    assert Support.objects.filter(report=report).count() == 3


def test_me_too_from_one_address_is_bounded_against_abuse(make_report, monkeypatch):
    from reports.errors import TooManyRequests
    from reports.services import public

    monkeypatch.setattr(public, "SUPPORT_PER_ADDRESS_LIMIT", 2)
    report = make_report()
    for person in ("device:a", "device:b"):
        services.report_support(report=report, person=person, client_ip="203.0.113.9")
    with pytest.raises(TooManyRequests):
        services.report_support(report=report, person="device:c", client_ip="203.0.113.9")
    report.refresh_from_db()
    assert report.supporters_count == 2


def test_me_too_is_refused_on_a_closed_report(make_report):
    report = make_report()
    services.report_status_change(report=report, status="fixed")
    with pytest.raises(Conflict):
        services.report_support(report=report, person="device:a", client_ip="203.0.113.1")
    assert Support.objects.count() == 0


# ------------------------------------------------------------------ the reporter's link
def test_not_fixed_from_the_reporter_reopens_a_closed_report(make_report):
    report = make_report()
    services.report_status_change(report=report, status="fixed")
    services.report_feedback(report=report, fixed=False)
    report.refresh_from_db()
    assert report.status == "new"
    assert report.updates.last().by_reporter


def test_feedback_on_an_open_report_is_refused(make_report):
    report = make_report()
    with pytest.raises(Conflict):
        services.report_feedback(report=report, fixed=True)
    assert report.updates.count() == 1


def test_the_reporter_adds_a_comment_and_a_photo(make_report):
    report = make_report()
    services.report_follow_up(
        report=report,
        comment="Ще глибша",
        photos=[services.PhotoUpload("b.png", image_bytes("PNG"))],
    )
    assert finish_photos() == 1  # the task worker's part
    assert report.photos.count() == 1
    assert report.updates.last().note == "Ще глибша"


# ------------------------------------------------------------------ subscriptions
@pytest.mark.django_db(transaction=True)
def test_subscribers_of_the_village_or_a_circle_hear_of_new_reports(
    make_report, settlement, mailoutbox
):
    village = services.subscription_create(
        email="village@example.org", settlement_katottg=settlement.katottg
    )
    near = services.subscription_create(
        email="near@example.org", lat=48.7937, lon=32.7209, radius_m=100
    )
    far = services.subscription_create(email="far@example.org", lat=48.70, lon=32.80, radius_m=100)
    unconfirmed = services.subscription_create(
        email="later@example.org", lat=48.7937, lon=32.7209, radius_m=100
    )
    for subscription in (village, near, far):
        services.subscription_confirm(token=subscription.token)
    assert any(unconfirmed.token in mail.body for mail in mailoutbox)  # the confirmation link
    mailoutbox.clear()
    make_report(reporter=services.Reporter())
    run_queued_tasks()
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == ["near@example.org", "roads@example.org", "village@example.org"]
    letter = next(m for m in mailoutbox if m.to == ["near@example.org"])
    assert near.token in letter.body  # the unsubscribe link


def test_unsubscribing_deletes_the_subscription(territory):
    subscription = services.subscription_create(
        email="a@example.org", lat=INSIDE["lat"], lon=INSIDE["lon"], radius_m=300
    )
    services.subscription_delete(token=subscription.token)
    assert Subscription.objects.count() == 0


def test_a_subscription_needs_a_valid_area(territory):
    with pytest.raises(InvalidInput):
        services.subscription_create(email="a@example.org")
    with pytest.raises(InvalidInput):
        services.subscription_create(
            email="a@example.org", lat=INSIDE["lat"], lon=INSIDE["lon"], radius_m=0
        )
    with pytest.raises(OutsideTerritory):
        services.subscription_create(email="a@example.org", radius_m=100, **OUTSIDE)
    assert Subscription.objects.count() == 0


def test_a_place_far_from_every_village_has_no_village(make_report):
    from layers.models import Territory

    Territory.objects.create(
        katottg="UA35040090000000001", name_uk="Інша", boundary=square(30.52, 50.45, 0.1)
    )
    assert make_report(**OUTSIDE).settlement is None
