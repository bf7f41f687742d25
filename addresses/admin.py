"""Admin of the address register: map widget, history with diff and restore, bulk actions.

Only superusers and members of `address_editors` may change anything; other staff read.
Every save asks why; the reason lands in the history (`history_change_reason`).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from addresses import compute, history, services
from addresses.errors import message_of
from addresses.models import Address, FacilityAddress, Street
from core.errors import ApplicationError
from core.locking import VersionedAdminMixin, VersionedFormMixin
from layers.admin import MapAdmin, SettlementFilter
from layers.models import Settlement


class RegisterPermissions:
    """Staff read the register; superusers and address_editors change it; nobody deletes
    except superusers (addresses are retired, not deleted)."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request, *args):
        return services.can_edit_register(request.user)

    def has_change_permission(self, request, obj=None):
        return services.can_edit_register(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class ReasonForm(VersionedFormMixin, forms.ModelForm):
    """A model form that asks why the register changes, and refuses a stale save."""

    change_reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=100,
        help_text=_("Recorded in the history: why is this added or changed?"),
    )


class AddressForm(ReasonForm):
    allow_outside = forms.BooleanField(
        label=_("Allow a point outside the settlement"), required=False
    )

    class Meta:
        model = Address
        fields = [
            "street", "house_number", "postcode", "location", "building_use", "households",
            "status", "registry_id", "is_demo",
        ]  # fmt: skip

    def clean_house_number(self):
        try:
            return compute.normalize_house_number(self.cleaned_data["house_number"])
        except compute.HouseNumberError as exc:
            raise forms.ValidationError(message_of(exc)) from exc

    def clean(self):
        cleaned = super().clean()
        address = self.instance
        if self.errors or cleaned.get("street") is None:
            return cleaned
        # The instance gets the form's values only after clean(); check them now.
        for name in ("street", "house_number", "location", "status"):
            setattr(address, name, cleaned.get(name))
        address.settlement_id = cleaned["street"].settlement_id
        problems = services.address_problems(
            address, allow_outside=cleaned.get("allow_outside", False)
        )
        clash = services.address_duplicate(address) if "house_number" in problems else None
        if clash is not None:
            # In the admin the other address is a link, not the API's "(id 450)".
            problems["house_number"] = format_html(
                _("An active address {number} on this street already exists: {link}."),
                number=clash.house_number,
                link=format_html(
                    '<a href="{}">{}</a>',
                    reverse("admin:addresses_address_change", args=[clash.pk]),
                    clash.label,
                ),
            )
        for field, message in problems.items():
            self.add_error(field, message)
        return cleaned


class StreetForm(ReasonForm):
    class Meta:
        model = Street
        fields = ["settlement", "kind", "name", "route", "registry_id", "is_demo"]


class FacilityAddressInline(admin.TabularInline):
    model = FacilityAddress
    extra = 0
    autocomplete_fields = ["facility"]
    verbose_name = _("facility at this address")
    verbose_name_plural = _("facilities at this address")


class StreetFilter(admin.RelatedFieldListFilter):
    """The address list's street filter: each street with its village (one query)."""

    def field_choices(self, field, request, model_admin):
        streets = Street.objects.select_related("settlement").order_by(
            "name", "settlement__name_uk"
        )
        return [(street.pk, str(street)) for street in streets]


@admin.register(Street)
class StreetAdmin(RegisterPermissions, VersionedAdminMixin, SimpleHistoryAdmin, MapAdmin):
    name_accusative = pgettext_lazy("accusative", "street")
    form = StreetForm
    list_display = ["name", "kind", "settlement", "has_route", "is_demo"]
    list_filter = [("settlement", SettlementFilter), "kind", "is_demo"]
    search_fields = ["name", "settlement__name_uk"]
    list_select_related = ["settlement"]

    def get_queryset(self, request):
        # A street is named with its village (Street.__str__), here and in the pickers.
        return super().get_queryset(request).select_related("settlement")

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, compute.word_search_text(search_term))

    @admin.display(boolean=True, description=_("route"))
    def has_route(self, obj):
        return obj.route is not None

    def get_historical_record_context_helper(self, request, historical_record):
        return history.ReadableChanges(self.model, historical_record)

    def save_model(self, request, obj, form, change):
        services.street_save(
            street=obj, user=request.user, reason=form.cleaned_data["change_reason"]
        )


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    settlement = forms.ModelChoiceField(
        Settlement.objects.order_by("name_uk"),
        required=False,
        label=_("Settlement"),
        help_text=_("For rows without a settlement column."),
    )
    allow_outside = forms.BooleanField(
        label=_("Allow points outside the settlement"), required=False
    )
    commit = forms.BooleanField(label=_("Commit (write all rows)"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)


class ReasonActionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=100)


