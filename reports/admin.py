"""Staff side of reports: categories, moderation (group `moderators`), Open311 API keys.

Every change to a report goes through reports.services, so history entries and e-mails
happen the same way from the admin as from anywhere else.
"""

import hashlib
import secrets

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.admin import AccusativeTitlesMixin
from core.errors import ApplicationError
from core.locking import VersionedAdminMixin, VersionedFormMixin
from layers.admin import MapAdmin, SettlementFilter
from reports import selectors, services
from reports.forms import DuplicateForm, OnBehalfForm, StatusForm
from reports.models import (
    ApiKey,
    Category,
    Photo,
    Question,
    Report,
    ResponseTemplate,
    Subscription,
    Update,
)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "code", "text_uk", "text_en", "datatype", "required", "hint", "choices"]


@admin.register(Category)
class CategoryAdmin(VersionedAdminMixin, AccusativeTitlesMixin, admin.ModelAdmin):
    form = VersionedFormMixin
    name_accusative = pgettext_lazy("accusative", "category")
    list_display = [
        "name_uk",
        "name_en",
        "code",
        "group",
        "is_active",
        "is_private",
        "moderate_first",
        "is_coverage_complaint",
        "notify_email",
    ]
    list_filter = ["is_active", "is_private", "moderate_first", "is_coverage_complaint", "group"]
    search_fields = ["name_uk", "name_en", "code"]
    inlines = [QuestionInline]


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 0
    max_num = 0  # photos come from residents, not from the admin
    fields = ["preview", "width", "height", "from_reporter_follow_up", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def preview(self, photo):
        return format_html(
            '<a href="{}"><img src="{}" alt="" style="max-height:120px"></a>',
            photo.image.url,
            photo.thumbnail.url,
        )


class UpdateInline(admin.TabularInline):
    model = Update
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["created_at", "kind", "old_status", "new_status", "note", "is_public", "author"]
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(MapAdmin):
    list_display = [
        "number",
        "category",
        "status",
        "settlement",
        "channel",
        "is_approved",
        "is_hidden",
        "supporters_count",
        "created_at",
    ]
    list_filter = [
        "status", "category", "is_approved", "is_hidden", "channel",
        ("settlement", SettlementFilter),
    ]  # fmt: skip
    search_fields = ["number", "description", "address_text"]
    list_select_related = ["category", "settlement"]
    date_hierarchy = "created_at"
    fields = [
        "number",
        "category",
        "status",
        "duplicate_of",
        "description",
        "address_text",
        "location",
        "settlement",
        "nearest_address",
        "answers",
        "is_approved",
        "is_hidden",
        "is_private",
        "is_verified",
        "channel",
        "supporters_count",
        ("reporter_name", "is_anonymous"),
        ("reporter_email", "reporter_phone"),
        "media_url",
        "created_by",
        ("created_at", "updated_at"),
    ]
    readonly_fields = [
        "number",
        "category",
        "status",
        "is_private",
        "is_verified",
        "duplicate_of",
        "location",
        "settlement",
        "nearest_address",
        "answers",
        "channel",
        "supporters_count",
        "reporter_name",
        "is_anonymous",
        "reporter_email",
        "reporter_phone",
        "media_url",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [PhotoInline, UpdateInline]
    actions = ["status_change", "duplicate_mark", "hide", "show", "approve"]

    # -------------------------------------------------------------- edits go through services
    def save_model(self, request, obj, form, change):
        # The form has already copied its values onto `obj`; services compare with the
        # stored report, so they get a fresh copy.
        stored = Report.objects.get(pk=obj.pk)
        changed = set(form.changed_data)
        if "description" in changed:
            services.report_redact(
                report=stored, description=form.cleaned_data["description"], author=request.user
            )
        if changed & {"is_hidden", "is_approved"}:
            services.report_visibility_set(
                report=stored,
                hidden=form.cleaned_data["is_hidden"],
                approved=form.cleaned_data["is_approved"],
                author=request.user,
            )
        if "address_text" in changed:
            stored.address_text = form.cleaned_data["address_text"]
            stored.save(update_fields=["address_text", "updated_at"])

    def save_formset(self, request, form, formset, change):
        if formset.model is Photo:
            formset.save(commit=False)
            for photo in formset.deleted_objects:
                services.report_photo_remove(photo=photo, author=request.user)
            return
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        for photo in obj.photos.all():
            services.report_photo_remove(photo=photo, author=request.user)
        super().delete_model(request, obj)

    # -------------------------------------------------------------- filing on behalf
    def get_urls(self):
        custom = [
            path(
                "on-behalf/",
                self.admin_site.admin_view(self.on_behalf_view),
                name="reports_report_on_behalf",
            )
        ]
        return custom + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("moderation:intake")

    def on_behalf_view(self, request):
        """File a report for a resident who phoned, came in or wrote on paper."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        categories = list(selectors.categories_active())
        form = OnBehalfForm(request.POST or None, request.FILES or None, categories=categories)
        if request.method == "POST" and form.is_valid():
            report = self._on_behalf_create(request, form)
            if report is not None:
                self.message_user(request, _("Report № %s filed.") % report.number)
                return redirect("admin:reports_report_change", report.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("File a report on behalf of a resident"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "reports/admin/on_behalf.html", context)

    def _on_behalf_create(self, request, form):
        data = form.cleaned_data
        try:
            return services.report_create(
                category_code=data["category"],
                lat=data["lat"],
                lon=data["lon"],
                description=data["description"],
                address_text=data["address"],
                answers=data["answers"] or {},
                photos=services.photo_uploads(data["photos"]),
                reporter=services.Reporter(
                    name=data["name"], email=data["email"], phone=data["phone"]
                ),
                channel=data["channel"],
                created_by=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
            return None

    # -------------------------------------------------------------- actions
    @admin.action(description=_("Change status (with a public note)"), permissions=["change"])
    def status_change(self, request, queryset):
        form = StatusForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            # The life cycle decides (reports.states): one refused report changes none.
            try:
                with transaction.atomic():
                    for report in queryset:
                        services.report_status_change(
                            report=report,
                            status=form.cleaned_data["status"],
                            note=form.cleaned_data["note"],
                            author=request.user,
                        )
            except ApplicationError as exc:
                self.message_user(request, f"№ {report.number}: {exc.message}", messages.ERROR)
                return None
            self.message_user(request, _("Status changed for %d report(s).") % len(queryset))
            return None
        return self._action_page(request, queryset, form, "status_change")

    @admin.action(description=_("Mark as duplicate of another report"), permissions=["change"])
    def duplicate_mark(self, request, queryset):
        form = DuplicateForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            original = Report.objects.filter(number=form.cleaned_data["original"]).first()
            if original is None:
                form.add_error("original", _("No report with this number."))
            else:
                return self._duplicates_mark(request, queryset, original, form)
        return self._action_page(request, queryset, form, "duplicate_mark")

    def _duplicates_mark(self, request, queryset, original, form):
        try:
            with transaction.atomic():
                for report in queryset:
                    services.report_mark_duplicate(
                        report=report,
                        original=original,
                        note=form.cleaned_data["note"],
                        author=request.user,
                    )
        except ApplicationError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return None
        self.message_user(request, _("Marked %d report(s) as duplicates.") % len(queryset))
        return None

    def _action_page(self, request, queryset, form, action):
        context = {
            **self.admin_site.each_context(request),
            "title": self.get_actions(request)[action][2],
            "form": form,
            "reports": queryset,
            "action": action,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "reports/admin/action_form.html", context)

    @admin.action(description=_("Hide from the public"), permissions=["change"])
    def hide(self, request, queryset):
        for report in queryset:
            services.report_visibility_set(report=report, hidden=True, author=request.user)

    @admin.action(description=_("Show to the public"), permissions=["change"])
    def show(self, request, queryset):
        for report in queryset:
            services.report_visibility_set(report=report, hidden=False, author=request.user)

    @admin.action(description=_("Approve (publish after moderation)"), permissions=["change"])
    def approve(self, request, queryset):
        for report in queryset:
            services.report_visibility_set(report=report, approved=True, author=request.user)


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(VersionedAdminMixin, AccusativeTitlesMixin, admin.ModelAdmin):
    """The public texts offered in the moderation workbench for each status."""

    form = VersionedFormMixin

    list_display = ["status", "category", "text_uk"]
    list_filter = ["status", "category"]


@admin.register(Subscription)
class SubscriptionAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    name_accusative = pgettext_lazy("accusative", "subscription")
    list_display = ["email", "settlement", "radius_m", "is_confirmed", "created_at"]
    list_filter = ["is_confirmed", "settlement"]
    search_fields = ["email"]
    readonly_fields = ["email", "centre", "radius_m", "settlement", "is_confirmed", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ApiKey)
class ApiKeyAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    """Staff create keys here; the key is shown once, only its SHA-256 is stored."""

    list_display = ["name", "prefix", "is_active", "reports_per_hour", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    fields = ["name", "is_active", "reports_per_hour", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            key = secrets.token_urlsafe(32)
            obj.key_hash = hashlib.sha256(key.encode()).hexdigest()
            obj.prefix = key[:8]
            self.message_user(
                request,
                _("The new api_key is %s — copy it now; it is not shown again.") % key,
                level=messages.WARNING,
            )
        super().save_model(request, obj, form, change)
