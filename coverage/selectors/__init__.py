"""Reads of the coverage app. Nothing here computes coverage: it reads the current
CoverageSnapshot written by coverage.services.coverage_compute, the areas and the targets.
The names are re-exported here: callers use `coverage.selectors.X`.
"""

from coverage.selectors.areas import (
    area_feature_geojson,
    areas_geojson,
    coverage_at,
    hotspots_geojson,
    provider_names_local,
)
from coverage.selectors.sites import (
    wifi_sites_suggest,
)
from coverage.selectors.snapshots import (
    HEXAGON_PROPERTIES,
    UNSERVED_COLUMNS,
    coverage_settlements_latest,
    coverage_summary_latest,
    gaps_geojson,
    gaps_gpkg,
    hexagons_geojson,
    snapshot_current,
    snapshot_current_read,
    unserved_addresses_csv,
    village_shares_current,
)
from coverage.selectors.targets import (
    progress_series,
    targets_table,
)

__all__ = [
    "HEXAGON_PROPERTIES",
    "UNSERVED_COLUMNS",
    "area_feature_geojson",
    "areas_geojson",
    "coverage_at",
    "coverage_settlements_latest",
    "coverage_summary_latest",
    "gaps_geojson",
    "gaps_gpkg",
    "hexagons_geojson",
    "hotspots_geojson",
    "progress_series",
    "provider_names_local",
    "snapshot_current",
    "snapshot_current_read",
    "village_shares_current",
    "targets_table",
    "unserved_addresses_csv",
    "wifi_sites_suggest",
]
