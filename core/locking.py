"""Optimistic locking for records staff edit: a stale save is a conflict, never an overwrite.

DESIGN.md §7. Three pieces, each usable on its own, for any model:

* `VersionedModel` — an abstract model with a `version` integer. Every save() of an
  existing row writes `version + 1` only WHERE the row still has the version this
  instance was read with; if another save came first, `StaleEdit` is raised and nothing
  is written. Bulk writes that bypass save() call `versions_bump`.
* `VersionedFormMixin` (ModelForm) and `VersionedAdminMixin` (ModelAdmin) — the form
  carries the version it was opened at in a hidden field; a stale form fails validation
  with a message that shows, field by field, what the other person saved and what this
  form holds. The user's input stays in the form (nothing is lost) and the hidden version
  moves to the saved one, so saving again deliberately keeps theirs.
* `etag`, `check_if_match` — the API's side: `ETag: "<version>"` on reads, and a write
  must send `If-Match` with it: 428 without, 412 when it is stale.
"""

from django import forms
from django.db import connection, models
from django.db.models import F
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ApplicationError, Conflict


class StaleEdit(Conflict):
    """Someone saved the record after this copy of it was read."""

    code = "stale_edit"


class PreconditionFailed(ApplicationError):
    """The request's If-Match names a version that is no longer the current one."""

    status = 412
    code = "precondition_failed"


class PreconditionRequired(ApplicationError):
    """A write to a versioned record came without If-Match."""

    status = 428
    code = "precondition_required"


class VersionedModel(models.Model):
    """A model whose rows carry a `version` that every save() checks and raises by one."""

    version = models.PositiveIntegerField(
        gettext_lazy("version"),
        default=1,
        db_default=1,
        editable=False,
        help_text=gettext_lazy("Raised by one at every save; a save of an older version fails."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        expected = self.version
        self._expected_version = expected
        self.version = expected + 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        try:
            return super().save(*args, **kwargs)
        except BaseException:
            self.version = expected
            raise
        finally:
            del self._expected_version

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = getattr(self, "_expected_version", None)
        if expected is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        updated = super()._do_update(
            base_qs.filter(version=expected), using, pk_val, values, update_fields, forced_update
        )
        if not updated and base_qs.filter(pk=pk_val).exists():
            raise StaleEdit(stale_message(self._meta.verbose_name, expected))
        return updated


def stale_message(name, version: int) -> str:
    """Return the message of a stale save of `name` read at `version`."""
    return _(
        "This %(name)s was changed by someone else after you opened it (you edited "
        "version %(version)d). Nothing was saved."
    ) % {"name": name, "version": version}


def version_check(instance, submitted) -> None:
    """Raise StaleEdit unless `submitted` (an int or its text) is the version `instance`
    holds; a page's form sends the version it was shown, the service reads the row
    locked and calls this before it changes anything."""
    try:
        fresh = int(submitted) == instance.version
    except (TypeError, ValueError):
        fresh = False
    if not fresh:
        raise StaleEdit(stale_message(instance._meta.verbose_name, _version_shown(submitted)))


def _version_shown(submitted) -> int:
    try:
        return int(submitted)
    except (TypeError, ValueError):
        return 0


def versions_bump(queryset) -> int:
    """Raise the version of every row of `queryset` by one (after a bulk write that
    bypassed save()); return the rows changed."""
    return queryset.update(version=F("version") + 1)


# --------------------------------------------------------------------------- forms


def value_text(value) -> str:
    """Return a field value as people read it in a conflict message."""
    if value is None or value == "":
        return "—"
    if hasattr(value, "geom_type") and value.geom_type == "Point":
        return f"{value.y:.6f}, {value.x:.6f}"
    if hasattr(value, "geom_type"):
        return value.geom_type
    return str(localize(value))


class VersionedFormMixin(forms.ModelForm):
    """A ModelForm that refuses to save over a newer version of its instance.

    The hidden `edited_version` holds the version the form was opened at. On a stale form,
    clean() adds a non-field error per differing field ("Street: saved: A; yours: B"),
    keeps the user's input, and moves the hidden version to the saved one. `conflict`
    then lists (field label, saved text, yours text).
    """

    # Not named "version": the model field is not editable, and a ModelAdmin may only
    # list editable model fields or the form's own.
    edited_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict: list[tuple[str, str, str]] = []
        if self.instance.pk is not None:
            # The saved version, not the instance's: a revert to an old state (the history
            # view) starts from an instance that carries that old state's version.
            saved = type(self.instance)._default_manager.filter(pk=self.instance.pk)
            self.fields["edited_version"].initial = saved.values_list("version", flat=True).first()

    def clean(self):
        cleaned = super().clean()
        submitted = cleaned.get("edited_version") or self.fields["edited_version"].initial
        if self.instance.pk is None or submitted is None:
            return cleaned
        current = self._current()
        if current is None or current.version == submitted:
            self.instance.version = submitted
            return cleaned
        self.conflict = self._differences(current, cleaned)
        self._reject(current, submitted)
        return cleaned

    def _current(self):
        """The saved row, locked until the transaction ends when there is one (the admin's
        change view runs in one), so no save slips in between this check and ours."""
        queryset = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        if connection.in_atomic_block:
            # Only this row: a manager that joins a nullable relation could not lock it.
            queryset = queryset.select_for_update(of=("self",))
        return queryset.first()

    def _differences(self, current, cleaned) -> list[tuple[str, str, str]]:
        rows = []
        for name, field in self.fields.items():
            if name == "edited_version" or name not in cleaned or not hasattr(current, name):
                continue
            saved, yours = getattr(current, name), cleaned[name]
            if value_text(saved) != value_text(yours):
                rows.append((str(field.label or name), value_text(saved), value_text(yours)))
        return rows

    def _reject(self, current, submitted: int) -> None:
        errors = [stale_message(self.instance._meta.verbose_name, submitted)]
        errors += [
            _("%(field)s — saved: %(saved)s; yours: %(yours)s") % {
                "field": label, "saved": saved, "yours": yours,
            }
            for label, saved, yours in self.conflict
        ]  # fmt: skip
        errors.append(
            _("Your changes are kept in the form. Save again to replace theirs with yours.")
        )
        data = self.data.copy()
        data[self.add_prefix("edited_version")] = current.version
        self.data = data
        raise forms.ValidationError([forms.ValidationError(message) for message in errors])


class VersionedAdminMixin:
    """A ModelAdmin whose change form carries the version (with VersionedFormMixin)."""

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "edited_version" in fields else [*fields, "edited_version"]


# --------------------------------------------------------------------------- HTTP


def etag(instance) -> str:
    """Return the strong ETag of a versioned record: its version in quotes."""
    return f'"{instance.version}"'


def check_if_match(request, instance) -> int:
    """Return the version the request's If-Match names if it is the record's current one.

    Raise PreconditionRequired (428) without If-Match and PreconditionFailed (412) when it
    names another version.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired(
            _("Send If-Match with the ETag you read (%(etag)s) to change this record.")
            % {"etag": etag(instance)}
        )
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if "*" not in tags and etag(instance) not in tags:
        raise PreconditionFailed(
            _("The record changed since you read it: it is now version %(version)d.")
            % {"version": instance.version},
            details={"current_version": instance.version},
        )
    return instance.version
