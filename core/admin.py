"""What every app's admin shares: page titles that name the model in the accusative;
and the audit trail in the admin (read-only, for administrators only)."""

from django.contrib import admin
from django.contrib.admin.views.main import IS_POPUP_VAR
from django.utils.translation import gettext as _

from core.models import AuditEntry


class AccusativeTitlesMixin:
    """Admin titles that read as Ukrainian: "Змінити адресу", not "Змінити адреса".

    Django builds "Add %s", "Change %s" and "Select %s to change" from the model's
    verbose_name, which is in the nominative; as the object of the verb a feminine noun
    (адреса, вулиця, зона покриття) must be in the accusative. A ModelAdmin whose
    model's name changes sets `name_accusative = pgettext_lazy("accusative", "address")`
    (the English name as msgid, so English pages keep it); the "Add …" button of the list
    reads it too (templates/admin/change_list_object_tools.html).
    """

    name_accusative = None

    def object_name(self) -> str:
        """The model's name as the object of a verb, in the active language."""
        return str(self.name_accusative or self.model._meta.verbose_name)

    def changelist_view(self, request, extra_context=None):
        if IS_POPUP_VAR in request.GET:
            title = _("Select %s") % self.object_name()
        elif self.has_change_permission(request):
            title = _("Select %s to change") % self.object_name()
        else:
            title = _("Select %s to view") % self.object_name()
        extra_context = {"title": title, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is None:
            title = _("Add %s") % self.object_name()
        elif self.has_change_permission(request):
            title = _("Change %s") % self.object_name()
        else:
            title = _("View %s") % self.object_name()
        extra_context = {"title": title, **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, extra_context)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "target_type", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_name", "target_repr", "target_id"]
    date_hierarchy = "at"
    readonly_fields = [
        "at",
        "actor",
        "actor_name",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "changes",
    ]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
