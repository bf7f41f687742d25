"""The audit trail: every staff write recorded with who, when, what and the changes.

`record(actor, action, target, changes)` is the one function every app calls for a write
its staff make outside the admin (a status change, a redaction, an import, a role
change). Every write through the Django admin — add, change, delete, on any model,
including users and their groups — is recorded without any code in the apps: `install()`
(from CoreConfig.ready) wraps the admin's own log (LogEntry.objects.log_actions) and the
change message it is built from, so the entry also holds each changed field's old and
new value. Password fields are never stored. Administrators read the trail in the admin
(core.admin: read-only).
"""

import contextvars
import json
import logging

from django.db import models

logger = logging.getLogger(__name__)

SECRET_FIELD_WORDS = ("password", "secret", "token", "api_key")
VALUE_MAX_CHARS = 500
# The form values the admin's change message was last built from, for the log entry that
# follows it in the same request (same thread or task).
_pending = contextvars.ContextVar("audit_pending_changes", default=None)


def _plain(value):
    """A JSON-ready, bounded form of a field value."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, models.Model):
        return {"id": value.pk, "repr": str(value)[:200]}
    if isinstance(value, list | tuple | set | models.QuerySet):
        return [_plain(item) for item in list(value)[:100]]
    if hasattr(value, "wkt"):  # a geometry: its type and size, not its coordinates
        return f"{value.geom_type} ({value.num_coords} vertices)"
    return str(value)[:VALUE_MAX_CHARS]


def _secret(name: str) -> bool:
    return any(word in name.lower() for word in SECRET_FIELD_WORDS)


# Form fields that are bookkeeping, not the record: the version an edit form was opened at
# (core.locking) changes with every save and says nothing about what was edited.
BOOKKEEPING_FIELDS = frozenset({"edited_version"})


def form_changes(form, *, add: bool = False) -> dict:
    """{field: [old, new]} of a bound Django form's changed fields (secrets masked)."""
    changes = {}
    for name in getattr(form, "changed_data", ()):
        if name in BOOKKEEPING_FIELDS:
            continue
        if _secret(name):
            changes[name] = ["***", "***"]
            continue
        old = None if add else form.initial.get(name)
        new = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        changes[name] = [_plain(old), _plain(new)]
    return changes


def record(actor, action: str, target=None, changes: dict | None = None):
    """Record one staff write: `actor` (a user or None for the system), `action` (a short
    dotted verb: "report.status", "address.import", "admin.change"), `target` (a model
    instance, or None for a bulk write) and `changes` (JSON-ready: {field: [old, new]},
    counts…). Return the AuditEntry."""
    from core.models import AuditEntry

    entry = AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor.get_username() if getattr(actor, "pk", None) else "",
        action=action[:60],
        changes=json.loads(json.dumps(changes or {}, default=str)),
    )
    if target is not None:
        entry.target_type = target._meta.label_lower
        entry.target_id = str(target.pk)[:64]
        entry.target_repr = str(target)[:200]
    entry.save()
    return entry


ADMIN_ACTIONS = {1: "admin.add", 2: "admin.change", 3: "admin.delete"}


def _admin_entries(log_entries) -> None:
    """Copy the admin's log entries into the trail, with the values stashed for them."""
    from django.contrib.auth import get_user_model

    if log_entries is None:
        return
    entries = [log_entries] if not isinstance(log_entries, list) else log_entries
    values = _pending.get()
    _pending.set(None)
    users = {}
    for log in entries:
        if log.user_id not in users:
            users[log.user_id] = get_user_model().objects.filter(pk=log.user_id).first()
        from core.models import AuditEntry

        AuditEntry.objects.create(
            actor=users[log.user_id],
            actor_name=users[log.user_id].get_username() if users[log.user_id] else "",
            action=ADMIN_ACTIONS.get(log.action_flag, "admin"),
            target_type=log.content_type.model_class()._meta.label_lower
            if log.content_type_id and log.content_type.model_class()
            else "",
            target_id=str(log.object_id or "")[:64],
            target_repr=log.object_repr[:200],
            changes={
                "message": log.get_change_message(),
                **({"fields": values} if values and len(entries) == 1 else {}),
            },
        )


def install() -> None:
    """Wire the admin's writes into the trail (called once, from CoreConfig.ready)."""
    from django.contrib.admin import options
    from django.contrib.admin.models import LogEntryManager

    if getattr(LogEntryManager.log_actions, "_audited", False):
        return
    original_log = LogEntryManager.log_actions
    original_message = options.ModelAdmin.construct_change_message

    def log_actions(self, *args, **kwargs):
        result = original_log(self, *args, **kwargs)
        try:
            _admin_entries(result)
        except Exception:  # the write itself succeeded; never turn it into a 500
            logger.exception("audit entry for an admin write could not be stored")
        return result

    def construct_change_message(self, request, form, formsets, add=False):
        _pending.set(form_changes(form, add=add))
        return original_message(self, request, form, formsets, add)

    log_actions._audited = True
    LogEntryManager.log_actions = log_actions
    options.ModelAdmin.construct_change_message = construct_change_message
