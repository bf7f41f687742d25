"""Address search and geocoding under /api/v1/addresses/ (GeoJSON built in PostGIS)."""

from typing import Annotated, Literal

from django.http import JsonResponse
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from addresses import selectors, services
from core import locking
from core.errors import NotFound
from layers.api import (
    ErrorOut,
    FeatureCollectionOut,
    FeatureOut,
    Katottg,
    Latitude,
    Longitude,
    geojson_response,
)

router = Router(tags=["addresses"])

SearchText = Annotated[
    str,
    Field(
        min_length=1,
        max_length=selectors.MAX_QUERY_LENGTH,
        description="Settlement, street (with or without its kind) and house number",
    ),
]


class SearchParams(Schema):
    q: SearchText
    settlement: Katottg | None = None
    limit: int = Field(20, ge=1, le=100)


class GeocodeParams(SearchParams):
    limit: int = Field(5, ge=1, le=20)


class ReverseParams(Schema):
    lat: Latitude
    lon: Longitude
    or_none: bool = Field(
        False, description="Answer 200 with null instead of 404 when no address is near"
    )


@router.get("/", response={200: FeatureCollectionOut, 400: ErrorOut, 404: ErrorOut})
def address_search(request, params: Query[SearchParams]):
    """Active addresses matching `q` (typo-tolerant), best first, each with its `score`."""
    return geojson_response(selectors.address_search_geojson(**params.dict()))


@router.get("/geocode", response={200: FeatureCollectionOut, 400: ErrorOut, 404: ErrorOut})
def address_geocode(request, params: Query[GeocodeParams]):
    """Candidate points for an address text, ranked by `score` (0..1)."""
    return geojson_response(selectors.address_geocode_geojson(**params.dict()))


class AddressChange(Schema):
    house_number: str | None = Field(None, max_length=20)
    postcode: str | None = Field(None, max_length=5)
    building_use: Literal["residential", "non_residential", "mixed"] | None = None
    households: int | None = Field(None, ge=0, le=100000)
    status: Literal["active", "retired"] | None = None
    lon: Longitude | None = None
    lat: Latitude | None = None
    reason: str = Field(..., min_length=1, max_length=100, description="Why (kept in history)")


@router.get("/{int:address_id}", response={200: FeatureOut, 404: ErrorOut})
def address_detail(request, address_id: int):
    """One address (retired ones too) with `version`; the ETag header is its version."""
    version, text = selectors.address_feature_geojson(address_id)
    response = geojson_response(text)
    response["ETag"] = f'"{version}"'
    return response


EDIT_ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 412, 428), ErrorOut)


@router.patch("/{int:address_id}", response={200: FeatureOut, **EDIT_ERRORS}, auth=django_auth)
def address_update(request, address_id: int, payload: AddressChange):
    """Change an address (address editors). Send `If-Match` with the ETag you read:
    without it 428, with an older one 412 (someone saved in between) and nothing changes."""
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason")
    services.address_update(
        address_id=address_id,
        changes=changes,
        user=request.user,
        reason=reason,
        check=lambda address: locking.check_if_match(request, address),
    )
    return address_detail(request, address_id)


@router.get("/reverse", response={200: FeatureOut | None, 400: ErrorOut, 404: ErrorOut})
def address_reverse(request, params: Query[ReverseParams]):
    """The nearest active address within 150 m of the point, with `distance_m`.

    With `or_none=true` a point far from every address answers 200 `null`: a map asking
    as the pin moves expects "nothing near" and should log no error for it.
    """
    try:
        return geojson_response(selectors.address_reverse_geojson(lat=params.lat, lon=params.lon))
    except NotFound:
        if not params.or_none:
            raise
        return JsonResponse(None, safe=False)
