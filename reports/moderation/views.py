"""The moderation workbench (/moderation/) and the staff intake (/moderation/intake/).

Every change goes through reports.services, which check the life cycle and the form's
version under a row lock: a stale form is a 409 page saying so, with nothing written.
"""

import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.errors import ApplicationError, InvalidInput, NotFound
from core.roles import MODERATOR, role_required
from layers.models import Settlement
from reports import selectors as public_selectors
from reports import services
from reports.forms import answers_from_post
from reports.models import Category, Photo, Report, Update
from reports.moderation import forms
from reports.moderation import selectors as mod_selectors
from reports.views import map_config


def _filters(request) -> tuple[forms.QueueFilterForm, mod_selectors.QueueFilter]:
    form = forms.QueueFilterForm(
        request.GET or None,
        categories=Category.objects.order_by("order", "name_uk"),
        settlements=Settlement.objects.order_by("name_uk").defer("boundary"),
    )
    return form, form.queue_filter() if form.is_bound else mod_selectors.QueueFilter()


@require_safe
@role_required(MODERATOR)
def queue(request):
    """/moderation/: the reports to work on, filtered by state, category, village and age."""
    form, filters = _filters(request)
    reports = mod_selectors.moderation_queue(filters)[: mod_selectors.QUEUE_MAX]
    context = {"form": form, "reports": reports, "query": request.GET.urlencode()}
    return render(request, "reports/moderation/queue.html", context)


@require_http_methods(["GET", "POST"])
@role_required(MODERATOR)
def report(request, number):
    """/moderation/<number>/: one report with its map, photos, neighbours and history;
    POST applies one action (a status, a duplicate, hide/show, approve, redact, verify,
    a photo or a comment)."""
    try:
        item = mod_selectors.report_for_moderation(number)
    except NotFound:
        raise Http404(_("No such report.")) from None
    status = 200
    if request.method == "POST":
        try:
            messages.success(request, _act(request, item))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            status = exc.status
        else:
            return redirect(_report_url(number, request.GET.urlencode()))
        item = mod_selectors.report_for_moderation(number)
    return render(
        request, "reports/moderation/report.html", _report_context(request, item), status=status
    )


def _report_url(number: str, query: str) -> str:
    url = reverse("moderation:report", args=[number])
    return f"{url}?{query}" if query else url


def _report_context(request, item) -> dict:
    _form, filters = _filters(request)
    before, after = mod_selectors.queue_neighbours(filters, item.number)
    query = request.GET.urlencode()
    version = {"version": item.version}
    return {
        "report": item,
        "query": query,
        "previous_url": _report_url(before, query) if before else "",
        "next_url": _report_url(after, query) if after else "",
        "queue_url": reverse("moderation:queue") + (f"?{query}" if query else ""),
        "transition_form": forms.TransitionForm(initial=version, report=item),
        "duplicate_form": forms.DuplicateForm(initial=version),
        "reason_form": forms.ReasonForm(initial=version),
        "redact_form": forms.RedactForm(initial={**version, "description": item.description}),
        "candidates": mod_selectors.duplicate_candidates(item),
        "texts": json.dumps(mod_selectors.response_texts(item), ensure_ascii=False),
        "answers": public_selectors.answers_display(item),
        "map_config": map_config(),
    }


def _valid(form) -> dict:
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errs)}"
            for name, errs in form.errors.items()
        ]
        raise InvalidInput("; ".join(problems), code="invalid_form")
    return form.cleaned_data


def _act(request, item) -> str:
    action = request.POST.get("action", "")
    handler = _ACTIONS.get(action)
    if handler is None:
        raise InvalidInput(_("Unknown action."), code="invalid_action")
    # Before the form: a stale form is a conflict even when its choice is no longer offered.
    if action not in {"comment_publish", "comment_delete"}:
        services.report_version_check(item, request.POST.get("version", ""))
    return handler(request, item)


def _act_status(request, item) -> str:
    data = _valid(forms.TransitionForm(request.POST, report=item))
    if data["status"] == forms.KEEP:
        services.report_update_post(
            report=item, note=data["note"], author=request.user, version=data["version"]
        )
        return _("An update is posted on report № %(number)s; it is still “%(status)s”.") % {
            "number": item.number,
            "status": item.get_status_display(),
        }
    note = data["note"] or mod_selectors.response_texts(item).get(data["status"], "")
    services.report_status_change(
        report=item, status=data["status"], note=note, author=request.user, version=data["version"]
    )
    return _("Report № %(number)s is now “%(status)s”.") % {
        "number": item.number,
        "status": item.get_status_display(),
    }


