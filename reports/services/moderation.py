"""Staff moderation of reports: status changes through the life cycle (reports.states)
with public notes, duplicates, visibility, redaction, verification, photo removal and the
reporter's comments. Private history entries record who did what and why.

A staff form carries the report's `version` (its updated_at); every write here locks the
report's row (SELECT … FOR UPDATE) and refuses with Conflict when the version differs, so
two moderators never overwrite each other's work silently.
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
    description_clean,
)
from reports.states import TransitionError, transition_check


class StaleReport(Conflict):
    """Someone else changed the report since the form was opened."""

    code = "stale"


def report_lock(report: Report, version: str | None = None) -> Report:
    """Lock the report's row for this transaction and refresh `report` from the database.

    Raise StaleReport when `version` is given and the report changed since (another
    moderator's work is never overwritten).
    """
    Report.objects.select_for_update().filter(pk=report.pk).values_list("pk").get()
    report.refresh_from_db()
    if version is not None:
        report_version_check(report, version)
    return report


def report_version_check(report: Report, version: str) -> None:
    """Raise StaleReport unless `version` is the report's current one."""
    if report.version != version:
        raise StaleReport(
            _(
                "Someone else changed report № %s while you were looking at it. "
                "Nothing was saved; check the report again."
            )
            % report.number
        )


def _reason_required(reason: str, what: str) -> str:
    text = compute.plain_text(reason)[:500]
    if not text:
        raise InvalidInput(_("Give a reason for %s.") % what, code="reason_required")
    return text


# ------------------------------------------------------------------ staff: status
@transaction.atomic
def report_status_change(
    *, report: Report, status: str, note: str = "", author=None, version: str | None = None
) -> Update:
    """Move the report to `status` with a public note; e-mail the reporter.

    Raise InvalidInput for an unknown status or one the life cycle does not allow from
    the current one, or a reopening without a note (its reason); StaleReport (409) when
    `version` is stale. Use report_mark_duplicate for "duplicate" (it needs the original).
    """
    if status not in Status.values:
        raise InvalidInput(_("Unknown status '%s'.") % status, code="invalid_status")
    if status == Status.DUPLICATE:
        raise InvalidInput(_("Mark a duplicate with its original report."), code="invalid_status")
    locked = report_lock(report, version)
    _transition_check(locked.status, status, note)
    return report_status_write(locked, status, note=note, author=author, kind=Update.Kind.STATUS)


@transaction.atomic
def report_update_post(*, report: Report, note: str, author=None, version=None) -> Update:
    """Post a public update on the report, its state kept ("parts are ordered"); e-mail
    the reporter. Raise InvalidInput without a text; StaleReport when `version` is stale."""
    text = compute.plain_text(note)[:DESCRIPTION_MAX_CHARS]
    if not text:
        raise InvalidInput(_("Write the update to post."), code="note_required")
    locked = report_lock(report, version)
    locked.save(update_fields=["updated_at"])
    update = Update.objects.create(
        report=locked,
        kind=Update.Kind.UPDATE,
        old_status=locked.status,
        new_status=locked.status,
        note=text,
        author=author,
    )
    if locked.reporter_email:
        transaction.on_commit(lambda: notify.update_posted(locked, update))
    audit.record(author, "report.update", locked, {"status": [locked.status, locked.status]})
    return update


def _transition_check(old: str, new: str, note: str) -> None:
    try:
        transition_check(old, new, reason=compute.plain_text(note))
    except TransitionError as exc:
        raise InvalidInput(str(exc), code=exc.code) from None


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
def report_mark_duplicate(
    *, report: Report, original: Report, note: str = "", author=None, version=None
):
    """Mark `report` a duplicate of `original` (followed to the first report of a chain).

    Raise Conflict when that would make a report a duplicate of itself; InvalidInput when
    the report is already closed; StaleReport when `version` is stale.
    """
    seen = {report.pk}
    while original.duplicate_of_id and original.pk not in seen:
        seen.add(original.pk)
        original = original.duplicate_of
    if original.pk in seen:
        raise Conflict(_("A report cannot be a duplicate of itself."), code="duplicate_cycle")
    locked = report_lock(report, version)
    _transition_check(locked.status, Status.DUPLICATE, note)
    return report_status_write(
        locked,
        Status.DUPLICATE,
        note=note,
        author=author,
        kind=Update.Kind.DUPLICATE,
        duplicate_of=original,
    )


# ------------------------------------------------------------------ staff: visibility
@transaction.atomic
def report_visibility_set(
    *,
    report: Report,
    hidden: bool | None = None,
    approved=None,
    author=None,
    reason: str = "",
    version: str | None = None,
):
    """Hide or show a report, or approve it after moderation; a private history entry
    with the reason. StaleReport when `version` is stale."""
    report = report_lock(report, version)
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
    _moderation_note(report, _with_reason(", ".join(changes), reason), author)
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
def report_redact(
    *, report: Report, description: str, author=None, reason: str = "", version=None
) -> Report:
    """Replace the description (edit or redact personal data); a private history entry."""
    report = report_lock(report, version)
    text = description_clean(description, has_media=Photo.everything.filter(report=report).exists())
    if text != report.description:
        report.description = text
        old_chars = len(
            Report.objects.filter(pk=report.pk).values_list("description", flat=True).get()
        )
        report.save(update_fields=["description", "updated_at"])
        _moderation_note(report, _with_reason(_("description edited"), reason), author)
        # The removed text may be the personal data being redacted: only its length.
        audit.record(author, "report.redact", report, {"description_chars": [old_chars, len(text)]})
    return report


@transaction.atomic
def report_verify(*, report: Report, reason: str, author=None, version=None) -> Report:
    """Mark the report verified by staff (seen on the spot, confirmed by phone…).

    Raise InvalidInput without a reason; StaleReport when `version` is stale.
    """
    text = _reason_required(reason, _("verifying"))
    report = report_lock(report, version)
    report.is_verified = True
    report.save(update_fields=["is_verified", "updated_at"])
    _moderation_note(report, _with_reason(_("verified"), text), author)
    return report


def _with_reason(change: str, reason: str) -> str:
    reason = compute.plain_text(reason)[:500]
    return f"{change}: {reason}" if reason else change


@transaction.atomic
def report_photo_remove(*, photo: Photo, author=None, reason: str = "") -> None:
    """Delete a photo and its files; a private history entry."""
    report = photo.report
    _photo_files_delete(photo)
    photo.delete()
    _moderation_note(report, _with_reason(_("a photo was removed"), reason), author)


def _photo_files_delete(photo: Photo) -> None:
    names = [photo.image.name, photo.thumbnail.name]
    storage = photo.image.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names if name])


# ------------------------------------------------------------------ the reporter's comments
@transaction.atomic
def comment_moderate(*, update: Update, publish: bool, author=None) -> None:
    """Publish a reporter's comment awaiting moderation, or delete a reporter's comment."""
    if update.kind != Update.Kind.COMMENT or not update.by_reporter:
        raise InvalidInput(_("Only a reporter's comment is moderated."), code="not_a_comment")
    if publish:
        Update.objects.filter(pk=update.pk).update(is_pending=False, is_public=True)
        note = _("a comment of the reporter was published")
    else:
        update.delete()
        note = _("a comment of the reporter was deleted")
    _moderation_note(update.report, note, author)


def _moderation_note(report: Report, note: str, author) -> None:
    Update.objects.create(
        report=report, kind=Update.Kind.MODERATION, note=note, is_public=False, author=author
    )
