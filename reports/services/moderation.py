"""Staff moderation of reports: status with public notes, duplicates, visibility, redaction,
photo removal. Private history entries record who did what.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.errors import Conflict, InvalidInput
from reports import compute, notify
from reports.models import (
    DESCRIPTION_MAX_CHARS,
    Photo,
    Report,
    Status,
    Update,
)
from reports.services.filing import (
    _description_clean,
)


# ------------------------------------------------------------------ staff: moderation
@transaction.atomic
def report_status_change(*, report: Report, status: str, note: str = "", author=None) -> Update:
    """Set a new status with a public note; e-mail the reporter when they left an address.

    Use report_mark_duplicate for "duplicate" (it needs the original report).
    """
    if status not in Status.values:
        raise InvalidInput(_("Unknown status '%s'.") % status, code="invalid_status")
    if status == Status.DUPLICATE:
        raise InvalidInput(_("Mark a duplicate with its original report."), code="invalid_status")
    return report_status_write(report, status, note=note, author=author, kind=Update.Kind.STATUS)


def report_status_write(
    report, status, *, note, author, kind, by_reporter=False, duplicate_of=None
) -> Update:
    old = Report.objects.select_for_update().filter(pk=report.pk).values_list("status", flat=True)
    old = old.get()
    report.status = status
    report.duplicate_of = duplicate_of
    report.save(update_fields=["status", "duplicate_of", "updated_at"])
    update = Update.objects.create(
        report=report,
        kind=kind,
        old_status=old,
        new_status=status,
        note=compute.plain_text(note)[:DESCRIPTION_MAX_CHARS],
        author=author,
        by_reporter=by_reporter,
    )
    if not by_reporter and report.reporter_email and old != status:
        transaction.on_commit(lambda: notify.status_changed(report, update))
    if not by_reporter:
        audit.record(author, "report.status", report, {"status": [old, status]})
    return update


@transaction.atomic
def report_mark_duplicate(*, report: Report, original: Report, note: str = "", author=None):
    """Mark `report` a duplicate of `original` (followed to the first report of a chain).

    Raise Conflict when that would make a report a duplicate of itself.
    """
    seen = {report.pk}
    while original.duplicate_of_id and original.pk not in seen:
        seen.add(original.pk)
        original = original.duplicate_of
    if original.pk in seen:
        raise Conflict(_("A report cannot be a duplicate of itself."), code="duplicate_cycle")
    return report_status_write(
        report,
        Status.DUPLICATE,
        note=note,
        author=author,
        kind=Update.Kind.DUPLICATE,
        duplicate_of=original,
    )


@transaction.atomic
def report_visibility_set(
    *, report: Report, hidden: bool | None = None, approved=None, author=None
):
    """Hide or show a report, or approve it after moderation; a private history entry."""
    changes = []
    if hidden is not None and hidden != report.is_hidden:
        report.is_hidden = hidden
        changes.append(_("hidden") if hidden else _("shown"))
    newly_approved = approved is True and not report.is_approved
    if approved is not None and approved != report.is_approved:
        report.is_approved = approved
        changes.append(_("approved") if approved else _("sent back to moderation"))
    if not changes:
        return report
    report.save(update_fields=["is_hidden", "is_approved", "updated_at"])
    _moderation_note(report, ", ".join(changes), author)
    audit.record(
        author,
        "report.visibility",
        report,
        {"hidden": report.is_hidden, "approved": report.is_approved},
    )
    if newly_approved and report.is_public:
        transaction.on_commit(lambda: notify.subscribers(report))
    return report


@transaction.atomic
def report_redact(*, report: Report, description: str, author=None) -> Report:
    """Replace the description (edit or redact personal data); a private history entry."""
    text = _description_clean(description, has_media=report.photos.exists())
    if text != report.description:
        report.description = text
        old_chars = len(
            Report.objects.filter(pk=report.pk).values_list("description", flat=True).get()
        )
        report.save(update_fields=["description", "updated_at"])
        _moderation_note(report, _("description edited by a moderator"), author)
        # The removed text may be the personal data being redacted: only its length.
        audit.record(author, "report.redact", report, {"description_chars": [old_chars, len(text)]})
    return report


@transaction.atomic
def report_photo_remove(*, photo: Photo, author=None) -> None:
    """Delete a photo and its files; a private history entry."""
    report = photo.report
    _photo_files_delete(photo)
    photo.delete()
    _moderation_note(report, _("a photo was removed by a moderator"), author)


def _photo_files_delete(photo: Photo) -> None:
    names = [photo.image.name, photo.thumbnail.name]
    storage = photo.image.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names if name])


def _moderation_note(report: Report, note: str, author) -> None:
    Update.objects.create(
        report=report, kind=Update.Kind.MODERATION, note=note, is_public=False, author=author
    )