@admin.register(Address)
class AddressAdmin(RegisterPermissions, VersionedAdminMixin, SimpleHistoryAdmin, MapAdmin):
    name_accusative = pgettext_lazy("accusative", "address")
    form = AddressForm
    list_display = [
        "__str__", "settlement", "postcode", "building_use", "households", "status", "verified",
    ]  # fmt: skip
    list_filter = [
        ("settlement", SettlementFilter), ("street", StreetFilter), "verified", "status",
        "building_use", "is_demo",
    ]  # fmt: skip
    search_fields = [
        "street__name", "house_number", "settlement__name_uk", "registry_id", "postcode",
    ]  # fmt: skip
    list_select_related = ["street", "settlement"]
    autocomplete_fields = ["street"]
    readonly_fields = ["settlement", "verified", "verified_at", "verified_by"]
    fields = [
        "street", "settlement", "house_number", "postcode", "location", "allow_outside",
        "building_use", "households", "status", "registry_id", "verified", "verified_at",
        "verified_by", "is_demo", "change_reason",
    ]  # fmt: skip
    inlines = [FacilityAddressInline]
    actions = ["mark_verified", "retire"]
    # Methods, so the history lists labels ("чинна", "так"), not codes; the names are the
    # column titles the history template translates.
    history_list_display = ["Status", "Verified"]
    change_list_template = "admin/addresses/address/change_list.html"

    def Status(self, record):  # noqa: N802 — the history column's (translated) title
        return record.get_status_display()

    def Verified(self, record):  # noqa: N802 — the history column's (translated) title
        return _("yes") if record.verified else _("no")

    def get_search_results(self, request, queryset, search_term):
        # "вул. Молодіжна, 90", as the site writes it, finds what "Молодіжна 90" finds.
        return super().get_search_results(request, queryset, compute.word_search_text(search_term))

    def get_historical_record_context_helper(self, request, historical_record):
        """The history's "Changes" column in words: street names, "moved 12 m to the
        north-east", no jitter, no bookkeeping fields."""
        return history.ReadableChanges(self.model, historical_record)

    def save_model(self, request, obj, form, change):
        services.address_save(
            address=obj,
            user=request.user,
            reason=form.cleaned_data["change_reason"],
            allow_outside=form.cleaned_data.get("allow_outside", False),
        )

    @admin.action(description=_("Mark verified"))
    def mark_verified(self, request, queryset):
        count = self._run(request, services.address_mark_verified, addresses=list(queryset))
        if count is not None:
            message = ngettext(
                "%(count)d address marked verified.", "%(count)d addresses marked verified.", count
            )
            self.message_user(request, message % {"count": count})

    @admin.action(description=_("Retire (asks for a reason)"))
    def retire(self, request, queryset):
        form = ReasonActionForm(request.POST if "reason" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Retire addresses"),
                "queryset": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/addresses/address/retire.html", context)
        count = self._run(
            request,
            services.address_retire,
            addresses=list(queryset),
            reason=form.cleaned_data["reason"],
        )
        if count is not None:
            message = ngettext("%(count)d address retired.", "%(count)d addresses retired.", count)
            self.message_user(request, message % {"count": count})
        return None

    def _run(self, request, service, **kwargs):
        try:
            return service(user=request.user, **kwargs)
        except ApplicationError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return None

    # ------------------------------------------------------------------ import upload

    def get_urls(self):
        extra = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="addresses_address_import",
            )
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        """Upload a file (CSV, GeoJSON, GeoPackage, zipped Shapefile): dry run, then commit."""
        if not self.has_change_permission(request):
            raise DjangoPermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            try:
                report = services.address_import_upload(
                    upload=form.cleaned_data["file"],
                    settlement=form.cleaned_data["settlement"],
                    commit=form.cleaned_data["commit"],
                    allow_outside=form.cleaned_data["allow_outside"],
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as exc:
                form.add_error("file", exc.message)
            if report is not None and report.committed:
                self.message_user(request, report.summary())
                return redirect(reverse("admin:addresses_address_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import addresses"),
            "form": form,
            "report": report,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/addresses/address/import.html", context)
