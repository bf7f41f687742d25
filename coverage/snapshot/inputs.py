"""Step 1, inputs: what one computation reads from PostGIS, reprojected to METRIC_SRID.

The coverage areas, territories and villages (`read_areas`, then `area_inputs`) and the
addresses and facilities (`read_points`) are read through coverage.sql as WKB or arrays in
EPSG:4326 and reprojected with pyproj (coverage.overlay) to settings.METRIC_SRID.
"""

import logging
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import shapely
from django.conf import settings

from core.errors import Conflict, NotFound
from coverage import overlay, sql
from coverage.compute import Thresholds
from layers.models import Territory

logger = logging.getLogger(__name__)


def thresholds_from_settings() -> Thresholds:
    """Return the speed tiers configured in settings (COVERAGE_*_MBPS)."""
    return Thresholds.from_pairs(settings.COVERAGE_SERVED_MBPS, settings.COVERAGE_UNDERSERVED_MBPS)


def _the_territory() -> Territory:
    territories = list(Territory.objects.only("id", "katottg", "name_uk", "name_en")[:2])
    if not territories:
        raise Conflict("No territory is loaded; load the community first.", code="no_territory")
    if len(territories) > 1:
        raise Conflict("More than one territory is loaded.", code="many_territories")
    return territories[0]


def territories_get(territory_ids: list[int] | None) -> list[Territory]:
    """The one loaded territory, or the listed ones (benchmarks compute many at once)."""
    if territory_ids is None:
        return [_the_territory()]
    found = list(Territory.objects.filter(pk__in=territory_ids).order_by("id"))
    if not found or len(found) != len(set(territory_ids)):
        raise NotFound("Unknown territory id.", code="no_territory")
    return found


@dataclass
class Inputs:
    """What one computation reads, geometry in EPSG:4326 (`*_ll`) and METRIC_SRID (`*_m`)."""

    areas_m: np.ndarray
    technology: np.ndarray
    level: np.ndarray
    down: np.ndarray
    up: np.ndarray
    territories_ll: np.ndarray
    territories_m: np.ndarray
    village_rows: list[tuple]
    villages_ll: np.ndarray  # None where a village has no boundary
    villages_m: np.ndarray
    addresses: sql.Points | None
    facilities: sql.Points  # None until the points are read (read_points)
    addresses_xy: np.ndarray | None = None  # n × 2, METRIC_SRID
    facilities_xy: np.ndarray | None = None
    addresses_unlocated: int = 0
    facility_totals: dict = field(default_factory=dict)  # see sql.facility_totals


@dataclass
class PointInputs:
    """The addresses and facilities of a computation (see Inputs)."""

    addresses: sql.Points | None
    addresses_xy: np.ndarray | None
    addresses_unlocated: int
    facilities: sql.Points
    facilities_xy: np.ndarray
    facility_totals: dict


def read_points(cursor, params: dict) -> PointInputs:
    """Read the addresses and facilities and reproject them to params["srid"]."""
    tids, srid = params["tids"], params["srid"]
    found, unlocated = None, 0
    if sql.table_exists("addresses_address"):
        found, unlocated = sql.addresses(cursor, tids)
    facilities = sql.facilities(cursor, tids)
    return PointInputs(
        addresses=found,
        addresses_xy=None if found is None else _metric_xy(found, srid),
        addresses_unlocated=unlocated,
        facilities=facilities,
        facilities_xy=_metric_xy(facilities, srid),
        facility_totals=sql.facility_totals(cursor, params),
    )


def _metric_xy(found: sql.Points, srid: int) -> np.ndarray:
    return np.column_stack(overlay.reproject_xy(found.lon, found.lat, 4326, srid))


@dataclass
class Rows:
    """The coverage areas, territories and villages as read (WKB in EPSG:4326)."""

    areas: list[tuple]  # sql.coverage_sources
    territories: list[tuple]  # sql.territories
    villages: list[tuple]  # sql.villages
    # Coverage areas left out because their stored geometry is unusable: {id, reason}.
    skipped: list[dict] = field(default_factory=list)

    def territories_ll(self) -> np.ndarray:
        return shapely.from_wkb([bytes(w) for _, w in self.territories])


def read_areas(cursor, tids: list[int], as_of: date) -> Rows:
    """Read the coverage areas valid on `as_of`, the territories and their villages.

    A stored area whose geometry is unusable (unreadable, empty, out of lon/lat range,
    invalid: rows older than the checks at every door, or written by hand) is skipped,
    logged and listed in `Rows.skipped`; the computation never fails on one.
    """
    areas, skipped = usable_areas(sql.coverage_sources(cursor, as_of))
    for item in skipped:
        logger.warning("coverage area %s skipped: %s", item["id"], item["reason"])
    return Rows(areas, sql.territories(cursor, tids), sql.villages(cursor, tids), skipped)


def area_problem(geom) -> str | None:
    """Why a stored area cannot enter the computation, or None when it can."""
    if geom is None:
        return "unreadable geometry"
    if geom.is_empty:
        return "empty geometry"
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return f"not a polygon ({geom.geom_type})"
    min_x, min_y, max_x, max_y = geom.bounds
    if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
        return "coordinates outside the lon/lat range"
    if not geom.is_valid:
        return f"invalid geometry: {shapely.is_valid_reason(geom)}"
    return None


def usable_areas(rows: list[tuple]) -> tuple[list[tuple], list[dict]]:
    """Split sql.coverage_sources rows into the usable ones and {id, reason} of the rest."""
    geoms = shapely.from_wkb([bytes(row[4]) for row in rows], on_invalid="ignore")
    kept, skipped = [], []
    for row, geom in zip(rows, geoms, strict=True):
        problem = area_problem(geom)
        if problem is None:
            kept.append(row)
        else:
            skipped.append({"id": row[0], "reason": problem})
    return kept, skipped


def area_inputs(rows: Rows, t: Thresholds, srid: int) -> Inputs:
    """Make the inputs of the areas (no points yet: see read_points), reprojected."""
    cols = list(zip(*rows.areas, strict=True)) or [()] * 5
    down, up = np.asarray(cols[2], dtype="int64"), np.asarray(cols[3], dtype="int64")
    ter = rows.territories_ll()
    vil = np.asarray([None if w is None else shapely.from_wkb(bytes(w)) for *_, w in rows.villages])
    has = np.asarray([g is not None for g in vil], dtype=bool)
    vil_m = np.full(len(vil), None, dtype=object)
    vil_m[has] = overlay.reproject(vil[has], 4326, srid)
    return Inputs(
        areas_m=overlay.reproject(shapely.from_wkb([bytes(w) for w in cols[4]]), 4326, srid),
        technology=np.asarray(cols[1], dtype=object),
        level=overlay.levels_of(down, up, t),
        down=down,
        up=up,
        territories_ll=ter,
        territories_m=overlay.reproject(ter, 4326, srid),
        village_rows=[r[:5] for r in rows.villages],
        villages_ll=vil,
        villages_m=vil_m,
        addresses=None,
        facilities=None,
    )
