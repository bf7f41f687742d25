"""Pure coverage arithmetic: speed tiers, technology groups, shares, results, site choice.

No ORM and no settings here: the services pass thresholds in and get plain values back.
Speeds are in Mbit/s, areas in m² (measured by the caller in METRIC_SRID), shares in
percent (0–100). The names are re-exported here: callers use `coverage.compute.X`.
"""

from coverage.compute.results import (
    Cumulative,
    VillageInputs,
    appeals_by_year,
    estimate_households,
    priority_list,
    snapshot_results,
    territory_result,
    village_connected,
    village_result,
    wifi_zone_counts,
)
from coverage.compute.sites import (
    SitePick,
    greedy_max_coverage,
    validate_radius_m,
)
from coverage.compute.tiers import (
    COVERAGE_TECHNOLOGIES,
    FIXED,
    GAP_CHOICES,
    GROUPS,
    HOTSPOT_MAX_RADIUS_M,
    LEVELS,
    SERVED,
    TECHNOLOGY_GROUPS,
    TIERS,
    TYPICAL_MBPS,
    UNDERSERVED,
    UNSERVED,
    WIFI_SITES_MAX_K,
    Measure,
    Thresholds,
    entity_groups,
    groups_of,
    share_pct,
    speed_level,
    speed_tier,
    tier_split,
)

__all__ = [
    "COVERAGE_TECHNOLOGIES",
    "Cumulative",
    "FIXED",
    "GAP_CHOICES",
    "GROUPS",
    "HOTSPOT_MAX_RADIUS_M",
    "LEVELS",
    "Measure",
    "SERVED",
    "SitePick",
    "TECHNOLOGY_GROUPS",
    "TIERS",
    "TYPICAL_MBPS",
    "Thresholds",
    "UNDERSERVED",
    "UNSERVED",
    "VillageInputs",
    "WIFI_SITES_MAX_K",
    "appeals_by_year",
    "entity_groups",
    "estimate_households",
    "greedy_max_coverage",
    "groups_of",
    "priority_list",
    "share_pct",
    "snapshot_results",
    "speed_level",
    "speed_tier",
    "territory_result",
    "tier_split",
    "validate_radius_m",
    "village_connected",
    "village_result",
    "wifi_zone_counts",
]
