"""HTML pages of the address register: the public browser, the staff verification
overview and the editors' verification workbench (one address at a time on the map)."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from addresses import forms as workbench_forms
from addresses import selectors, services
from addresses.models import Address
from addresses.selectors import workbench as workbench_selectors
from core.errors import ApplicationError, InvalidInput
from core.locking import StaleEdit
from core.names import local_name, sorted_by_name
from core.roles import ADDRESS_EDITOR, role_required
from layers.basemap.selectors import basemap_attribution, basemap_browser_url
from layers.models import Settlement

BROWSE_LIMIT = 50  # results listed and drawn at once; the page says when there are more


def register_browse(request):
    """Public, read-only: search the register and see the results on a map."""
    q = request.GET.get("q", "").strip()
    settlement = request.GET.get("settlement") or None
    collection, error = {"type": "FeatureCollection", "features": []}, None
    if q:
        try:
            collection = json.loads(
                selectors.address_search_geojson(q=q, settlement=settlement, limit=BROWSE_LIMIT + 1)
            )
        except ApplicationError as exc:
            error = exc.message
    # One more than is shown is asked for: whether there are more is then known, not guessed.
    limited = len(collection["features"]) > BROWSE_LIMIT
    collection["features"] = collection["features"][:BROWSE_LIMIT]
    context = {
        "q": q,
        "settlement": settlement or "",
        "settlements": sorted_by_name(Settlement.objects.values("katottg", "name_uk", "name_en")),
        "places": [_row(f) for f in collection["features"] if _is_place(f)],
        "rows": [_row(f) for f in collection["features"] if not _is_place(f)],
        "suggestions": collection.get("suggestions", []),
        "limited": limited,  # more than are shown: the page says so
        "collection": collection,
        "error": error,
        "basemap_url": basemap_browser_url(),
    }
    return render(request, "addresses/browse.html", context, status=400 if error else 200)


def _is_place(feature: dict) -> bool:
    return feature["properties"].get("kind") == "settlement"


def _row(feature: dict) -> dict:
    """A result row: the feature's properties, its id and whether it has a point."""
    return {**feature["properties"], "id": feature["id"], "located": bool(feature["geometry"])}


@role_required("staff")
def verification_overview(request):
    """Staff: per village, verified/unverified/no point/no postcode, and likely problems."""
    context = {
        "villages": selectors.verification_overview(),
        "problems": selectors.address_problems_list(),
        "can_check": services.can_edit_register(request.user),
    }
    return render(request, "addresses/verification.html", context)


# --------------------------------------------------------------------------- workbench

SKIPPED_KEY = "addresses_workbench_skipped"
SKIPPED_MAX = 500


def _skipped(request) -> set[int]:
    return set(request.session.get(SKIPPED_KEY, []))


def _village(request) -> str:
    """The village (KATOTTG) the editor works through, from ?village=; "" for all."""
    return (request.GET.get("village") or "").strip()[:32]


def _with_village(url: str, village: str) -> str:
    return f"{url}?{urlencode({'village': village})}" if village else url


@require_safe
@role_required(ADDRESS_EDITOR)
def workbench_next(request):
    """/addresses/verification/check/: open the next address to check (conflicts first),
    or say that none is left."""
    village = _village(request)
    pk = workbench_selectors.verification_next(settlement=village, skipped=_skipped(request))
    if pk is not None:
        return redirect(_with_village(reverse("addresses:workbench", args=[pk]), village))
    context = {
        "village": village,
        "villages": selectors.verification_overview(),
        "skipped": len(_skipped(request)),
    }
    return render(request, "addresses/workbench_done.html", context)


@require_http_methods(["GET", "POST"])
@role_required(ADDRESS_EDITOR)
def workbench(request, pk):
    """/addresses/verification/check/<id>/: one address on the map; POST confirms, moves,
    renames, rejects or skips it, then the next one opens. A stale page is a 409 page
    with the saved values beside the editor's, whose input stays in the forms."""
    address = get_object_or_404(Address.objects.select_related("street", "settlement"), pk=pk)
    village, bound, status, stale = _village(request), None, 200, False
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "skip":
            request.session[SKIPPED_KEY] = sorted(_skipped(request) | {pk})[-SKIPPED_MAX:]
            return redirect(_with_village(reverse("addresses:workbench_next"), village))
        try:
            messages.success(request, _workbench_act(request, address, action))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            bound, status, stale = (action, request.POST), exc.status, isinstance(exc, StaleEdit)
        else:
            return redirect(_with_village(reverse("addresses:workbench_next"), village))
        address = Address.objects.select_related("street", "settlement").get(pk=pk)
    context = _workbench_context(request, address, village, bound, stale=stale)
    return render(request, "addresses/workbench.html", context, status=status)


