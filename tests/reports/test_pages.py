"""HTML pages: /map/, /reports/new/, /reports/<number>/, the follow link, subscriptions."""

import math
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports import services
from reports.models import Photo, Report, Subscription
from tests.helpers.tasks import finish_photos
from tests.reports.conftest import INSIDE, OUTSIDE, gps_exif, image_bytes

PRIVATE = [b"oksana.private@example.com", b"+380501112233", "Оксана Приватна".encode()]


def test_the_map_page_loads_the_local_map_client_and_the_filters(client, category, settlement):
    response = client.get("/map/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/vendor/leaflet/leaflet.css" in html
    assert "/static/vendor/protomaps-leaflet/protomaps-leaflet.js" in html
    assert "/static/vendor/supercluster/supercluster.min.js" in html
    assert "/static/reports/map.js" in html
    assert "maplibre" not in html.lower()
    assert 'value="roads"' in html and settlement.katottg in html
    assert "unpkg" not in html and "cdn" not in html.lower()


def test_the_new_report_page_has_the_questions_of_every_category(client, category):
    html = client.get("/reports/new/").content.decode()
    assert 'name="a-roads-size"' in html and 'name="website"' in html
    assert 'name="viewport"' in html


def new_form(**overrides):
    data = {
        "lat": INSIDE["lat"],
        "lon": INSIDE["lon"],
        "category": "roads",
        "description": "Яма біля школи",
        "a-roads-size": "small",
        "email": "oksana.private@example.com",
        "phone": "+380501112233",
        "name": "Оксана Приватна",
    }
    data.update(overrides)
    return data


def test_filing_through_the_page_goes_to_the_private_follow_page(
    client, territory, settlement, category
):
    response = client.post("/reports/new/", new_form())
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reports/follow/{report.follow_token}/?new=1"
    assert report.answers == {"size": "small"} and report.is_anonymous
    page = client.get(response["Location"])
    assert report.number in page.content.decode()
    # The private link to keep is the page's own address, not the "just filed" one
    # (which thanked the reporter again every time it was opened).
    link = f'value="http://testserver/reports/follow/{report.follow_token}/"'
    assert link in page.content.decode()
    # What happens next (the category mails its responsible person, the reporter gets
    # each change at the address given), and where the report is.
    text = page.content.decode()
    assert "Що далі" in text and "Відповідальний за такі проблеми" in text
    assert "у міру роботи: прийнято, виконується, виправлено." in text  # the badges' names
    assert "Про кожну зміну ми також напишемо на oksana.private@example.com" in text
    assert settlement.name_uk in text
    later = client.get(f"/reports/follow/{report.follow_token}/")
    assert "Що далі" not in later.content.decode() and report.number in later.content.decode()
    assert "no-store" in later["Cache-Control"]  # private: never kept by the browser


def test_a_photo_uploaded_through_the_page_loses_its_gps(client, territory, settlement, category):
    upload = SimpleUploadedFile("gps.jpg", image_bytes(exif=gps_exif()), "image/jpeg")
    assert client.post("/reports/new/", {**new_form(), "photos": [upload]}).status_code == 302
    assert finish_photos() == 1  # the task worker's part
    assert b"SecretPhone" not in Photo.objects.get().image.read()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"lat": OUTSIDE["lat"], "lon": OUTSIDE["lon"]}, "outside"),
        ({"description": "я" * 4001}, "4000"),
        ({"website": "http://spam.example"}, "person"),
        ({"a-roads-size": ""}, "required"),
    ],
)
def test_bad_page_posts_show_the_reason_and_write_nothing(
    client, territory, settlement, category, overrides, message, settings
):
    settings.LANGUAGE_CODE = "en"
    response = client.post("/reports/new/", new_form(**overrides), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("big.jpg", b"\xff\xd8" + b"\0" * (10 * 1024 * 1024 + 1)),
        ("half.jpg", image_bytes(size=(800, 600))[:3000]),
        ("text.jpg", b"plain text pretending to be a photo"),
    ],
)
def test_bad_photos_on_the_page_write_nothing(client, territory, settlement, category, name, data):
    upload = SimpleUploadedFile(name, data, "image/jpeg")
    response = client.post("/reports/new/", {**new_form(), "photos": [upload]})
    assert response.status_code == 400
    assert name in response.content.decode()
    assert Report.objects.count() == 0 and Photo.objects.count() == 0


