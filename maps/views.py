"""HTML map pages."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ApplicationError
from core.roles import role_required
from maps import builder
from maps.filenames import community_slug
from maps.layers import export_layers
from maps.overview import overview_config
from maps.selectors import territory_bounds

# The product's pages (DESIGN.md §4); a link shows once the page's app serves its path.
SECTIONS = [
    ("/map/", gettext_lazy("Problem reports map"), gettext_lazy("See and file reports")),
    ("/coverage/", gettext_lazy("Internet at my address"), gettext_lazy("What can I get")),
    ("/planning/", gettext_lazy("Coverage planning"), gettext_lazy("Gaps and priorities")),
    ("/addresses/", gettext_lazy("Address register"), gettext_lazy("Streets and houses")),
    ("/maps/print/", gettext_lazy("Printed maps"), gettext_lazy("A4/A3 PDF for the council")),
    (
        "/maps/export.html",
        gettext_lazy("Download the map (HTML)"),
        gettext_lazy("One file that opens offline"),
    ),
]


def _served(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def sections_available() -> list[dict]:
    """Return the product pages whose paths are served, as {url, title, summary}."""
    return [
        {"url": path, "title": title, "summary": summary}
        for path, title, summary in SECTIONS
        if _served(path)
    ]


def landing(request):
    """The landing page: what the service is, an overview map, links to the other pages."""
    context = {"map_config": overview_config(request.user), "sections": sections_available()}
    return render(request, "maps/landing.html", context)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the static icon."""
    return redirect(static("favicon.svg"), permanent=True)


@role_required("staff")
def print_map(request):
    """The print form (GET) and its PDF (POST); bad options show the form again with 400."""
    # Imported here: matplotlib and geopandas take a noticeable time to import.
    from maps import printing
    from maps.printing.forms import PrintForm

    # A link may choose the extent (the planners' page: ?extent=village&village=KATOTTG).
    chosen = {key: request.GET[key] for key in ("extent", "village") if key in request.GET}
    form = PrintForm(request.POST or None, user=request.user, initial=chosen)
    if request.method == "POST" and form.is_valid():
        try:
            pdf = printing.map_pdf(form.cleaned_data["options"], request.user)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = 'attachment; filename="map.pdf"'
            return response
    status = 400 if request.method == "POST" else 200
    return render(request, "maps/print_form.html", {"form": form}, status=status)


def export_map(request):
    """The community's map as one self-contained HTML file, to download and open offline."""
    title = _("Map of the community")
    m = builder.map_build(export_layers(request.user), title=title, bounds=territory_bounds())
    response = HttpResponse(builder.map_html(m), content_type="text/html; charset=utf-8")
    name = f"{community_slug()}-map-{timezone.localdate():%Y-%m-%d}.html"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
