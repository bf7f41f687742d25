"""JSON endpoints of the coverage app under /api/v1/coverage/.

GET endpoints read the current snapshot; they never compute coverage. Writes and the
address-level endpoints are for the `planners` group.
"""

from datetime import date
from typing import Annotated, Literal

from django.contrib.gis.geos import Point
from django.http import HttpResponse, StreamingHttpResponse
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from core.errors import PermissionDenied
from coverage import challenges, selectors, services
from coverage.compute import HOTSPOT_MAX_RADIUS_M, WIFI_SITES_MAX_K
from coverage.roles import is_planner
from layers.api import ErrorOut, FeatureCollectionOut, Latitude, Longitude, geojson_response

router = Router(tags=["coverage"])

Tier = Literal["served", "underserved", "covered"]
Mbps = Annotated[int, Field(ge=0, le=100_000)]
Radius = Annotated[float, Field(gt=0, le=HOTSPOT_MAX_RADIUS_M, allow_inf_nan=False)]
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def require_planner(request) -> None:
    """Raise PermissionDenied unless the signed-in user is a planner."""
    if not is_planner(request.user):
        raise PermissionDenied("Only planners may do this.")


class GapParams(Schema):
    tier: Tier = "served"
    group: Literal["any", "fixed", "fibre", "mobile", "wifi"] = "any"
    format: Literal["geojson", "gpkg"] = "geojson"


class AreaFilter(Schema):
    provider: str | None = None
    technology: str | None = None


class AreaIn(Schema):
    provider: str = Field(description="provider name")
    technology: str = Field(description="fibre, dsl, cable, fixed_wireless, 3g, 4g, 5g, wifi")
    down_mbps: Mbps
    up_mbps: Mbps
    source: str = "provider_map"
    valid_from: date | None = None
    valid_to: date | None = None
    note: str = Field("", max_length=300)
    geometry: dict = Field(description="GeoJSON Polygon or MultiPolygon, EPSG:4326")


class AreaOut(Schema):
    id: int
    warnings: list[str]


class HotspotIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    provider: str
    lon: Longitude
    lat: Latitude
    radius_m: float = Field(description="metres, 1 to 2000")
    facility_id: int | None = None
    opened_on: date | None = None
    down_mbps: Mbps = 100
    up_mbps: Mbps = 20


class HotspotOut(Schema):
    id: int


class WifiSitesParams(Schema):
    k: int = Field(3, description=f"how many sites, 1 to {WIFI_SITES_MAX_K}")
    radius_m: float = Field(100, description="reach of one zone, metres (up to 5000)")
    include_served: bool = Field(
        False, description="also facilities already inside served fixed broadband"
    )


class WifiSitesIn(WifiSitesParams):
    points: list[tuple[Longitude, Latitude]] = Field(min_length=1, max_length=500)


@router.get("/summary/", response={200: dict, 404: ErrorOut})
def summary(request):
    """The territory's coverage shares by technology group and speed tier (current snapshot)."""
    return selectors.coverage_summary_latest()


@router.get("/settlements/", response={200: dict, 404: ErrorOut})
def settlements(request):
    """Every village's shares and the priority list (current snapshot)."""
    return selectors.coverage_settlements_latest()


@router.get("/gaps/", response={200: FeatureCollectionOut, **ERRORS}, auth=django_auth)
def gaps(request, params: Query[GapParams]):
    """The territory not reached by coverage of technology `group` (default any) of at least
    `tier`: GeoJSON or GeoPackage. A pair not among compute.GAP_CHOICES: 400."""
    require_planner(request)
    if params.format == "gpkg":
        response = HttpResponse(
            selectors.gaps_gpkg(tier=params.tier, group=params.group),
            content_type="application/geopackage+sqlite3",
        )
        group = "" if params.group == "any" else f"{params.group}-"
        name = f"gaps-{group}{params.tier}.gpkg"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return geojson_response(selectors.gaps_geojson(tier=params.tier, group=params.group))


