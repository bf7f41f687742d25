"""HTML map pages."""

from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, InvalidInput, error_response
from core.roles import PLANNER, allowed, role_required
from maps import builder, selectors, services
from maps.filenames import community_slug, pack_filename, print_filename
from maps.layers import export_layers
from maps.overview import overview_config
from maps.selectors import territory_bounds, village_bounds

# The product's pages (DESIGN.md §4) and who may use them (no roles: everyone); a link
# shows once the page's app serves its path, and only to whoever may open it (a resident
# was offered "Coverage planning" and "Printed maps", which ask staff to sign in).
SECTIONS = [
    ("/map/", gettext_lazy("Problem reports map"), gettext_lazy("See and file reports"), ()),
    ("/coverage/", gettext_lazy("Internet at my address"), gettext_lazy("What can I get"), ()),
    (
        "/planning/",
        gettext_lazy("Coverage planning"),
        gettext_lazy("Gaps and priorities"),
        (PLANNER,),
    ),
    ("/addresses/", gettext_lazy("Address register"), gettext_lazy("Streets and houses"), ()),
    (
        "/maps/print/",
        gettext_lazy("Printed maps"),
        gettext_lazy("A4/A3 PDF for the council"),
        ("staff",),
    ),
    (
        "/maps/export.html",
        gettext_lazy("Download the map (HTML)"),
        gettext_lazy("One file that opens offline"),
        (),
    ),
]


def _served(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def sections_available(user=None) -> list[dict]:
    """Return the product pages whose paths are served and that `user` (None: anonymous)
    may open, as {url, title, summary}."""
    return [
        {"url": path, "title": title, "summary": summary}
        for path, title, summary, roles in SECTIONS
        if _served(path) and (not roles or allowed(user, roles))
    ]


def landing(request):
    """The landing page: what the service is, an overview map, links to the other pages."""
    context = {
        "map_config": overview_config(request.user),
        "sections": sections_available(request.user),
    }
    return render(request, "maps/landing.html", context)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the static icon."""
    return redirect(static("favicon.svg"), permanent=True)


def _print_form(request, data=None):
    from maps.printing.forms import PrintForm  # matplotlib and geopandas: slow to import

    # A link may choose the sheet (the planners' page: ?extent=village&village=KATOTTG).
    chosen = {key: request.GET[key] for key in ("extent", "village") if key in request.GET}
    return PrintForm(data, user=request.user, initial=chosen)


def _preview_query(data) -> str:
    """The form's fields as a query string for preview.png (without the CSRF token)."""
    query = data.copy()
    for key in ("csrfmiddlewaretoken", "action"):
        query.pop(key, None)
    return query.urlencode()


def _print_page(request, form, *, preview: str = "", status: int = 200):
    context = {
        "form": form,
        "preview": preview,
        "village_bounds": village_bounds(),
        "map_config": overview_config(request.user),
        "pack_papers": ["A4", "A3"],
    }
    return render(request, "maps/print_form.html", context, status=status)


@role_required("staff")
def print_map(request):
    """The print layout page (GET), its preview (POST action=preview) and its PDF (POST);
    bad options show the page again with their messages and 400."""
    from maps import printing

    if request.method != "POST":
        return _print_page(request, _print_form(request))
    form = _print_form(request, request.POST)
    if not form.is_valid():
        return _print_page(request, form, status=400)
    try:
        options = printing.sheet_check(form.cleaned_data["options"], request.user)
        if request.POST.get("action") == "preview":
            return _print_page(request, form, preview=_preview_query(request.POST))
        pdf = printing.map_pdf(options, request.user)
        name = print_filename(printing.sheet_place(options), options.paper, options.orientation)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return _print_page(request, form, status=400)
    return _attachment(pdf, name)


def _attachment(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _default_query(request) -> QueryDict:
    """The print page's own defaults as a query (the whole community, A4, the default
    layers): preview.png without options previews what the page first offers."""
    query = QueryDict(mutable=True)
    for key, value in _print_form(request).initial.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


@role_required("staff")
def print_preview(request):
    """The page as a PNG at low resolution, drawn by the print code; 400 JSON when the
    options are wrong."""
    from maps import printing

    form = _print_form(request, request.GET or _default_query(request))
    if not form.is_valid():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return error_response(InvalidInput(message, code="invalid_print_option"))
    try:
        png = printing.map_png(form.cleaned_data["options"], request.user)
    except ApplicationError as exc:
        return error_response(exc)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


def _job_json(job) -> dict:
    return {
        "id": str(job.pk),
        "status": job.status,
        "pages_done": job.pages_done,
        "pages_total": job.pages_total,
        "error": job.error,
        "status_url": reverse("maps:pack-status", args=[job.pk]),
        "download_url": reverse("maps:pack-download", args=[job.pk])
        if job.status == job.Status.DONE
        else None,
        "filename": pack_filename(job.map_date),
    }


@role_required("staff")  # first: an anonymous visitor is sent to sign in, not told 405
@require_POST
def pack_start(request):
    """Start the council pack (or join the one already being made): 202 JSON of the job."""
    try:
        job = services.pack_job_start(request.user, paper=request.POST.get("paper", "A4"))
    except ApplicationError as exc:
        return error_response(exc)
    return JsonResponse(_job_json(job), status=202)


@role_required("staff")
def pack_status(request, job_id):
    """The job's progress as JSON (pages done of total), polled by the page."""
    try:
        return JsonResponse(_job_json(selectors.pack_job_for(request.user, job_id)))
    except ApplicationError as exc:
        return error_response(exc)


@role_required("staff")
def pack_download(request, job_id):
    """The finished pack as an attachment named by its date; 404 JSON before it is done."""
    try:
        job = selectors.pack_job_for(request.user, job_id)
        pdf = selectors.pack_pdf(job)
    except ApplicationError as exc:
        return error_response(exc)
    return _attachment(pdf, pack_filename(job.map_date))


def export_map(request):
    """The community's map as one self-contained HTML file, to download and open offline."""
    title = _("Map of the community")
    m = builder.map_build(export_layers(request.user), title=title, bounds=territory_bounds())
    response = HttpResponse(builder.map_html(m), content_type="text/html; charset=utf-8")
    name = f"{community_slug()}-map-{timezone.localdate():%Y-%m-%d}.html"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
