"""Signal-strength rasters imported as coverage areas (source "raster").

The raster work itself (rasterio, geopandas) is in coverage.raster and is imported only
when a raster is imported.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, transaction

from core.errors import InvalidInput
from coverage import compute
from coverage.compute import COVERAGE_TECHNOLOGIES
from coverage.models import CoverageArea
from coverage.services.areas import area_warnings, provider_get


@dataclass
class RasterImport:
    """What a raster import found (and, with commit, wrote)."""

    path: str
    provider: str
    technology: str
    down_mbps: int
    up_mbps: int
    area_m2: float
    cells_above: int
    cells_kept: int
    crs: str
    warnings: list[str]
    area_id: int | None = None


def _area_m2(geom: GEOSGeometry) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Area(ST_Transform(ST_GeomFromEWKB(%s), %s))",
            [bytes(geom.ewkb), settings.METRIC_SRID],
        )
        return float(cursor.fetchone()[0])


@transaction.atomic
def raster_import(
    *,
    path,
    provider: str,
    technology: str,
    min_dbm: float,
    down_mbps: int | None = None,
    up_mbps: int | None = None,
    sieve_px: int | None = None,
    valid_from: date | None = None,
    commit: bool = False,
) -> RasterImport:
    """Turn a signal-strength GeoTIFF into one coverage area (source "raster").

    Speeds default to compute.TYPICAL_MBPS of the technology. Writes only with `commit`.
    Raises InvalidInput: unknown provider or technology (checked before the raster is
    read), a raster without CRS, all nodata or nothing above `min_dbm`.
    """
    from coverage import raster

    if technology not in COVERAGE_TECHNOLOGIES:
        raise InvalidInput(f"Unknown technology {technology!r}.", code="unknown_technology")
    owner = provider_get(provider)
    typical = compute.TYPICAL_MBPS.get(technology, (0, 0))
    down, up = (
        down_mbps if down_mbps is not None else typical[0],
        up_mbps if up_mbps is not None else typical[1],
    )
    try:
        found = raster.raster_to_coverage(
            path, min_dbm=min_dbm, sieve_px=sieve_px or raster.DEFAULT_SIEVE_PX
        )
    except raster.RasterError as exc:
        raise InvalidInput(str(exc), code="bad_raster") from None
    area = GEOSGeometry(found.geometry.wkt, srid=4326)
    report = RasterImport(
        path=str(path),
        provider=owner.name,
        technology=technology,
        down_mbps=down,
        up_mbps=up,
        area_m2=_area_m2(area),
        cells_above=found.cells_above,
        cells_kept=found.cells_kept,
        crs=found.crs,
        warnings=found.warnings + area_warnings(area),
    )
    if commit:
        report.area_id = CoverageArea.objects.create(
            provider=owner,
            technology=technology,
            down_mbps=down,
            up_mbps=up,
            source=CoverageArea.Source.RASTER,
            valid_from=valid_from,
            area=area,
            note=f"raster: {Path(path).name} ≥ {min_dbm:g} dBm",
        ).pk
    return report
