"""HTML pages: the public report map, the new-report form, a report, the private follow
page and e-mail subscriptions. Each view parses, calls one selector/service, renders.
"""

import json
import re

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import ApplicationError, NotFound
from core.http import client_address
from core.names import sorted_by_name
from layers.basemap.selectors import basemap_attribution, basemap_browser_url
from layers.models import Settlement
from reports import selectors, services
from reports.forms import (
    CommentForm,
    FeedbackForm,
    ReportForm,
    SubscriptionForm,
    answers_from_post,
)
from reports.images import PHOTO_MAX_BYTES
from reports.models import OPEN_STATUSES, Status
from reports.people import device_remember, person_key

# Drafts kept offline carry it; raise it when the form's fields change meaning.
FORM_VERSION = "1"


def map_config() -> str:
    """Settings the page scripts need, as JSON for a data attribute."""
    return json.dumps(
        {
            "basemapUrl": basemap_browser_url(),
            "basemapAttribution": basemap_attribution(),
            "statusNames": {code: str(name) for code, name in Status.choices},
            "openStatuses": sorted(OPEN_STATUSES),
            # The "me too" endpoint of a report, its number put in by the page's script.
            "supportUrl": reverse("api:report_support", kwargs={"number": "__number__"}),
            "supportersText": _supporters_texts(),
        },
        ensure_ascii=False,
    )


def _supporters_texts() -> dict:
    """The "me too" count's words for each CLDR plural category the page's script picks
    with Intl.PluralRules ({n} stands for the number); the same words as the report page."""
    examples = {"one": 1, "few": 2, "many": 5, "other": 5}
    return {
        form: ngettext("%(n)s person said “me too”", "%(n)s people said “me too”", number)
        % {"n": "{n}"}
        for form, number in examples.items()
    }


def report_map(request):
    """/map/: every public report on a clustered map, with filters and a legend."""
    context = {
        "categories": selectors.categories_active(),
        "statuses": Status.choices,
        "settlements": sorted_by_name(Settlement.objects.all()),
        "map_config": map_config(),
    }
    return render(request, "reports/map.html", context)


@require_http_methods(["GET", "POST"])
def report_new(request):
    """/reports/new/: file a report; on success go to the private follow page."""
    categories = list(selectors.categories_active())
    form = ReportForm(request.POST or None, request.FILES or None, categories=categories)
    status, refusal = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            report = _report_from_form(request, form, categories)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
            status, refusal = exc.status, exc
        else:
            return redirect(reverse("reports:follow", args=[report.follow_token]) + "?new=1")
    elif request.method == "POST":
        status = 400
    context = {
        "form": form,
        "categories": categories,
        "map_config": map_config(),
        "offline_scope": reverse("reports:new").rsplit("/", 2)[0] + "/",
        "form_version": FORM_VERSION,
        "photo_max_bytes": PHOTO_MAX_BYTES,
    }
    return _retry_after(render(request, "reports/new.html", context, status=status), refusal)


def _retry_after(response, exc):
    """Add Retry-After (seconds) to a page refused by a rate limit (429, TooManyRequests):
    the page keeps the visitor's form and says why; the header says when to try again."""
    seconds = getattr(exc, "retry_after_s", None)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def _report_from_form(request, form, categories):
    data = form.cleaned_data
    category = next(c for c in categories if c.code == data["category"])
    return services.report_create(
        category_code=category.code,
        lat=data["lat"],
        lon=data["lon"],
        description=data["description"],
        address_text=data["address"],
        answers=answers_from_post(request.POST, category),
        photos=services.photo_uploads(data["photos"]),
        reporter=services.Reporter(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            is_anonymous=not data["show_name"],
        ),
        client_ip=client_address(request),
        honeypot=data["website"],
    )


# A public photo may stay in a browser's or proxy's cache this long after it is hidden.
PHOTO_CACHE_S = 600
# The only names reports.models.photo_path / thumbnail_path write.
PHOTO_NAME = re.compile(r"reports/(?:photos|thumbs)/[0-9a-f]{32}\.jpg")


