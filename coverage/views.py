"""HTML pages: /planning/ (the planners' page) and /coverage/ (public: what can I get here)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.names import local_name, sorted_by_name
from core.roles import PLANNER, role_required
from core.translit import to_latin
from coverage import challenges, charts, exports, selectors, services
from coverage.forms import WifiSitesForm
from coverage.models import TECHNOLOGY_CHOICES
from coverage.roles import is_planner
from coverage.selectors import planning as planning_selectors
from layers.basemap.selectors import basemap_browser_url

# A page stays readable (and quick) for a raion or an oblast: the neediest villages are
# shown, every village is in the downloads.
CHART_VILLAGES = 25
TABLE_VILLAGES = 100
PLAN_ROWS = 20
KPI_GROUPS = ("any", "fixed", "fibre", "mobile", "wifi")
# Pending coverage challenges listed to decide, oldest first.
PENDING_SHOWN = 20


def _planner_only(request) -> None:
    if not is_planner(request.user):
        raise PermissionDenied


def _english() -> bool:
    return (get_language() or "uk").startswith("en")


def _current():
    return selectors.snapshot_current_read()


def _chart_labels() -> dict:
    return {
        "served": _("served by fixed broadband"),
        "fibre": _("can get fibre"),
        "threshold": _("connected from %(pct)s%%") % {"pct": _threshold_pct()},
    }


def _threshold_pct() -> int:
    return round(100 * settings.COVERAGE_VILLAGE_CONNECTED_SHARE)


def _charts(snapshot) -> dict:
    series, targets = selectors.progress_series(current=snapshot)
    all_rows = charts.village_rows(snapshot.results["settlements"], english=_english())
    rows = all_rows[:CHART_VILLAGES]
    return {
        "by_village": charts.coverage_by_village_svg(
            rows,
            title=_("Households served by village, neediest first"),
            labels=_chart_labels(),
            threshold=_threshold_pct(),
        ),
        "by_village_rows": all_rows,
        "by_village_shown": len(rows),
        "progress": charts.progress_svg(
            series,
            targets,
            title=_("Progress against the strategy"),
            target_label=_("dashed: the strategy's target"),
        ),
        "progress_rows": charts.progress_rows(series, targets),
    }


def _wifi_sites(request) -> tuple[WifiSitesForm, dict | None]:
    """The suggestion form; its sites once asked for (GET with `k`)."""
    if "k" not in request.GET:
        return WifiSitesForm(), None
    form = WifiSitesForm(request.GET)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, _whole_households(
        selectors.wifi_sites_suggest(
            k=data["k"], radius_m=data["radius_m"], include_served=data["include_served"]
        )
    )


def _neediest(settlements: list[dict], n: int) -> list[dict]:
    """The n villages with the most households without fixed broadband (all if fewer)."""
    if len(settlements) <= n:
        return settlements
    return sorted(settlements, key=lambda s: -(s.get("households_unserved_fixed") or 0))[:n]


def _named(settlements: list[dict]) -> list[dict]:
    """The villages with their name in the page's language, in its alphabetical order."""
    return sorted_by_name([{**s, "name": local_name(s)} for s in settlements])


def _whole_households(sites: dict | None) -> dict | None:
    """Households as whole numbers, for the plural forms of the sentences that count them."""
    for site in (sites or {}).get("sites", []):
        site["households_added"] = round(site["households_added"])
        site["households_total"] = round(site["households_total"])
    _latin_names((sites or {}).get("sites", []))
    return sites


def _latin_names(rows, key: str = "name"):
    """Facility names as people wrote them, in the official transliteration on English pages."""
    if _english():
        for row in rows:
            row[key] = to_latin(row[key])
    return rows


DEFAULT_GAP = "any-served"


def _gap_figures(choice: dict) -> dict:
    """A gap's figures as the page shows them (the switch swaps these texts): km² to one
    decimal, counts whole, "—" when unknown, in the language's number format."""

    def shown(value, digits=0):
        return (
            "—"
            if value is None
            else number_format(round(value, digits), digits, force_grouping=True)
        )

    return {
        "area_km2": shown(choice["area_km2"], 1),
        "addresses": shown(choice["addresses"]),
        "households": shown(choice["households"]),
        "population": shown(choice["population"]),
    }


