"""Writes of the coverage app: the snapshot computation, coverage areas, hotspots, rasters.

The computation itself is the coverage.snapshot package; area editing, hotspots and raster
imports are the modules beside this one. Callers import from here.
"""

from coverage.services.areas import (
    AreaInput,
    area_create,
    area_delete,
    area_update,
    area_warnings,
    geometry_to_multipolygon,
    provider_get,
    snapshot_follow,
)
from coverage.services.hotspots import hotspot_buffer, hotspot_save
from coverage.services.rasters import RasterImport, raster_import
from coverage.snapshot.inputs import thresholds_from_settings
from coverage.snapshot.run import coverage_compute

__all__ = [
    "AreaInput",
    "RasterImport",
    "area_create",
    "area_delete",
    "area_update",
    "area_warnings",
    "coverage_compute",
    "geometry_to_multipolygon",
    "hotspot_buffer",
    "hotspot_save",
    "provider_get",
    "raster_import",
    "snapshot_follow",
    "thresholds_from_settings",
]
