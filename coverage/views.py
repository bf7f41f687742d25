"""HTML pages: /planning/ (the planners' page) and /coverage/ (public: what can I get here)."""

from datetime import date, datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, NotFound
from core.roles import PLANNER, role_required
from coverage import challenges, charts, selectors, services
from coverage.models import TECHNOLOGY_CHOICES
from coverage.roles import is_planner
from layers.basemap.selectors import basemap_browser_url

KPI_GROUPS = ("any", "fixed", "fibre", "mobile", "wifi")


def _planner_only(request) -> None:
    if not is_planner(request.user):
        raise PermissionDenied


def _kpis(summary: dict) -> list[tuple[str, float | None, str]]:
    groups, villages = summary["territory"]["groups"], summary["villages"]
    return [
        (_("Territory with any internet"), groups["any"]["covered"]["area_pct"], "%"),
        (_("Territory with high-speed internet"), groups["any"]["served"]["area_pct"], "%"),
        (_("Households that can get fibre"), groups["fibre"]["covered"]["households_pct"], "%"),
        (
            _("Households served by fixed broadband"),
            groups["fixed"]["served"]["households_pct"],
            "%",
        ),
        (_("Villages connected"), villages["connected_pct"], "%"),
        (
            _("Facilities on high-speed internet"),
            summary["territory"]["facilities"]["high_speed_pct"],
            "%",
        ),
        (_("Free Wi-Fi zones"), summary["wifi_zones"].get("open"), ""),
    ]


def _charts(settlements: list[dict]) -> dict:
    series, targets = selectors.progress_series()
    return {
        "by_village": charts.coverage_by_village_svg(
            settlements,
            title=_("Households by village, %"),
            labels={"fibre": _("can get fibre"), "served": _("served by fixed broadband")},
        ),
        "progress": charts.progress_svg(series, targets, title=_("Progress against the strategy")),
    }


@role_required(PLANNER)
def planning(request):
    """KPI cards, the village table, charts, the map, downloads and the recompute button."""
    _planner_only(request)
    try:
        summary = selectors.coverage_summary_latest()
        settlements = selectors.coverage_settlements_latest()
    except NotFound:
        return render(
            request,
            "coverage/planning.html",
            {"snapshot": None, "basemap_url": basemap_browser_url()},
        )
    context = {
        "basemap_url": basemap_browser_url(),
        "snapshot": summary,
        # The summary speaks ISO 8601 (it is the API's); the page shows local dates.
        "computed_at": datetime.fromisoformat(summary["computed_at"]),
        "as_of": date.fromisoformat(summary["as_of"]),
        "kpis": _kpis(summary),
        "settlements": settlements["settlements"],
        "priorities": settlements["priorities"][:5],
        "targets": selectors.targets_table(),
        "charts": _charts(settlements["settlements"]),
        "groups": KPI_GROUPS,
        "challenged_areas": challenges.accepted_by_area(),
        "pending_challenges": challenges.pending_count(),
    }
    return render(request, "coverage/planning.html", context)


@role_required(PLANNER)
@require_POST
def recompute(request):
    """Compute a new snapshot now (planners), then back to the page."""
    _planner_only(request)
    try:
        snapshot = services.coverage_compute()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Coverage recomputed in %(ms)s ms.") % {"ms": snapshot.duration_ms}
        )
    return redirect("coverage:planning")


def _complaint_category():
    """The active coverage-complaint category of problem reports with its questions, if any."""
    from reports.models import Category

    return (
        Category.objects.filter(is_coverage_complaint=True, is_active=True)
        .prefetch_related("questions")
        .first()
    )


def _questions(category) -> list[dict]:
    """The category's questions as the complaint form asks them (label in the page's language)."""
    english = (get_language() or "uk").startswith("en")
    return [
        {
            "code": q.code,
            "label": (q.text_en if english and q.text_en else q.text_uk),
            "datatype": q.datatype,
            "required": q.required,
            "choices": q.choices,
        }
        for q in category.questions.all()
    ]


def public(request):
    """What can I get at my address: search or tap, see offers; village and H3 shares only."""
    category = _complaint_category()
    context = {
        "complaint_category": category.code if category else None,
        "questions": _questions(category) if category else [],
        "basemap_url": basemap_browser_url(),
        # Shown in the offers list instead of the codes the API returns.
        "technology_labels": {code: str(label) for code, label in TECHNOLOGY_CHOICES},
    }
    return render(request, "coverage/public.html", context)
