"""HTML pages of the address register: the public browser and the staff verification view."""

import json

from django.shortcuts import render

from addresses import selectors
from core.errors import ApplicationError
from core.names import sorted_by_name
from core.roles import role_required
from layers.basemap.selectors import basemap_browser_url
from layers.models import Settlement


def register_browse(request):
    """Public, read-only: search the register and see the results on a map."""
    q = request.GET.get("q", "").strip()
    settlement = request.GET.get("settlement") or None
    collection, error = {"type": "FeatureCollection", "features": []}, None
    if q:
        try:
            collection = json.loads(
                selectors.address_search_geojson(q=q, settlement=settlement, limit=50)
            )
        except ApplicationError as exc:
            error = exc.message
    context = {
        "q": q,
        "settlement": settlement or "",
        "settlements": sorted_by_name(Settlement.objects.values("katottg", "name_uk", "name_en")),
        "places": [_row(f) for f in collection["features"] if _is_place(f)],
        "rows": [_row(f) for f in collection["features"] if not _is_place(f)],
        "suggestions": collection.get("suggestions", []),
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
    }
    return render(request, "addresses/verification.html", context)