@require_safe
def photo_file(request, rest):
    """/media/reports/{photos,thumbs}/<hex>.jpg: a stored photo of a public report, or of any
    report for staff who may view reports (moderation). Only names the filing service
    writes are served (the URL pattern and an exact match in the database), always as
    JPEG that the browser must not sniff; anything else under reports/ is a 404."""
    name = f"reports/{rest}"
    exact = request.path_info == f"/{settings.MEDIA_URL.strip('/')}/{name}"
    if not (exact and PHOTO_NAME.fullmatch(name)):
        raise Http404(_("No such photo."))
    staff = request.user.is_staff and request.user.has_perm("reports.view_report")
    try:
        photo, public = selectors.photo_for_file(name, include_private=staff)
        field = photo.image if photo.image.name == name else photo.thumbnail
        handle = field.storage.open(field.name, "rb")
    except (NotFound, FileNotFoundError):
        raise Http404(_("No such photo.")) from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = (
        f"public, max-age={PHOTO_CACHE_S}" if public else "private, no-store"
    )
    return response


def report_detail(request, number):
    """/reports/<number>/: status, history, photos and "me too"."""
    try:
        report = selectors.report_public_get(number)
    except NotFound:
        raise Http404(_("No such public report.")) from None
    context = {
        "report": report,
        "reporter_name": selectors.public_reporter_name(report),
        "answers": selectors.answers_display(report),
        "map_config": map_config(),
    }
    return render(request, "reports/detail.html", context)


@require_POST
def report_support(request, number):
    """POST /reports/<number>/support/: "me too", then back to the report."""
    person, new_token = person_key(request)
    try:
        report = selectors.report_public_get(number)
        added = services.report_support(
            report=report, person=person, client_ip=client_address(request)
        )[1]
    except NotFound:
        raise Http404(_("No such public report.")) from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        text = _("Thank you! Your “me too” is counted.") if added else _("You already said so.")
        messages.success(request, text)
    response = redirect("reports:detail", number=number)
    device_remember(response, new_token)
    return response


@require_POST
def report_support_email(request, number):
    """POST /reports/<number>/support/email/: e-mail a link that confirms this address's
    "me too" (counted once per address when its page is confirmed)."""
    try:
        report = selectors.report_public_get(number)
        services.support_email_request(
            report=report,
            email=request.POST.get("email", ""),
            client_ip=client_address(request),
        )
    except NotFound:
        raise Http404(_("No such public report.")) from None
    except ApplicationError as exc:
        page = render(request, "reports/message.html", {"message": exc.message}, status=exc.status)
        return _retry_after(page, exc)
    messages.success(request, _("A letter is on its way: open its link to confirm your “me too”."))
    return redirect("reports:detail", number=number)


@require_http_methods(["GET", "POST"])
def support_email_confirm(request, token):
    """GET shows the report with a button; its POST counts the address's "me too" once
    (mail scanners that follow every link in a letter must not count for the owner)."""
    try:
        if request.method == "POST":
            return _support_email_confirmed(request, token)
        report = services.support_email_report(token=token)[0]
    except ApplicationError as exc:  # a stale or forged link (404) says so in words
        return render(request, "reports/message.html", {"message": exc.message}, status=exc.status)
    return render(request, "reports/support_confirm.html", {"report": report})


def _support_email_confirmed(request, token):
    """Count the address's "me too", linked with this browser (its device cookie, made
    here when missing, or its account): the same person's device "me too" counts once."""
    browser, new_token = person_key(request)
    report, added = services.support_email_confirm(token=token, browser=browser)
    text = _("Thank you! Your “me too” is counted.") if added else _("You already said so.")
    messages.success(request, text)
    response = redirect("reports:detail", number=report.number)
    device_remember(response, new_token)
    return response