def _gap_switch(request, results: dict) -> dict:
    """The gap choices with their figures and the one asked for (`?gap=group-tier`; an
    unknown value falls back to the default, as a stale shared link should)."""
    choices = [{**c, "shown": _gap_figures(c)} for c in planning_selectors.gap_choices(results)]
    keys = {c["key"] for c in choices}
    chosen = request.GET.get("gap", DEFAULT_GAP)
    return {"choices": choices, "chosen": chosen if chosen in keys else DEFAULT_GAP}


def _village(request, results: dict) -> dict | None:
    katottg = request.GET.get("village", "")
    village = planning_selectors.village_detail(results, katottg) if katottg else None
    if village:
        _latin_names(village["facility_rows"])
    return village


@role_required(PLANNER)
def planning(request):
    """The planners' questions: how far from the targets, what to connect next, one village,
    where the gaps are; charts, downloads and the recompute button."""
    _planner_only(request)
    snapshot = _current()
    if snapshot is None:
        return render(
            request,
            "coverage/planning.html",
            {"snapshot": None, "basemap_url": basemap_browser_url()},
        )
    results = snapshot.results
    form, sites = _wifi_sites(request)
    context = {
        "basemap_url": basemap_browser_url(),
        "snapshot": snapshot,
        "results": results,
        "cards": planning_selectors.indicator_cards(
            snapshot, selectors.targets_table(current=snapshot)
        ),
        "settlements": _named(_neediest(results["settlements"], TABLE_VILLAGES)),
        "settlements_total": len(results["settlements"]),
        "plan_rows_shown": PLAN_ROWS,
        "duration_s": round(snapshot.duration_ms / 1000, 1),
        # "0 minutes ago" reads as a fault: under a minute, the page says "just now".
        "computed_just_now": timezone.now() - snapshot.computed_at < timedelta(minutes=1),
        "plan": planning_selectors.connection_plan(results),
        "village": _village(request, results),
        "charts": _charts(snapshot),
        "rows_shown": TABLE_VILLAGES,
        "wifi_form": form,
        "sites": sites,
        "challenged_areas": challenges.accepted_by_area(),
        "pending_challenges": challenges.pending_count(),
        "pending_rows": challenges.pending_rows(PENDING_SHOWN),
        "english": _english(),
        "provider_names": selectors.provider_names_local(),
        "gaps": _gap_switch(request, results),
        "draw": _draw_choices(),
    }
    return render(request, "coverage/planning.html", context)


def _draw_choices() -> dict:
    """The choices of the drawing panel (planning-draw.js): providers and technologies."""
    from coverage.models import Provider

    local = selectors.provider_names_local()
    names = Provider.objects.values_list("name", flat=True)
    providers = sorted(((n, local.get(n, n)) for n in names), key=lambda p: p[1].casefold())
    return {"providers": providers, "technologies": TECHNOLOGY_CHOICES}


