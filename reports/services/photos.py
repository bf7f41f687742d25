"""A filed photo's stored copy, made by the task worker (reports.images explains the two
steps): the stored copy and the thumbnail written, the file as sent deleted."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_delete

from reports.images import PhotoError, photo_clean
from reports.models import Photo

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
