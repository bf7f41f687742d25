"""A reporter's e-mail, phone and (anonymous) name appear in no public response, searched
byte by byte: every public surface that test_pages.py does not already walk, the photo
files and the e-mails that go to people other than staff and the reporter."""

import pytest

from reports import services
from tests.helpers.tasks import run_queued_tasks
from tests.reports.conftest import gps_exif, image_bytes
from tests.reports.test_pages import PRIVATE


@pytest.fixture
def private_report(make_report, mailoutbox, django_capture_on_commit_callbacks, territory):
    services.subscription_create(
        email="neighbour@example.org", lat=48.7936, lon=32.7208, radius_m=500
    )
    services.subscription_confirm(token=services_token())
    photo = services.PhotoUpload("a.jpg", image_bytes(exif=gps_exif()))
    report = make_report(photos=[photo])
    run_queued_tasks()  # the mail of a new report is the task worker's
    services.report_status_change(report=report, status="in_progress", note="Працюємо")
    return report


def services_token() -> str:
    from reports.models import Subscription

    return Subscription.objects.get().token


def test_no_other_public_response_contains_contact_data(client, private_report):
    report = private_report
    photo = report.photos.get()
    pages = [
        f"/open311/v2/tokens/{report.open311_token}.json",
        f"/open311/v2/tokens/{report.open311_token}.xml",
        f"/open311/v2/requests.json?service_request_id={report.number}",
        "/open311/v2/requests.xml?status=open&service_code=roads",
        "/open311/v2/services.json",
        "/open311/v2/services/roads.xml",
        "/ogc/collections/reports/items?f=json",
        "/ogc/collections/reports/items?f=html",
        f"/ogc/collections/reports/items/{report.number}?f=html",
        "/ogc/collections/reports",
        "/tiles/reports.json",
        "/api/v1/reports/categories/",
        "/",
        photo.image.url,
        photo.thumbnail.url,
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        for secret in PRIVATE:
            assert secret not in body, (url, secret)
    assert b"SecretPhone" not in b"".join(client.get(photo.image.url).streaming_content)


def test_only_staff_and_the_reporter_get_contact_data_by_email(private_report, mailoutbox):
    to_neighbour = [mail for mail in mailoutbox if mail.to == ["neighbour@example.org"]]
    assert any(private_report.number in mail.subject for mail in to_neighbour)
    for mail in to_neighbour:
        text = (mail.subject + mail.body).encode()
        for secret in PRIVATE:
            assert secret not in text
    to_staff = [mail for mail in mailoutbox if mail.to == ["roads@example.org"]]
    assert b"oksana.private@example.com" in to_staff[0].body.encode()