def _attachment(body, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(PLANNER)
def plan_download(request, fmt: str):
    """The connection plan as CSV or an Excel workbook, for a grant application."""
    _planner_only(request)
    snapshot = _current()
    if snapshot is None:
        raise Http404
    plan = planning_selectors.connection_plan(snapshot.results)
    headers = planning_selectors.plan_headers()
    rows = planning_selectors.plan_table(plan, english=_english())
    name = exports.filename("connection-plan", fmt, snapshot)
    if fmt == "xlsx":
        body = exports.xlsx_bytes(_("Connection plan"), headers, rows)
        return _attachment(body, exports.XLSX, name)
    return _attachment(exports.csv_text(headers, rows), exports.CSV, name)


@role_required(PLANNER)
def chart_csv(request, chart: str):
    """A chart's numbers as CSV."""
    _planner_only(request)
    snapshot = _current()
    if snapshot is None:
        raise Http404
    numbers = _charts(snapshot)
    if chart == "villages":
        headers, rows = exports.village_chart_table(numbers["by_village_rows"])
    else:
        headers, rows = exports.progress_chart_table(numbers["progress_rows"])
    name = exports.filename(f"chart-{chart}", "csv", snapshot)
    return _attachment(exports.csv_text(headers, rows), exports.CSV, name)


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


# What the planners' page says when a decision is refused, by the service's error code
# (its own messages are English, for the API).
DECISION_REFUSALS = {
    "invalid_decision": _lazy("Choose “Accept” or “Reject”."),
    "already_decided": _lazy("This challenge was already decided; nothing was changed."),
    "not_found": _lazy("This challenge no longer exists."),
}


@role_required(PLANNER)
@require_POST
def challenge_decision(request, challenge_id: int):
    """Accept or reject a pending coverage challenge from the planners' page (planners),
    then back to its list with what was done."""
    _planner_only(request)
    decision, note = request.POST.get("decision", ""), request.POST.get("note", "")
    if len(note.strip()) > challenges.NOTE_MAX_CHARS:
        messages.error(
            request,
            _("The note may be at most %(n)d characters; nothing was changed.")
            % {"n": challenges.NOTE_MAX_CHARS},
        )
        return redirect(_challenges_anchor())
    try:
        challenge = challenges.challenge_decide(
            challenge_id=challenge_id, decision=decision, user=request.user, note=note
        )
    except ApplicationError as exc:
        messages.error(request, DECISION_REFUSALS.get(exc.code, exc.message))
    else:
        done = _("Accepted") if decision == "accept" else _("Rejected")
        messages.success(
            request,
            _("%(done)s: the challenge of report № %(number)s.")
            % {"done": done, "number": challenge.report.number},
        )
    return redirect(_challenges_anchor())


def _challenges_anchor() -> str:
    from django.urls import reverse

    return reverse("coverage:planning") + "#challenges"


def _complaint_category():
    """The active coverage-complaint category of problem reports with its questions, if any."""
    from reports.models import Category

    return (
        Category.objects.filter(is_coverage_complaint=True, is_active=True)
        .prefetch_related("questions")
        .first()
    )


# The answers a coverage complaint asks for, by key, for a choice stored without an English
# name (the category's choices carry only the Ukrainian "name" unless given "name_en").
COMPLAINT_CHOICES = {
    "voice": _lazy("mobile calls"),
    "mobile_data": _lazy("mobile internet"),
    "fixed": _lazy("home internet"),
    "other": _lazy("other"),
}


def _choice_name(choice: dict, english: bool) -> str:
    """A choice's name in the page's language: its own English name, the coverage app's
    words for a known key, else the official transliteration (operators' names)."""
    if not english:
        return choice["name"]
    if choice.get("name_en"):
        return choice["name_en"]
    known = COMPLAINT_CHOICES.get(str(choice["key"]))
    return str(known) if known else local_name(choice["name"])


def _questions(category) -> list[dict]:
    """The category's questions as the complaint form asks them (label in the page's language)."""
    english = _english()
    return [
        {
            "code": q.code,
            "label": (q.text_en if english and q.text_en else q.text_uk),
            "datatype": q.datatype,
            "required": q.required,
            "choices": [{**c, "name": _choice_name(c, english)} for c in q.choices],
        }
        for q in category.questions.all()
    ]


def public(request):
    """What can I get at my address: search or tap, see offers; village and H3 shares only."""
    category = _complaint_category()
    context = {
        "villages": selectors.village_shares_current(),
        "complaint_category": category.code if category else None,
        "questions": _questions(category) if category else [],
        "basemap_url": basemap_browser_url(),
        # Shown in the offers list instead of the codes the API returns.
        "technology_labels": {code: str(label) for code, label in TECHNOLOGY_CHOICES},
        "provider_names": selectors.provider_names_local(),
    }
    return render(request, "coverage/public.html", context)