def _workbench_act(request, address, action: str) -> str:
    """Apply one action through its service; return the message to show."""
    form_class = workbench_forms.FORMS.get(action)
    if form_class is None:
        raise InvalidInput(_("Unknown action."), code="invalid_action")
    streets = workbench_selectors.streets_of(address.settlement_id)
    kwargs = {"streets": streets} if action == "rename" else {}
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        raise InvalidInput(_form_problems(form), code="invalid_form")
    data = {**form.cleaned_data, "address_id": address.pk, "user": request.user}
    _WORKBENCH_ACTIONS[action][0](**_arguments(action, data))
    return str(_WORKBENCH_ACTIONS[action][1]) % {"address": local_name(address.label)}


_EXTRA_ARGUMENTS = {"move": {"lon", "lat", "allow_outside"}, "rename": {"house_number"}}


def _arguments(action: str, data: dict) -> dict:
    names = {"address_id", "version", "user", "reason"}
    names |= _EXTRA_ARGUMENTS.get(action, set())
    arguments = {name: data[name] for name in names}
    if action == "rename":
        arguments["street_id"] = data["street"]
    return arguments


def _form_problems(form) -> str:
    labels = {name: f"{field.label}: " for name, field in form.fields.items() if field.label}
    return "; ".join(
        labels.get(name, "") + " ".join(errors) for name, errors in form.errors.items()
    )


_WORKBENCH_ACTIONS = {
    "confirm": (services.address_confirm, gettext_lazy("%(address)s is verified.")),
    "move": (services.address_move, gettext_lazy("%(address)s: the new point is saved.")),
    "rename": (services.address_rename, gettext_lazy("The address is corrected and verified.")),
    "reject": (services.address_reject, gettext_lazy("%(address)s is rejected and retired.")),
}


def _workbench_context(request, address, village: str, bound, *, stale: bool) -> dict:
    progress = workbench_selectors.verification_progress(address.settlement_id)
    skipped = _skipped(request) - {address.pk}
    forms = _workbench_forms(address, bound)
    return {
        "address": address,
        "village": village,
        "conflicts": workbench_selectors.address_conflicts(address),
        "progress": progress,
        "left": workbench_selectors.verification_left(settlement=village, skipped=skipped),
        "forms": forms,
        "stale": stale,
        "saved": _saved_values(address) if stale else [],
        "streets": workbench_selectors.streets_of(address.settlement_id),
        "villages": selectors.verification_overview(),
        "next_url": _with_village(reverse("addresses:workbench_next"), village),
        "map_config": {
            "basemap": basemap_browser_url(),
            "attribution": basemap_attribution(),
            "point": [address.location.x, address.location.y] if address.location else None,
            "centre": _centre(address),
        },
    }


def _workbench_forms(address, bound) -> dict:
    """The four action forms at the current version; after a refused POST, the one that
    was sent keeps the editor's input (its version moved to the saved one, so sending it
    again applies it on top of what the other person saved)."""
    version = {"version": address.version}
    initial = {
        "confirm": version,
        "move": {**version, **_lon_lat(address)},
        "rename": {**version, "street": address.street_id, "house_number": address.house_number},
        "reject": version,
    }
    forms = {}
    for action, form_class in workbench_forms.FORMS.items():
        kwargs = {"streets": []} if action == "rename" else {}
        if bound and bound[0] == action:
            data = bound[1].copy()
            data["version"] = address.version
            forms[action] = form_class(data, **kwargs)
        else:
            forms[action] = form_class(initial=initial[action], **kwargs)
    return forms


def _lon_lat(address) -> dict:
    if address.location is None:
        return {}
    return {"lon": round(address.location.x, 7), "lat": round(address.location.y, 7)}


def _centre(address) -> list[float] | None:
    centre = address.settlement.centre
    return [centre.x, centre.y] if centre is not None else None


def _saved_values(address) -> list[tuple[str, str]]:
    """What the other person saved, as the page shows it beside the editor's input."""
    point = address.location
    return [
        (_("Street and number"), f"{address.street.label}, {address.house_number}"),
        (_("Point"), f"{point.y:.6f}, {point.x:.6f}" if point else "—"),
        (_("Status"), address.get_status_display()),
        (_("Verified"), _("yes") if address.verified else _("no")),
    ]