# Private (the reporter's e-mail, their comments awaiting moderation): never kept by a
# browser's cache or a shared phone's back button.
@never_cache
@require_http_methods(["GET", "POST"])
def report_follow(request, token):
    """/reports/follow/<token>/: the reporter's private page (comment, photo, feedback)."""
    try:
        report = selectors.report_for_follow(token)
    except NotFound:
        raise Http404(_("This link is not valid.")) from None
    comment_form, feedback_form, status = CommentForm(), FeedbackForm(), 200
    if request.method == "POST":
        status = _follow_post(request, report)
        if status == 200:
            return redirect("reports:follow", token=token)
    context = {
        "report": report,
        "history": selectors.follow_history(report),
        "photos_waiting": selectors.photos_waiting(report),
        "map_config": map_config(),
        "comment_form": comment_form,
        "feedback_form": feedback_form,
        "is_new": request.GET.get("new") == "1",
        # The statuses a report goes through, named as its badge names them.
        "next_statuses": ", ".join(
            str(status.label) for status in (Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.FIXED)
        ),
        "comments_premoderated": services.comments_premoderated(),
        # The link to keep, without "?new=1" (which would thank the reporter again).
        "follow_url": request.build_absolute_uri(request.path),
    }
    return render(request, "reports/follow.html", context, status=status)


def _follow_post(request, report) -> int:
    """Apply the reporter's comment or feedback; return the HTTP status to answer with."""
    try:
        if request.POST.get("action") == "feedback":
            form = FeedbackForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose “fixed” or “not fixed”."))
                return 400
            services.report_feedback(
                report=report, fixed=form.cleaned_data["fixed"], note=form.cleaned_data["note"]
            )
        else:
            form = CommentForm(request.POST, request.FILES)
            if not form.is_valid():
                messages.error(request, _("At most 3 photos."))
                return 400
            services.report_follow_up(
                report=report,
                comment=form.cleaned_data["comment"],
                photos=services.photo_uploads(form.cleaned_data["photos"]),
            )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return exc.status
    messages.success(request, _("Thank you, saved."))
    return 200


@require_http_methods(["GET", "POST"])
def subscribe(request):
    """/reports/subscribe/: e-mail me new reports in a village or near a point."""
    settlements = sorted_by_name(Settlement.objects.all())
    form = SubscriptionForm(
        request.POST or None, settlements=settlements, categories=selectors.categories_active()
    )
    status, refusal = 200, None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.subscription_create(
                email=data["email"],
                settlement_katottg=data["settlement"] or None,
                lat=data["lat"],
                lon=data["lon"],
                radius_m=data["radius_m"],
                category_code=data["category"] or None,
                client_ip=client_address(request),
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
            status, refusal = exc.status, exc
        else:
            messages.success(request, _("Check your e-mail and confirm the subscription."))
            return redirect("reports:subscribe")
    elif request.method == "POST":
        status = 400
    context = {"form": form, "map_config": map_config()}
    return _retry_after(render(request, "reports/subscribe.html", context, status=status), refusal)


@require_http_methods(["GET", "POST"])
def subscribe_confirm(request, token):
    """GET shows what is subscribed with a button; its POST confirms (mail scanners that
    follow every link in a letter must not confirm for the owner)."""
    try:
        if request.method == "POST":
            services.subscription_confirm(token=token)
            return render(
                request, "reports/message.html", {"message": _("Subscription confirmed.")}
            )
        subscription = services.subscription_get(token=token)
    except NotFound:
        raise Http404(_("This link is not valid.")) from None
    return render(request, "reports/subscribe_confirm.html", {"subscription": subscription})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks, POST unsubscribes (mail scanners follow GET links). The POST needs no
    CSRF token: mail programs send it for one-click unsubscribe (RFC 8058), and the
    unguessable token in the URL is the proof."""
    if request.method == "POST":
        try:
            services.subscription_delete(token=token)
        except NotFound:
            raise Http404(_("This link is not valid.")) from None
        return render(request, "reports/message.html", {"message": _("You are unsubscribed.")})
    return render(request, "reports/unsubscribe.html", {"token": token})
