"""Uploads and bodies (issue #21): a body cap per endpoint enforced before the body is
read (413 JSON), photo dimensions read from the header, failed uploads counted."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.helpers.users import make_user
from tests.security.conftest import INSIDE


@pytest.fixture
def category(db):
    from reports.models import Category

    return Category.objects.create(code="roads", name_uk="Дороги", name_en="Roads")


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height (its pixels would not decode)."""
    out = io.BytesIO()
    Image.new("RGB", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


def test_a_body_over_the_small_default_limit_is_a_413_before_the_view(client, db, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    response = client.post("/api/v1/coverage/areas/", b"{" + b" " * 5000 + b"}", "application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_the_report_form_accepts_photos_the_small_limit_would_refuse(
    client, settlement, category, settings
):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    photo = io.BytesIO()
    Image.new("RGB", (300, 300), "red").save(photo, "PNG")
    photo = photo.getvalue()
    assert len(photo) < 5000
    form = {"category": "roads", "lat": INSIDE["lat"], "lon": INSIDE["lon"], "description": "Яма"}
    form["photos"] = [SimpleUploadedFile("a.png", photo + b"\0" * 3000, "image/png")]
    response = client.post("/api/v1/reports/", form)
    assert response.status_code != 413
    settings.REQUEST_BODY_LIMITS = [("/api/v1/reports/", 2000)]
    form["photos"] = [SimpleUploadedFile("a.png", photo + b"\0" * 3000, "image/png")]
    response = client.post("/api/v1/reports/", form)
    assert response.status_code == 413


def test_signed_in_staff_may_send_larger_bodies(client, db, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    staff = make_user("staff-h", is_staff=True, is_superuser=True)
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/admin/addresses/", {"note": "x" * 5000})
    assert response.status_code != 413


def test_a_body_without_length_stops_at_the_limit():
    from core.middleware import BodyTooLarge, BoundedStream

    assert BoundedStream(io.BytesIO(b"a" * 100), 100).read() == b"a" * 100
    with pytest.raises(BodyTooLarge):
        BoundedStream(io.BytesIO(b"a" * 10_000), 1000).read()
    stream = BoundedStream(io.BytesIO(b"line\n" * 1000), 1000)
    with pytest.raises(BodyTooLarge):
        list(stream)


def test_a_7000_by_7000_png_is_refused_from_its_header():
    from reports.images import PhotoError, photo_clean

    with pytest.raises(PhotoError, match="too many pixels"):
        photo_clean(png_header(7000, 7000))


def test_every_image_open_refuses_a_decompression_bomb():
    from reports.images import MAX_PIXELS

    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS


def test_failed_uploads_count_in_the_rate_limit(client, settlement, category, settings):
    settings.REPORTS_RATE_LIMIT = 2
    form = {"category": "roads", "lat": INSIDE["lat"], "lon": INSIDE["lon"], "description": "Яма"}
    for _ in range(2):
        broken = SimpleUploadedFile("bomb.png", png_header(7000, 7000), "image/png")
        assert client.post("/api/v1/reports/", {**form, "photos": [broken]}).status_code == 400
    response = client.post("/api/v1/reports/", form)
    assert response.status_code == 429


def test_a_report_refused_for_another_reason_gives_its_hit_back(
    client, settlement, category, settings
):
    settings.REPORTS_RATE_LIMIT = 1
    form = {"category": "roads", "lat": INSIDE["lat"], "lon": INSIDE["lon"], "description": ""}
    assert client.post("/api/v1/reports/", form).status_code == 400  # no description
    assert client.post("/api/v1/reports/", {**form, "description": "Яма"}).status_code == 201