@router.get("/unserved-addresses/", response={200: str, **ERRORS}, auth=django_auth)
def unserved_addresses(request):
    """CSV of the addresses below the underserved tier (planners only)."""
    require_planner(request)
    selectors.snapshot_current()
    response = StreamingHttpResponse(
        selectors.unserved_addresses_csv(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="unserved-addresses.csv"'
    return response


@router.get("/areas/", response={200: FeatureCollectionOut, 400: ErrorOut})
def area_list(request, filters: Query[AreaFilter]):
    """Coverage areas as GeoJSON, optionally of one provider or technology."""
    return geojson_response(selectors.areas_geojson(**filters.dict()))


@router.post("/areas/", response={201: AreaOut, **ERRORS}, auth=django_auth)
def area_create(request, payload: AreaIn):
    """Add a coverage area (planners). Invalid geometry or unknown values: 400."""
    require_planner(request)
    area, warnings = services.area_create(data=services.AreaInput(**payload.dict()))
    return 201, {"id": area.pk, "warnings": warnings}


@router.get("/areas/{int:area_id}/", response={200: dict, 404: ErrorOut})
def area_detail(request, area_id: int):
    """One coverage area as a GeoJSON Feature."""
    return geojson_response(selectors.area_feature_geojson(area_id))


@router.put("/areas/{int:area_id}/", response={200: AreaOut, **ERRORS}, auth=django_auth)
def area_update(request, area_id: int, payload: AreaIn):
    """Replace a coverage area (planners)."""
    require_planner(request)
    area, warnings = services.area_update(
        area_id=area_id, data=services.AreaInput(**payload.dict())
    )
    return {"id": area.pk, "warnings": warnings}


@router.delete("/areas/{int:area_id}/", response={204: None, **ERRORS}, auth=django_auth)
def area_delete(request, area_id: int):
    """Delete a coverage area (planners)."""
    require_planner(request)
    services.area_delete(area_id=area_id)
    return 204, None


@router.get("/hotspots/", response={200: FeatureCollectionOut})
def hotspot_list(request):
    """Free Wi-Fi hotspots as GeoJSON points."""
    return geojson_response(selectors.hotspots_geojson())


@router.post("/hotspots/", response={201: HotspotOut, **ERRORS}, auth=django_auth)
def hotspot_create(request, payload: HotspotIn):
    """Add (or replace, by name) a Free Wi-Fi hotspot; its area is a metric buffer."""
    require_planner(request)
    data = payload.dict()
    location = Point(data.pop("lon"), data.pop("lat"), srid=4326)
    hotspot = services.hotspot_save(location=location, **data)
    return 201, {"id": hotspot.pk}


@router.get("/wifi-sites/", response={200: dict, **ERRORS}, auth=django_auth)
def wifi_sites(request, params: Query[WifiSitesParams]):
    """Up to k facilities where a new Free Wi-Fi zone newly reaches the most households."""
    require_planner(request)
    return selectors.wifi_sites_suggest(
        k=params.k, radius_m=params.radius_m, include_served=params.include_served
    )


@router.post("/wifi-sites/", response={200: dict, **ERRORS}, auth=django_auth)
def wifi_sites_points(request, payload: WifiSitesIn):
    """The same choice among posted candidate points [[lon, lat], …]."""
    require_planner(request)
    return selectors.wifi_sites_suggest(
        k=payload.k, radius_m=payload.radius_m, points=[tuple(p) for p in payload.points]
    )


class PointParams(Schema):
    lat: Latitude
    lon: Longitude


@router.get("/at/", response={200: dict, 400: ErrorOut})
def coverage_at(request, params: Query[PointParams]):
    """Which providers and technologies reach a point today, and its tier."""
    return selectors.coverage_at(lat=params.lat, lon=params.lon)


@router.get("/targets/", response={200: list[dict]})
def targets(request):
    """The strategy's targets beside the actual values of each year's snapshot."""
    return selectors.targets_table()


# --- coverage challenges (planners) ---------------------------------------------------------

ChallengeStatus = Literal["pending", "accepted", "rejected"]


class ChallengeFilter(Schema):
    status: ChallengeStatus | None = None


class DecisionIn(Schema):
    decision: Literal["accept", "reject"]
    note: str = Field("", max_length=300)


class DecisionOut(Schema):
    id: int
    status: str
    area_ids: list[int]


@router.get("/challenges/", response={200: FeatureCollectionOut, **ERRORS}, auth=django_auth)
def challenge_list(request, filters: Query[ChallengeFilter]):
    """Coverage challenges (from "no signal here" reports) as GeoJSON points (planners)."""
    require_planner(request)
    return geojson_response(challenges.challenges_geojson(status=filters.status))


@router.get("/challenges/by-area/", response={200: list[dict], **ERRORS}, auth=django_auth)
def challenges_by_area(request):
    """Accepted challenges listed against the coverage areas they contradict (planners)."""
    require_planner(request)
    return challenges.accepted_by_area()


@router.post(
    "/challenges/{int:challenge_id}/decision/",
    response={200: DecisionOut, **ERRORS},
    auth=django_auth,
)
def challenge_decision(request, challenge_id: int, payload: DecisionIn):
    """Accept or reject a pending challenge (planners); 409 when already decided."""
    require_planner(request)
    challenge = challenges.challenge_decide(
        challenge_id=challenge_id, decision=payload.decision, user=request.user, note=payload.note
    )
    area_ids = sorted(challenge.areas.values_list("id", flat=True))
    return {"id": challenge.pk, "status": challenge.status, "area_ids": area_ids}


@router.get(
    "/areas/{int:area_id}/challenges/", response={200: list[dict], **ERRORS}, auth=django_auth
)
def area_challenge_list(request, area_id: int, filters: Query[ChallengeFilter]):
    """The challenges held against one coverage area (planners)."""
    require_planner(request)
    return challenges.area_challenges(area_id=area_id, status=filters.status)


# --- public aggregates ----------------------------------------------------------------------


@router.get("/hexagons/", response={200: FeatureCollectionOut, 404: ErrorOut})
def hexagon_list(request):
    """Coverage shares by H3 hexagon (resolution 8) of the current snapshot: aggregates only."""
    return geojson_response(selectors.hexagons_geojson())
