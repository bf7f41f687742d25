"""Report photos under /media/reports/: only stored photos of public reports, as JPEG that
browsers must not sniff; hidden and unmoderated reports' photos only for staff; no way
around the check through odd paths. Also under the production profile (a fresh process).
"""

import io
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from PIL import Image

from reports import services
from tests.reports.conftest import gps_exif, image_bytes

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def photo_report(make_report):
    """A public report with one photo (sent with GPS EXIF)."""
    upload = services.PhotoUpload(name="p.jpg", data=image_bytes(exif=gps_exif()))
    return make_report(photos=[upload])


def urls(report) -> list[str]:
    photo = report.photos.get()
    return [photo.image.url, photo.thumbnail.url]


def test_a_public_reports_photo_and_thumbnail_are_served_as_jpeg(client, photo_report):
    for url in urls(photo_report):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "public, max-age=600"
        assert "sandbox" in response["Content-Security-Policy"]
        picture = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        assert picture.format == "JPEG" and not picture.getexif()


def test_the_photo_urls_of_the_pages_and_apis_are_served(client, photo_report):
    detail = client.get(f"/api/v1/reports/{photo_report.number}/").json()
    listed = client.get(f"/open311/v2/requests/{photo_report.number}.json").json()[0]
    paths = [detail["photos"][0]["url"], detail["photos"][0]["thumbnail"]]
    paths.append(listed["media_url"].removeprefix("http://testserver"))
    for path in paths:
        assert client.get(path).status_code == 200


def test_a_hidden_reports_photos_are_not_served(client, photo_report):
    services.report_visibility_set(report=photo_report, hidden=True)
    for url in urls(photo_report):
        assert client.get(url).status_code == 404


def test_an_unmoderated_reports_photos_are_not_served(client, make_report, moderated_category):
    upload = services.PhotoUpload(name="p.png", data=image_bytes("PNG"))
    report = make_report(category_code="other", answers={}, photos=[upload])
    assert not report.is_public
    for url in urls(report):
        assert client.get(url).status_code == 404


def test_staff_who_moderate_see_a_hidden_reports_photos_uncached(client, photo_report, moderator):
    services.report_visibility_set(report=photo_report, hidden=True)
    client.force_login(moderator)
    for url in urls(photo_report):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "path",
    [
        "/media/reports//photos/{name}",
        "/media/./reports/photos/{name}",
        "/media/reports/thumbs/../photos/{name}",
        "/media/reports/photos/{name}/",
        "/media/reports/photos/{name}%00.jpg",
        "/media/REPORTS/photos/{name}",
    ],
)
def test_odd_paths_to_a_hidden_reports_photo_are_404(client, photo_report, path):
    services.report_visibility_set(report=photo_report, hidden=True)
    name = Path(photo_report.photos.get().image.name).name
    assert client.get(path.format(name=name)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/reports/photos/../../../gis/settings.py",
        "/media/reports/photos/%2e%2e/%2e%2e/%2e%2e/gis/settings.py",
        "/media/reports/photos/..%2f..%2f..%2fgis%2fsettings.py",
        "/media/reports/photos/planted.html",
        "/media/reports/photos/0123456789abcdef0123456789abcdef.jpg",
    ],
)
def test_traversal_and_files_that_are_no_stored_photo_are_404(client, settings, db, path):
    planted = Path(settings.MEDIA_ROOT) / "reports" / "photos"
    planted.mkdir(parents=True)
    (planted / "planted.html").write_text("<script>alert(1)</script>")
    (planted / "0123456789abcdef0123456789abcdef.jpg").write_bytes(image_bytes())
    response = client.get(path)
    assert response.status_code == 404
    assert b"SECRET" not in response.content and b"<script>" not in response.content


def test_only_get_and_head_are_allowed(client, photo_report):
    url = urls(photo_report)[0]
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


# ------------------------------------------------------------------ production profile
PRODUCTION_SCRIPT = """
import json, sys, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="gis.example.ua")
out = {}
for url in sys.argv[1:]:
    response = client.get(url, secure=True)
    out[url] = [response.status_code, dict(response.headers)]
print(json.dumps(out))
"""


def _database_url() -> str:
    db = connection.settings_dict
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgis://{db['USER']}{password}@{host}{port}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_under_the_production_profile_photos_are_served_safely(
    settings, territory, settlement, category, make_report
):
    from tests.security.test_production import production_env

    public = make_report(photos=[services.PhotoUpload(name="a.jpg", data=image_bytes())])
    hidden = make_report(photos=[services.PhotoUpload(name="b.jpg", data=image_bytes())])
    services.report_visibility_set(report=hidden, hidden=True)
    wanted = [*urls(public), *urls(hidden), "/media/reports//photos/x.jpg"]
    env = production_env(
        DATABASE_URL=_database_url(), MEDIA_ROOT=str(settings.MEDIA_ROOT), LOG_LEVEL="CRITICAL"
    )
    result = subprocess.run(  # noqa: S603 — fixed arguments
        [sys.executable, "-c", PRODUCTION_SCRIPT, *wanted],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    for url in urls(public):
        status, headers = answers[url]
        assert status == 200 and headers["Content-Type"] == "image/jpeg"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Cache-Control"] == "public, max-age=600"
    for url in [*urls(hidden), "/media/reports//photos/x.jpg"]:
        assert answers[url][0] == 404
