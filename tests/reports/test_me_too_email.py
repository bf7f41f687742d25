""" "Me too" per confirmed e-mail address: the report page e-mails a signed link, the link's
page counts the address once when its button is pressed (a GET counts nothing), the count
is shown on the report page and carried to the public map's popup; bad, repeated and
hostile input gets a clear 4xx and is never counted twice."""

import base64
import json
import re
from html import unescape as html_unescape

import pytest
from django.core import mail

from reports.models import Report, Status, Support
from reports.services.public import SUPPORT_EMAILS_PER_ADDRESS_PER_DAY

pytestmark = pytest.mark.django_db


def _ask(client, report, email="maria@example.com", **extra):
    return client.post(f"/reports/{report.number}/support/email/", {"email": email}, **extra)


def _link(message) -> str:
    """The confirmation path in the last letter."""
    return re.search(r"https?://[^/\s]+(/reports/me-too/[^\s]+/)", message.body).group(1)


def _count(report) -> int:
    return Report.objects.get(pk=report.pk).supporters_count


def test_an_e_mail_me_too_counts_once_only_after_the_links_page_is_confirmed(client, make_report):
    report = make_report()
    response = _ask(client, report)
    assert response.status_code == 302 and len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maria@example.com"]
    link = _link(mail.outbox[0])

    page = client.get(link)  # a mail scanner following the link counts nothing
    assert page.status_code == 200 and '<form method="post"' in page.content.decode()
    assert _count(report) == 0

    assert client.post(link).status_code == 302
    assert client.post(link).status_code == 302  # the same link again
    _ask(client, report, email="  Maria@Example.COM ")  # the same address, written otherwise
    assert client.post(_link(mail.outbox[-1])).status_code == 302
    assert _count(report) == 1 and Support.objects.filter(report=report).count() == 1

    _ask(client, report, email="petro@example.com")
    client.post(_link(mail.outbox[-1]))
    assert _count(report) == 2
    html = client.get(f"/reports/{report.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 people said “me too”" in html


def test_the_link_carries_no_e_mail_address_and_its_page_shows_none(client, make_report):
    report = make_report()
    _ask(client, report)
    link = _link(mail.outbox[0])
    token = link.split("/")[-2]
    payload = token.split(":")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert "maria" not in decoded.lower() and "maria" not in token.lower()
    assert "maria@example.com" not in client.get(link).content.decode()
    assert "oksana.private" not in mail.outbox[0].body  # nothing of the reporter's


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b", "x" * 300 + "@example.com"])
def test_a_malformed_address_is_a_400_and_sends_nothing(client, make_report, email):
    report = make_report()
    response = _ask(client, report, email=email)
    assert response.status_code == 400
    assert mail.outbox == [] and _count(report) == 0


def test_a_forged_or_tampered_link_is_a_404_and_counts_nothing(client, make_report):
    report = make_report()
    _ask(client, report)
    link = _link(mail.outbox[0])
    forged = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    other = json.dumps({"n": report.number, "h": "0" * 64})
    for bad in (forged, "/reports/me-too/nonsense/", f"/reports/me-too/{other}/"):
        assert client.get(bad).status_code == 404
        assert client.post(bad).status_code == 404
    assert _count(report) == 0


def test_an_expired_link_is_a_404(client, make_report, clock):
    report = make_report()
    _ask(client, report)
    link = _link(mail.outbox[0])
    clock.shift(8 * 24 * 3600)
    assert client.post(link).status_code == 404 and _count(report) == 0


def test_a_closed_report_takes_no_e_mail_me_too(client, make_report):
    report = make_report()
    _ask(client, report)
    link = _link(mail.outbox[0])
    Report.objects.filter(pk=report.pk).update(status=Status.FIXED)
    assert _ask(client, report, email="petro@example.com").status_code == 409
    assert client.post(link).status_code == 409
    assert _count(report) == 0 and len(mail.outbox) == 1


def test_an_unknown_report_is_a_404(client, db):
    assert (
        client.post("/reports/999999/support/email/", {"email": "m@example.com"}).status_code == 404
    )
    assert mail.outbox == []


def test_letters_to_one_address_are_limited_so_a_mailbox_cannot_be_flooded(client, make_report):
    report = make_report()
    for _ in range(SUPPORT_EMAILS_PER_ADDRESS_PER_DAY):
        assert _ask(client, report, email="victim@example.com").status_code == 302
    response = _ask(client, report, email="VICTIM@example.com")
    assert response.status_code == 429
    assert len(mail.outbox) == SUPPORT_EMAILS_PER_ADDRESS_PER_DAY


def test_the_map_popup_gets_the_count_words_in_each_language(client, make_report):
    def config(language):
        html = client.get("/map/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        raw = re.search(r'data-config="([^"]+)"', html).group(1)
        return json.loads(html_unescape(raw))["supportersText"]

    english, ukrainian = config("en"), config("uk")
    assert english["one"] == "{n} person said “me too”"
    assert english["other"] == "{n} people said “me too”"
    assert ukrainian["few"] == "{n} людини сказали «і в мене»"
    assert ukrainian["many"] == "{n} людей сказали «і в мене»"
    report = make_report()
    Report.objects.filter(pk=report.pk).update(supporters_count=3)
    features = client.get("/api/v1/reports/").json()["features"]
    assert features[0]["properties"]["supporters"] == 3


# ------------------------------------------------------------------ one person, two identities
def _device_me_too(client, report):
    return client.post(f"/reports/{report.number}/support/", HTTP_ACCEPT_LANGUAGE="en")


def _confirm(client, report, email):
    _ask(client, report, email=email)
    return client.post(_link(mail.outbox[-1]), follow=True, HTTP_ACCEPT_LANGUAGE="en")


def _people(report) -> int:
    """The people behind the report's "me too"s: one row each, every identity in one row."""
    rows = Support.objects.filter(report=report)
    identities = [row.client_hash for row in rows] + [tag for row in rows for tag in row.linked]
    assert len(identities) == len({i.split(":")[-1] for i in identities})  # none in two rows
    return rows.count()


def test_a_device_me_too_then_the_e_mail_one_from_the_same_browser_counts_once(client, make_report):
    report = make_report()
    assert _device_me_too(client, report).status_code == 302 and _count(report) == 1
    page = _confirm(client, report, "maria@example.com")
    assert "You already said so." in page.content.decode()
    assert _count(report) == 1 == _people(report)
    (row,) = Support.objects.filter(report=report)
    assert row.kind == "email" and [tag.split(":")[0] for tag in row.linked] == ["device"]


def test_an_e_mail_me_too_then_the_device_one_from_the_same_browser_counts_once(
    client, make_report
):
    from reports.people import DEVICE_COOKIE

    report = make_report()
    _confirm(client, report, "maria@example.com")
    assert _count(report) == 1
    assert DEVICE_COOKIE in client.cookies  # the confirming browser got its device token
    response = _device_me_too(client, report)
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You already said so." in page
    assert _count(report) == 1 == _people(report)


def test_two_people_count_twice_and_two_addresses_in_one_browser_too(client, make_report):
    from django.test import Client

    report = make_report()
    _device_me_too(client, report)
    _confirm(Client(), report, "petro@example.com")  # another person, another phone
    assert _count(report) == 2
    _confirm(client, report, "maria@example.com")  # the first browser's own address
    assert _count(report) == 2
    _confirm(client, report, "olena@example.com")  # a second address in a shared browser
    assert _count(report) == 3 == _people(report)


def test_a_replayed_link_counts_nothing_more_and_links_the_other_browser(client, make_report):
    from django.test import Client

    report = make_report()
    _ask(client, report, email="maria@example.com")
    link = _link(mail.outbox[-1])
    client.post(link)
    other = Client()  # the letter opened again on another device
    page = other.post(link, follow=True, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You already said so." in page and _count(report) == 1
    _device_me_too(other, report)
    _device_me_too(client, report)
    assert _count(report) == 1 == _people(report)


def test_a_browser_that_counted_alone_is_merged_when_its_address_is_confirmed_there(
    client, make_report
):
    from django.test import Client

    report = make_report()
    _device_me_too(client, report)  # the laptop, no address given
    phone = Client()
    _ask(phone, report, email="maria@example.com")
    link = _link(mail.outbox[-1])
    phone.post(link)  # the same person confirms on the phone
    assert _count(report) == 2  # not yet known to be one person
    client.post(link)  # the same letter confirmed on the laptop: one person after all
    assert _count(report) == 1 == _people(report)


def test_a_stale_link_or_a_malformed_device_token_never_counts_twice(client, make_report, clock):
    from reports.people import DEVICE_COOKIE

    report = make_report()
    client.cookies[DEVICE_COOKIE] = "stale"  # not a token this service makes
    _device_me_too(client, report)
    assert client.cookies[DEVICE_COOKIE].value != "stale" and _count(report) == 1
    _ask(client, report, email="maria@example.com")
    link = _link(mail.outbox[-1])
    clock.shift(8 * 24 * 3600)
    response = client.post(link, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and _count(report) == 1
    assert "This link is not valid or has expired." in response.content.decode()
    _device_me_too(client, report)
    assert _count(report) == 1 == _people(report)
