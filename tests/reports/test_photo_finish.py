"""A report's photo in two steps (reports.images): filed with an interim copy and its
thumbnail from a reduced-scale decoding; the task worker makes the stored copy from the
file as sent, kept aside where no URL reaches it, and deletes that file."""

import io
import logging
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult
from PIL import Image

from reports import services
from reports.errors import PhotoRejected
from reports.images import INTERIM_PX, STORED_MAX_PX, THUMBNAIL_PX
from reports.models import Photo
from reports.services.photos import photo_finish
from tests.reports.conftest import gps_exif, image_bytes

pytestmark = pytest.mark.django_db


def _size(field) -> tuple[int, int]:
    with field.open("rb") as handle:
        return Image.open(io.BytesIO(handle.read())).size


@pytest.fixture
def sent():
    """A phone photo larger than the stored copy, with a GPS position in its EXIF."""
    return image_bytes(size=(3200, 2400), exif=gps_exif())


@pytest.fixture
def photo(make_report, sent):
    report = make_report(photos=[services.PhotoUpload("phone.jpg", sent)])
    return report.photos.get()


def _files(settings) -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def test_a_photo_is_filed_with_interim_copies_and_its_stored_copy_queued(photo, sent):
    assert max(_size(photo.image)) == INTERIM_PX
    assert max(_size(photo.thumbnail)) == THUMBNAIL_PX
    assert (photo.width, photo.height) == _size(photo.image)
    with photo.upload.open("rb") as upload:
        assert upload.read() == sent  # kept as sent, for the stored copy
    for field in (photo.image, photo.thumbnail):
        with field.open("rb") as handle:
            assert b"SecretPhone" not in handle.read()
    queued = DBTaskResult.objects.get(task_path="reports.tasks.photo_finish_task")
    assert queued.args_kwargs["args"] == [photo.pk]


def test_the_file_as_sent_is_served_by_no_url(client, photo):
    name = photo.upload.name
    assert not name.startswith("reports/")
    for path in (f"/media/{name}", f"/media/reports/../{name}", f"/media/x/reports/{name}"):
        assert client.get(path).status_code == 404


def test_the_worker_makes_the_stored_copy_and_deletes_the_file_as_sent(
    photo, settings, django_capture_on_commit_callbacks
):
    interim = {photo.image.name, photo.thumbnail.name, photo.upload.name}
    with django_capture_on_commit_callbacks(execute=True):
        assert photo_finish(photo.pk) is True
    done = Photo.objects.get(pk=photo.pk)
    assert _size(done.image) == (STORED_MAX_PX, STORED_MAX_PX * 3 // 4)
    assert (done.width, done.height) == (STORED_MAX_PX, STORED_MAX_PX * 3 // 4)
    assert max(_size(done.thumbnail)) == THUMBNAIL_PX
    assert not done.upload
    with done.image.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "JPEG" and not stored.getexif()
    assert _files(settings) == {done.image.name, done.thumbnail.name}
    assert not interim & _files(settings)


def test_a_task_run_twice_or_for_a_deleted_report_does_nothing(
    photo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert photo_finish(photo.pk) is True
    finished = Photo.objects.get(pk=photo.pk)
    assert photo_finish(photo.pk) is False
    assert Photo.objects.get(pk=photo.pk).image.name == finished.image.name
    photo.report.delete()
    assert photo_finish(photo.pk) is False


def test_a_report_deleted_before_the_worker_takes_its_file_as_sent_along(
    photo, settings, django_capture_on_commit_callbacks
):
    name = photo.upload.name
    with django_capture_on_commit_callbacks(execute=True):
        photo.report.delete()
    assert name not in _files(settings)
    assert photo_finish(photo.pk) is False


def test_a_file_as_sent_gone_from_the_disk_leaves_the_interim_copies(
    photo, caplog, django_capture_on_commit_callbacks
):
    photo.upload.storage.delete(photo.upload.name)
    with (
        caplog.at_level(logging.WARNING, logger="reports.services.photos"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert photo_finish(photo.pk) is True
    after = Photo.objects.get(pk=photo.pk)
    assert (after.image.name, after.thumbnail.name) == (photo.image.name, photo.thumbnail.name)
    assert after.image.storage.exists(after.image.name) and not after.upload
    assert "no stored copy" in caplog.text


def test_a_small_photo_keeps_its_size(make_report):
    report = make_report(photos=[services.PhotoUpload("small.jpg", image_bytes(size=(320, 200)))])
    photo = report.photos.get()
    assert _size(photo.image) == (320, 200)
    photo_finish(photo.pk)
    assert _size(Photo.objects.get(pk=photo.pk).image) == (320, 200)


def test_a_damaged_photo_is_still_refused_when_filed(make_report, sent):
    with pytest.raises(PhotoRejected, match="пошкоджене"):
        make_report(photos=[services.PhotoUpload("cut.jpg", sent[: len(sent) - 200])])
    assert not Photo.objects.exists()