def test_a_script_in_a_description_is_shown_inert(client, make_report):
    report = make_report(description='<script>alert("x")</script><img src=x onerror=alert(1)>')
    html = client.get(f"/reports/{report.number}/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_no_public_page_contains_contact_data(client, make_report, api_key):
    report = make_report(photos=[services.PhotoUpload("a.jpg", image_bytes())])
    services.report_status_change(report=report, status="acknowledged", note="Прийнято")
    pages = [
        "/map/",
        f"/reports/{report.number}/",
        "/api/v1/reports/",
        f"/api/v1/reports/{report.number}/",
        f"/api/v1/reports/nearby/?lat={INSIDE['lat']}&lon={INSIDE['lon']}&category=roads",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        f"/open311/v2/requests/{report.number}.json",
        f"/open311/v2/requests/{report.number}.xml",
        "/ogc/collections/reports/items",
        f"/ogc/collections/reports/items/{report.number}",
        "/tiles/reports/{}/{}/{}.pbf".format(*tile_of(INSIDE["lat"], INSIDE["lon"], 14)),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content
        assert report.number.encode() in body or url == "/map/", url
        for secret in PRIVATE:
            assert secret not in body, (url, secret)


def tile_of(lat: float, lon: float, zoom: int) -> tuple[int, int, int]:
    """The XYZ (web mercator) tile containing a point."""
    n = 2**zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return zoom, x, y


def test_the_name_is_shown_only_when_the_reporter_chose_so(client, make_report):
    shown = make_report(reporter=services.Reporter(name="Петро Відкритий", is_anonymous=False))
    assert "Петро Відкритий" in client.get(f"/reports/{shown.number}/").content.decode()


def test_a_hidden_report_page_is_404(client, make_report):
    report = make_report()
    services.report_visibility_set(report=report, hidden=True)
    assert client.get(f"/reports/{report.number}/").status_code == 404


def test_me_too_on_the_page_counts_once(client, make_report):
    report = make_report()
    client.post(f"/reports/{report.number}/support/")
    client.post(f"/reports/{report.number}/support/")
    report.refresh_from_db()
    assert report.supporters_count == 1


def test_the_follow_link_lets_the_reporter_comment_and_say_not_fixed(client, make_report):
    report = make_report()
    url = f"/reports/follow/{report.follow_token}/"
    assert client.post(url, {"action": "comment", "comment": "Ще гірше"}).status_code == 302
    services.report_status_change(report=report, status="fixed")
    assert client.post(url, {"action": "feedback", "fixed": "no"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "new"
    assert list(report.updates.values_list("kind", flat=True)) == [
        "created",
        "comment",
        "status",
        "feedback",
    ]


@pytest.mark.parametrize("language", ["uk", "en"])
def test_the_follow_page_says_when_a_moderator_hid_the_report(client, make_report, language):
    report = make_report()
    url = f"/reports/follow/{report.follow_token}/"
    client.cookies["django_language"] = language
    said = {"uk": "Модератор прибрав це звернення", "en": "A moderator has taken this report"}
    assert said[language] not in client.get(url).content.decode()
    services.report_visibility_set(report=report, hidden=True, reason="особисті дані")
    page = client.get(url).content.decode()
    assert said[language] in page
    assert f'href="/reports/{report.number}/"' not in page  # no link to the 404
    assert "особисті дані" not in page  # the moderator's reason is the staff's


def test_a_wrong_follow_token_is_404(client, db):
    assert client.get("/reports/follow/guess/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_subscribing_on_the_page_sends_a_confirmation_with_an_unsubscribe_link(
    client, territory, settlement, mailoutbox
):
    response = client.post(
        "/reports/subscribe/", {"email": "me@example.org", "settlement": settlement.katottg}
    )
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    (mail,) = mailoutbox
    links = re.findall(r"http\S+", mail.body)
    assert any(subscription.token in link and "unsubscribe" in link for link in links)
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert subscription.token in mail.extra_headers["List-Unsubscribe"]
    client.get(f"/reports/subscribe/{subscription.token}/")  # a mail scanner's GET
    subscription.refresh_from_db()
    assert not subscription.is_confirmed
    client.post(f"/reports/subscribe/{subscription.token}/")
    subscription.refresh_from_db()
    assert subscription.is_confirmed
    client.post(f"/reports/unsubscribe/{subscription.token}/")
    assert Subscription.objects.count() == 0
