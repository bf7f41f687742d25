"""A report's photos: read from the upload and checked whole before anything is written
(photo_uploads, photos_clean), written as sent in the filing's transaction
(photos_saved), then made into the stored copy by the task worker (photo_finish;
reports.images explains the two steps): the stored copy and the thumbnail written, the
file as sent deleted."""

import logging
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_delete
from django.utils.translation import gettext as _

from reports.errors import PhotoRejected
from reports.images import PHOTO_MAX_BYTES, PhotoError, photo_check, photo_clean
from reports.models import PHOTOS_MAX, Photo, Report
from reports.tasks import photo_finish_task

log = logging.getLogger(__name__)


def photo_finish(photo_id: int) -> bool:
    """Make photo `photo_id`'s stored copy (JPEG, ≤ 2560 px, no metadata) and thumbnail
    from its file as sent, then delete that file: the photo is then shown. Return False
    when there was nothing to do: the photo is gone (its report deleted) or ready already
    (a task run twice). A file whose pixels do not decode (whole in structure, damaged
    inside), or gone from the disk, cannot be shown: the photo is deleted, with a
    warning in the log."""
    with transaction.atomic():
        photo = Photo.everything.select_for_update().filter(pk=photo_id).first()
        if photo is None or not photo.upload:
            return False
        upload = photo.upload.name
        clean = _clean(photo)
        if clean is None:
            photo.delete()  # its file as sent goes with it (_upload_forget)
            return True
        written = []
        try:
            photo.image.save("photo.jpg", ContentFile(clean.image), save=False)
            written.append(photo.image.name)
            photo.thumbnail.save("thumb.jpg", ContentFile(clean.thumbnail), save=False)
            written.append(photo.thumbnail.name)
            photo.width, photo.height = clean.width, clean.height
            photo.upload = ""
            photo.save(update_fields=["image", "thumbnail", "width", "height", "upload"])
        except Exception:
            _delete(photo, written)
            raise
        # The file as sent goes only once the row no longer names it.
        transaction.on_commit(lambda: _delete(photo, [upload]))
    return True


def _clean(photo: Photo):
    """The stored copy of `photo`'s file as sent, or None when it cannot be made."""
    try:
        with photo.upload.open("rb") as upload:
            return photo_clean(upload.read())
    except (OSError, PhotoError) as exc:
        log.warning(
            "photo %s of report %s dropped: no stored copy from %s: %s",
            photo.pk, photo.report_id, photo.upload.name, exc,
        )  # fmt: skip
        return None


def _delete(photo: Photo, names: list[str]) -> None:
    storage = photo.upload.storage
    for name in names:
        storage.delete(name)


def _upload_forget(sender, instance: Photo, **kwargs) -> None:
    # A photo deleted before the worker got to it (its report deleted, or its pixels not
    # decoding) must not leave the file as sent, with its EXIF position, on the disk.
    if instance.upload:
        name, storage = instance.upload.name, instance.upload.storage
        transaction.on_commit(lambda: storage.delete(name))


def connect_signals() -> None:
    """Delete a photo's file as sent with the photo."""
    post_delete.connect(_upload_forget, sender=Photo, dispatch_uid="reports.photo.upload")


# ------------------------------------------------------------------ on filing
@dataclass(frozen=True)
class PhotoUpload:
    """An uploaded file as the service sees it: a name (for messages) and its bytes."""

    name: str
    data: bytes


def photo_uploads(files) -> list[PhotoUpload]:
    """Read uploaded files into PhotoUploads, refusing one over 10 MB before reading it."""
    uploads = []
    for upload in files or ():
        if upload.size > PHOTO_MAX_BYTES:
            raise PhotoRejected(_("%s: a photo may be at most 10 MB.") % upload.name)
        uploads.append(PhotoUpload(name=upload.name, data=upload.read()))
    return uploads


@dataclass(frozen=True)
class CheckedUpload:
    """A photo found whole (reports.images.photo_check): the file as sent, its pixels."""

    data: bytes
    width: int
    height: int


def photos_clean(photos: list[PhotoUpload], *, already: int) -> list[CheckedUpload]:
    """Check every photo before anything is written."""
    if already + len(photos) > PHOTOS_MAX:
        raise PhotoRejected(_("A report may have at most %d photos.") % PHOTOS_MAX)
    clean = []
    for upload in photos:
        try:
            clean.append(CheckedUpload(upload.data, *photo_check(upload.data)))
        except PhotoError as exc:
            raise PhotoRejected(f"{upload.name}: {_(str(exc))}") from None
    return clean


@contextmanager
def photos_saved(report: Report, photos: list[CheckedUpload], *, follow_up: bool = False):
    """Write the photos (_photos_save) for the block that follows; when it raises (a
    refused rate limit at the last statement, say) the transaction rolls their rows back
    and their files, which still hold the sender's EXIF position, are deleted here."""
    written = _photos_save(report, photos, follow_up=follow_up)
    try:
        yield
    except BaseException:
        _files_delete(written)
        raise


def _photos_save(report: Report, photos: list[CheckedUpload], *, follow_up: bool) -> list:
    """Write each photo's file as sent and queue its stored copy for the task worker, in
    the caller's transaction (a rollback queues nothing); return the files written."""
    written = []
    try:
        for checked in photos:
            photo = Photo(report=report, width=checked.width, height=checked.height)
            photo.from_reporter_follow_up = follow_up
            photo.upload.save("upload.bin", ContentFile(checked.data), save=False)
            written.append(photo.upload)
            photo.save()
            photo_finish_task.enqueue(photo.pk)
    except BaseException:
        # The transaction rolls the rows back; the files written so far go too (a full
        # disk at the second photo must not leave the first one's file behind).
        _files_delete(written)
        raise
    return written


def _files_delete(files: list) -> None:
    for file in files:
        file.delete(save=False)
