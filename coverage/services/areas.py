"""Coverage area editing: create, replace and delete the areas staff and providers draw.

Geometry arrives as GeoJSON (dict or text) or GEOS, is checked and stored as an EPSG:4326
MultiPolygon; every write runs in one transaction, which also patches the current coverage
snapshot with the edit (coverage.snapshot.incremental), so the figures are current again
without a full recomputation.
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction

from core.errors import Conflict, InvalidInput, NotFound
from core.geometry import POLYGONAL, geometry_check
from coverage.compute import COVERAGE_TECHNOLOGIES
from coverage.models import CoverageArea, Provider
from coverage.snapshot.incremental import AreaState
from layers.models import Territory

logger = logging.getLogger(__name__)


def snapshot_follow(*, before: list, after: list) -> None:
    """Patch the current snapshot with an edit, in a savepoint: a patch that fails leaves
    the edit stored and the snapshot as it was (its signature then refuses later patches
    until a full recomputation)."""
    from coverage.snapshot.incremental import snapshot_patch

    try:
        with transaction.atomic():
            snapshot_patch(before=before, after=after)
    except Exception:
        logger.exception("coverage snapshot patch failed; recompute to refresh the figures")


@dataclass
class AreaInput:
    """A coverage area as received from the API or an import, before any check."""

    provider: str
    technology: str
    down_mbps: int
    up_mbps: int
    geometry: dict | str
    source: str = CoverageArea.Source.PROVIDER_MAP
    valid_from: date | None = None
    valid_to: date | None = None
    note: str = ""


def provider_get(name: str) -> Provider:
    """Return the provider called `name`; InvalidInput (unknown_provider) when none is."""
    try:
        return Provider.objects.get(name=name)
    except Provider.DoesNotExist:
        raise InvalidInput(f"Unknown provider: {name!r}.", code="unknown_provider") from None


def geometry_to_multipolygon(value: dict | str | GEOSGeometry) -> MultiPolygon:
    """Parse GeoJSON (dict or text) or a GEOS geometry into a valid EPSG:4326 MultiPolygon.

    Raises InvalidInput (core.geometry.geometry_check): "invalid_geometry" (unreadable,
    empty, 3D, out of range, not valid), "geometry_too_large" or "wrong_geometry_type"
    (not a Polygon/MultiPolygon).
    """
    return geometry_check(value, kinds=POLYGONAL, multi=True).geom


def _check_area(data: AreaInput) -> tuple[Provider, MultiPolygon]:
    if data.technology not in COVERAGE_TECHNOLOGIES:
        raise InvalidInput(
            f"Unknown technology {data.technology!r}; one of {', '.join(COVERAGE_TECHNOLOGIES)}.",
            code="unknown_technology",
        )
    if data.source not in CoverageArea.Source.values:
        raise InvalidInput(f"Unknown source {data.source!r}.", code="unknown_source")
    for name in ("down_mbps", "up_mbps"):
        value = getattr(data, name)
        if not isinstance(value, int) or value < 0 or value > 100_000:
            raise InvalidInput(f"{name} must be a whole number from 0 to 100000.")
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        raise InvalidInput("valid_to is before valid_from.", code="invalid_period")
    return provider_get(data.provider), geometry_to_multipolygon(data.geometry)


def area_warnings(area: MultiPolygon) -> list[str]:
    """Return warnings about an area: it lies entirely outside the territory."""
    if Territory.objects.filter(boundary__intersects=area).exists():
        return []
    return ["The area lies entirely outside the territory; it is kept but counts nowhere."]


@transaction.atomic
def area_create(*, data: AreaInput) -> tuple[CoverageArea, list[str]]:
    """Check and store a coverage area; return it with warnings. InvalidInput on bad input."""
    provider, area = _check_area(data)
    row = CoverageArea.objects.create(
        provider=provider,
        technology=data.technology,
        down_mbps=data.down_mbps,
        up_mbps=data.up_mbps,
        source=data.source,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        note=data.note,
        area=area,
    )
    snapshot_follow(before=[], after=[AreaState.of(row)])
    return row, area_warnings(area)


@transaction.atomic
def area_update(*, area_id: int, data: AreaInput) -> tuple[CoverageArea, list[str]]:
    """Replace every field of a coverage area; NotFound, InvalidInput as area_create."""
    row = _area_get(area_id)
    provider, area = _check_area(data)
    before = AreaState.of(row)
    row.provider, row.area = provider, area
    for name in ("technology", "down_mbps", "up_mbps", "source", "valid_from", "valid_to", "note"):
        setattr(row, name, getattr(data, name))
    row.save()
    snapshot_follow(before=[before], after=[AreaState.of(row)])
    return row, area_warnings(area)


def _area_get(area_id: int) -> CoverageArea:
    row = CoverageArea.objects.select_for_update().filter(pk=area_id).first()
    if row is None:
        raise NotFound(f"No coverage area {area_id}.")
    if row.hotspot_id:
        raise Conflict("This area belongs to a Wi-Fi hotspot; change the hotspot instead.")
    return row


@transaction.atomic
def area_delete(*, area_id: int) -> None:
    """Delete a coverage area (not a hotspot's); NotFound when it does not exist."""
    row = _area_get(area_id)
    before = AreaState.of(row)
    row.delete()
    snapshot_follow(before=[before], after=[])
