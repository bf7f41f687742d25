"""A report's photo in two steps (reports.images): filed with only the file as sent,
checked by its structure, kept where no URL reaches it and shown nowhere; the task worker
makes the stored copy and the thumbnail, deletes that file, and the photo is shown."""

import io
import logging
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult
from PIL import Image

from reports import services
from reports.errors import PhotoRejected
from reports.images import STORED_MAX_PX, THUMBNAIL_PX
from reports.models import Photo
from reports.services.photos import photo_finish
from tests.helpers.tasks import PHOTO_TASK, finish_photos
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
def report(make_report, sent):
    return make_report(photos=[services.PhotoUpload("phone.jpg", sent)], finish_photos=False)


@pytest.fixture
def waiting(report):
    return Photo.everything.get(report=report)


def _files(settings) -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def test_a_photo_is_filed_as_sent_shown_nowhere_and_its_stored_copy_queued(
    client, report, waiting, sent
):
    assert not waiting.image and not waiting.thumbnail
    assert (waiting.width, waiting.height) == (3200, 2400)
    with waiting.upload.open("rb") as upload:
        assert upload.read() == sent
    assert not report.photos.exists() and not Photo.objects.exists()
    assert client.get(f"/api/v1/reports/{report.number}/").json()["photos"] == []
    listed = client.get(f"/open311/v2/requests/{report.number}.json").json()[0]
    assert not listed.get("media_url")
    queued = DBTaskResult.objects.get(task_path=PHOTO_TASK)
    assert queued.args_kwargs["args"] == [waiting.pk]


def test_the_file_as_sent_is_served_by_no_url(client, waiting):
    name = waiting.upload.name
    assert not name.startswith("reports/")
    for path in (f"/media/{name}", f"/media/reports/../{name}", f"/media/x/reports/{name}"):
        assert client.get(path).status_code == 404


def test_the_worker_makes_the_stored_copy_and_deletes_the_file_as_sent(
    client, report, waiting, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert finish_photos() == 1
    done = report.photos.get()
    assert _size(done.image) == (STORED_MAX_PX, STORED_MAX_PX * 3 // 4)
    assert (done.width, done.height) == (STORED_MAX_PX, STORED_MAX_PX * 3 // 4)
    assert max(_size(done.thumbnail)) == THUMBNAIL_PX
    assert not done.upload
    with done.image.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "JPEG" and not stored.getexif()
    assert _files(settings) == {done.image.name, done.thumbnail.name}
    shown = client.get(f"/api/v1/reports/{report.number}/").json()["photos"]
    assert [client.get(shown[0][key]).status_code for key in ("url", "thumbnail")] == [200, 200]


def test_a_task_run_twice_or_for_a_deleted_report_does_nothing(
    report, waiting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert photo_finish(waiting.pk) is True
    finished = Photo.objects.get(pk=waiting.pk)
    assert photo_finish(waiting.pk) is False
    assert Photo.objects.get(pk=waiting.pk).image.name == finished.image.name
    report.delete()
    assert photo_finish(waiting.pk) is False


def test_a_report_deleted_before_the_worker_takes_its_file_as_sent_along(
    report, waiting, settings, django_capture_on_commit_callbacks
):
    name = waiting.upload.name
    with django_capture_on_commit_callbacks(execute=True):
        report.delete()
    assert name not in _files(settings)
    assert photo_finish(waiting.pk) is False


@pytest.mark.parametrize("damage", ["gone", "pixels"])
def test_a_photo_the_worker_cannot_decode_is_dropped_with_a_warning(
    report, waiting, settings, caplog, django_capture_on_commit_callbacks, damage
):
    """Whole in structure, damaged inside (or lost from the disk): never shown; the
    report stays, and nothing of the file is left."""
    if damage == "gone":
        waiting.upload.storage.delete(waiting.upload.name)
    else:
        with open(waiting.upload.path, "r+b") as handle:  # a Huffman table's counts > 256
            handle.seek(handle.read().index(b"\xff\xc4") + 5)
            handle.write(b"\xff" * 16)
    with (
        caplog.at_level(logging.WARNING, logger="reports.services.photos"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert photo_finish(waiting.pk) is True
    assert not Photo.everything.filter(report=report).exists()
    assert report.__class__.objects.filter(pk=report.pk).exists()
    assert _files(settings) == set()
    assert "dropped" in caplog.text


def test_a_small_photo_keeps_its_size(make_report):
    report = make_report(photos=[services.PhotoUpload("small.jpg", image_bytes(size=(320, 200)))])
    assert _size(report.photos.get().image) == (320, 200)


def test_a_cut_photo_is_still_refused_when_filed(make_report, sent):
    with pytest.raises(PhotoRejected, match="пошкоджене"):
        make_report(photos=[services.PhotoUpload("cut.jpg", sent[: len(sent) - 200])])
    assert not Photo.everything.exists()


def test_a_fourth_photo_is_refused_while_the_first_three_wait(make_report):
    from reports.services.public import report_follow_up

    three = [services.PhotoUpload(f"{n}.jpg", image_bytes()) for n in range(3)]
    report = make_report(photos=three, finish_photos=False)
    with pytest.raises(PhotoRejected):
        report_follow_up(report=report, photos=[services.PhotoUpload("4.jpg", image_bytes())])


@pytest.mark.parametrize(
    ("language", "text"), [("uk", "1 фото готується"), ("en", "1 photo is being prepared")]
)
def test_the_reporters_page_says_a_photo_is_being_prepared_until_it_is_shown(
    client, report, language, text, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = language
    url = f"/reports/follow/{report.follow_token}/"
    assert text in client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        finish_photos()
    assert text not in client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_a_report_refused_at_its_last_statement_leaves_no_file_as_sent(
    make_report, sent, settings, monkeypatch
):
    """The rate limit is taken last, after the photos are written: refused there (by a
    request that took the last place first), the report rolls back and the files as sent,
    with their EXIF position, go too."""
    from reports.errors import TooManyRequests
    from reports.services import filing

    def refused(rate_limit):
        raise TooManyRequests("Забагато звернень.", retry_after_s=60)

    monkeypatch.setattr(filing, "_rate_limit_take", refused)
    limit = filing.RateLimit(key="test", limit=5, window_s=60, message="")
    with pytest.raises(TooManyRequests):
        make_report(photos=[services.PhotoUpload("p.jpg", sent)], rate_limit=limit)
    assert not Photo.everything.exists()
    assert _files(settings) == set()
