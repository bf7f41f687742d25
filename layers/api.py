"""JSON endpoints of the base layers under /api/v1/ (GeoJSON built in PostGIS)."""

from typing import Annotated, Literal

from django.db import connection
from django.http import HttpResponse, JsonResponse
from ninja import Field, Query, Router, Schema

from core.errors import ServiceUnavailable, error_response
from layers import selectors

router = Router(tags=["layers"])

GEOJSON = "application/geo+json"
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, description="WGS 84 degrees")]
Longitude = Annotated[
    float, Field(ge=-180, le=180, allow_inf_nan=False, description="WGS 84 degrees")
]
Katottg = Annotated[str, Field(pattern=r"^UA\d{17}$", description="KATOTTG code")]


class FeatureOut(Schema):
    type: Literal["Feature"]
    id: str | int
    geometry: dict | None
    properties: dict


class FeatureCollectionOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[FeatureOut]


class ErrorDetail(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    error: ErrorDetail


class GeometryParam(Schema):
    geometry: Literal["boundary", "centre"] = "boundary"


class FacilityFilter(Schema):
    settlement: Katottg | None = None
    kind: str | None = Field(None, description="Facility kind, e.g. school, library, cnap")
    internet: str | None = Field(None, description="connected, not_connected or unknown")


class LocateParams(Schema):
    lat: Latitude
    lon: Longitude


class PlaceBrief(Schema):
    katottg: str
    name_uk: str
    name_en: str


class NearestBrief(PlaceBrief):
    distance_m: float


class LocateOut(Schema):
    lat: float
    lon: float
    in_territory: bool
    territory: PlaceBrief | None
    settlement: PlaceBrief | None
    nearest: NearestBrief | None


def geojson_media_types(schema: dict) -> dict:
    """Declare `application/geo+json` for the responses that are GeoJSON (their schema is
    a Feature or a FeatureCollection), as `geojson_response` sends them; ninja would say
    `application/json`."""
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                media = content.get("application/json")
                if media and _is_feature_schema(media.get("schema", {})):
                    content[GEOJSON] = content.pop("application/json")
    return schema


def _is_feature_schema(schema: dict) -> bool:
    ref = schema.get("$ref", "")
    return ref.endswith(("/FeatureCollectionOut", "/FeatureOut"))


def geojson_response(text: str) -> HttpResponse:
    return HttpResponse(text, content_type=GEOJSON)


@router.get("/territory/", response={200: FeatureCollectionOut})
def territory(request):
    """The community's territory as a GeoJSON FeatureCollection (EPSG:4326)."""
    return geojson_response(selectors.territory_geojson())


@router.get("/settlements/", response={200: FeatureCollectionOut, 400: ErrorOut})
def settlement_list(request, params: Query[GeometryParam]):
    """Every settlement, with its boundary (default) or its centre point."""
    return geojson_response(selectors.settlement_list_geojson(geometry=params.geometry))


@router.get("/settlements/{katottg}/", response={200: FeatureOut, 400: ErrorOut, 404: ErrorOut})
def settlement_detail(request, katottg: Katottg, params: Query[GeometryParam]):
    """One settlement by its KATOTTG code."""
    return geojson_response(
        selectors.settlement_detail_geojson(katottg=katottg, geometry=params.geometry)
    )


@router.get("/facilities/", response={200: FeatureCollectionOut, 400: ErrorOut, 404: ErrorOut})
def facility_list(request, filters: Query[FacilityFilter]):
    """Municipal facilities, filtered by settlement (KATOTTG), kind and internet status."""
    return geojson_response(selectors.facility_list_geojson(**filters.dict()))


@router.get("/locate", response={200: LocateOut, 400: ErrorOut})
def locate(request, params: Query[LocateParams]):
    """Which territory and settlement contain the point; else the nearest within 2 km."""
    return selectors.location_describe(lat=params.lat, lon=params.lon)


def healthz(request):
    """200 with component versions when the database answers, 503 JSON when not."""
    try:
        versions = selectors.system_versions()
    except Exception:  # noqa: BLE001 — any failure to reach the database means "unhealthy"
        connection.close()
        return error_response(ServiceUnavailable("The database does not answer."))
    return JsonResponse({"status": "ok", "versions": versions})