def _act_duplicate(request, item) -> str:
    data = _valid(forms.DuplicateForm(request.POST))
    original = Report.objects.filter(number=data["original"].strip().lstrip("№ ")).first()
    if original is None:
        raise InvalidInput(_("No report with this number."), code="unknown_original")
    note = data["note"] or mod_selectors.response_texts(item).get("duplicate", "")
    services.report_mark_duplicate(
        report=item, original=original, note=note, author=request.user, version=data["version"]
    )
    return _("Report № %(number)s is marked a duplicate of № %(original)s.") % {
        "number": item.number,
        "original": item.duplicate_of.number,
    }


def _visibility(hidden=None, approved=None, done=""):
    def act(request, item) -> str:
        data = _valid(forms.ReasonForm(request.POST))
        services.report_visibility_set(
            report=item,
            hidden=hidden,
            approved=approved,
            author=request.user,
            reason=data["reason"],
            version=data["version"],
        )
        return str(done)

    return act


def _act_redact(request, item) -> str:
    data = _valid(forms.RedactForm(request.POST))
    services.report_redact(
        report=item,
        description=data["description"],
        reason=data["reason"],
        author=request.user,
        version=data["version"],
    )
    return _("The description is saved.")


def _act_verify(request, item) -> str:
    data = _valid(forms.ReasonForm(request.POST))
    services.report_verify(
        report=item, reason=data["reason"], author=request.user, version=data["version"]
    )
    return _("The report is marked verified.")


def _act_photo_remove(request, item) -> str:
    data = _valid(forms.ReasonForm(request.POST))
    photo = Photo.objects.filter(report=item, pk=request.POST.get("photo") or 0).first()
    if photo is None:
        raise InvalidInput(_("No such photo."), code="unknown_photo")
    services.report_lock(item, data["version"])
    services.report_photo_remove(photo=photo, author=request.user, reason=data["reason"])
    return _("The photo is removed.")


def _comment(publish: bool):
    def act(request, item) -> str:
        update = Update.objects.filter(report=item, pk=request.POST.get("update") or 0).first()
        if update is None:
            raise InvalidInput(_("No such comment."), code="unknown_comment")
        services.comment_moderate(update=update, publish=publish, author=request.user)
        return _("The comment is published.") if publish else _("The comment is deleted.")

    return act


_ACTIONS = {
    "status": _act_status,
    "duplicate": _act_duplicate,
    "hide": _visibility(hidden=True, done=_("The report is hidden from the public.")),
    "show": _visibility(hidden=False, done=_("The report is shown to the public.")),
    "approve": _visibility(approved=True, done=_("The report is approved and published.")),
    "redact": _act_redact,
    "verify": _act_verify,
    "photo_remove": _act_photo_remove,
    "comment_publish": _comment(True),
    "comment_delete": _comment(False),
}


@require_http_methods(["GET", "POST"])
@role_required(MODERATOR)
def intake(request):
    """/moderation/intake/: file a report a resident phoned in, brought or wrote."""
    categories = list(public_selectors.categories_active())
    form = forms.IntakeForm(request.POST or None, request.FILES or None, categories=categories)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            filed = _intake_create(request, form.cleaned_data, categories)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
            status = exc.status
        else:
            messages.success(request, _("Report № %s is filed.") % filed.number)
            return redirect("moderation:report", number=filed.number)
    elif request.method == "POST":
        status = 400
    context = {"form": form, "categories": categories, "map_config": map_config()}
    return render(request, "reports/moderation/intake.html", context, status=status)


def _intake_create(request, data, categories) -> Report:
    category = next(c for c in categories if c.code == data["category"])
    return services.report_create(
        answers=answers_from_post(request.POST, category),
        category_code=data["category"],
        lat=data["lat"],
        lon=data["lon"],
        description=data["description"],
        address_text=data["address"],
        photos=services.photo_uploads(data["photos"]),
        reporter=services.Reporter(name=data["name"], email=data["email"], phone=data["phone"]),
        channel=data["channel"],
        created_by=request.user,
    )
