"""A filed photo's stored copy, made by the task worker (reports.images explains the two
steps): the interim copies are replaced, the file as sent deleted."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_delete

from reports.images import PhotoError, photo_clean
from reports.models import Photo

log = logging.getLogger(__name__)


def photo_finish(photo_id: int) -> bool:
    """Replace photo `photo_id`'s interim copies with the stored copy (≤ 2560 px) and its
    thumbnail, made from the file as sent, then delete that file. Return False when there
    was nothing to do: the photo is gone (its report deleted) or already finished (a task
    run twice). The file as sent passed photo_check, so photo_clean cannot refuse it
    unless it changed on disk; then the interim copies stay and the file still goes."""
    with transaction.atomic():
        photo = Photo.objects.select_for_update().filter(pk=photo_id).first()
        if photo is None or not photo.upload:
            return False
        old = [photo.image.name, photo.thumbnail.name, photo.upload.name]
        clean = _clean(photo)
        written = []
        try:
            if clean is not None:
                photo.image.save("photo.jpg", ContentFile(clean.image), save=False)
                written.append(photo.image.name)
                photo.thumbnail.save("thumb.jpg", ContentFile(clean.thumbnail), save=False)
                written.append(photo.thumbnail.name)
                photo.width, photo.height = clean.width, clean.height
            else:
                old = old[2:]  # the interim copies stay
            photo.upload = ""
            photo.save(update_fields=["image", "thumbnail", "width", "height", "upload"])
        except Exception:
            _delete(photo, written)
            raise
        # The replaced files go only once the row no longer names them.
        transaction.on_commit(lambda: _delete(photo, old))
    return True


def _clean(photo: Photo):
    """The stored copy of `photo`'s file as sent, or None when it cannot be made."""
    try:
        with photo.upload.open("rb") as upload:
            return photo_clean(upload.read())
    except (OSError, PhotoError) as exc:
        log.warning("photo %s: no stored copy made from %s: %s", photo.pk, photo.upload.name, exc)
        return None


def _delete(photo: Photo, names: list[str]) -> None:
    storage = photo.image.storage
    for name in names:
        storage.delete(name)


def _upload_forget(sender, instance: Photo, **kwargs) -> None:
    # A photo deleted before the worker got to it (its report deleted or redacted) must
    # not leave the file as sent, with its EXIF position, on the disk.
    if instance.upload:
        name, storage = instance.upload.name, instance.upload.storage
        transaction.on_commit(lambda: storage.delete(name))


def connect_signals() -> None:
    """Delete a photo's file as sent with the photo."""
    post_delete.connect(_upload_forget, sender=Photo, dispatch_uid="reports.photo.upload")
