"""Address search and geocoding under /api/v1/addresses/ (GeoJSON built in PostGIS)."""

from typing import Annotated

from django.http import JsonResponse
from ninja import Field, Query, Router, Schema

from addresses import selectors
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
