"""A full disk for media: a clear error, and neither a report nor a file left behind.

The disk is made full by a storage whose writes fail with ENOSPC (what the kernel says
on a full filesystem); the database is the real test database.
"""

import errno
import io

import pytest
from django.core.files.storage import FileSystemStorage
from PIL import Image

from tests.helpers.isolation import private_cache_and_media
from tests.helpers.tasks import finish_photos

INSIDE = {"lat": "48.7936", "lon": "32.7208"}


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    private_cache_and_media(settings, tmp_path, "faults")


@pytest.fixture
def category(territory, settlement):
    from reports.models import Category

    return Category.objects.create(code="roads", name_uk="Дороги")


def _photo(name="photo.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 30)).save(out, "JPEG")
    out.name = name
    out.seek(0)
    return out


def _disk_full_after(monkeypatch, writes_allowed: int):
    """Let `writes_allowed` files be written, then fail every write with ENOSPC."""
    real_save, calls = FileSystemStorage._save, []

    def save(storage, name, content):
        calls.append(name)
        if len(calls) > writes_allowed:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(storage, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", save)
    return calls


def _files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _form(**extra):
    return {"category": "roads", "description": "Яма", **INSIDE, **extra}


@pytest.mark.parametrize("writes_allowed", [0])
def test_a_full_disk_gives_the_api_a_clear_507_and_saves_no_report_and_no_file(
    client, category, settings, monkeypatch, writes_allowed
):
    from reports.models import Report

    calls = _disk_full_after(monkeypatch, writes_allowed)
    response = client.post("/api/v1/reports/", _form(photos=_photo()))
    assert calls, "the photo never reached the storage"
    assert response.status_code == 507
    error = response.json()["error"]
    assert error["code"] == "storage_full"
    assert "out of disk space" in error["message"] and "місце" in error["message"]
    assert Report.objects.count() == 0
    assert _files(settings) == []


def test_a_full_disk_gives_the_report_form_a_clear_message(client, category, settings, monkeypatch):
    from reports.models import Report

    _disk_full_after(monkeypatch, 0)
    response = client.post("/reports/new/", _form(photos=_photo()))
    assert response.status_code == 507
    assert "out of disk space" in response.content.decode()
    assert Report.objects.count() == 0


def test_with_room_on_the_disk_the_same_report_is_filed_with_its_photo(
    client, category, settings, django_capture_on_commit_callbacks
):
    from reports.models import Report

    response = client.post("/api/v1/reports/", _form(photos=_photo()))
    assert response.status_code == 201, response.content
    assert len(_files(settings)) == 1  # the file as sent
    with django_capture_on_commit_callbacks(execute=True):
        assert finish_photos() == 1  # the task worker's part
    assert Report.objects.get().photos.count() == 1
    assert len(_files(settings)) == 2  # the photo and its thumbnail


def test_a_second_photo_on_a_full_disk_leaves_no_file_of_the_first(
    client, category, settings, monkeypatch
):
    from reports.models import Report

    _disk_full_after(monkeypatch, 1)
    response = client.post("/api/v1/reports/", _form(photos=[_photo(), _photo("b.jpg")]))
    assert response.status_code == 507
    assert Report.objects.count() == 0
    assert _files(settings) == []


@pytest.mark.parametrize("writes_allowed", [0, 1])
def test_a_full_disk_when_the_stored_copy_is_made_keeps_the_photo_waiting(
    category, settings, monkeypatch, writes_allowed
):
    """The task worker's turn: it fails (the task ends in error) with the photo as it
    was, waiting with its file as sent, and no file of the copy left behind."""
    from reports import services
    from reports.models import Photo
    from reports.services.photos import photo_finish

    services.report_create(
        category_code="roads", description="Яма", lat=float(INSIDE["lat"]),
        lon=float(INSIDE["lon"]), photos=[services.PhotoUpload("p.jpg", _photo().read())],
    )  # fmt: skip
    before = sorted(_files(settings))
    photo = Photo.everything.get()
    _disk_full_after(monkeypatch, writes_allowed)
    with pytest.raises(OSError, match="No space left"):
        photo_finish(photo.pk)
    assert sorted(_files(settings)) == before
    again = Photo.everything.get()
    assert (again.image.name, again.upload.name) == ("", photo.upload.name)
