"""Internet coverage: providers, the areas they reach, Free Wi-Fi hotspots, computed
snapshots of coverage shares and the strategy's targets.

Geometry is stored in EPSG:4326; areas and buffers are computed in settings.METRIC_SRID
(DESIGN.md §3). The models live in the modules of this package, one per concern, and are
imported here: Django finds them here, and callers use `coverage.models.X`.
"""

from coverage.models.areas import (
    TECHNOLOGY_CHOICES,
    CoverageArea,
    Provider,
    WifiHotspot,
)
from coverage.models.planning import (
    CoverageChallenge,
    PopulationRaster,
    StrategyTarget,
    population_path,
)
from coverage.models.snapshots import (
    CoverageGap,
    CoverageHexagon,
    CoverageSnapshot,
    UnservedAddress,
    WholeJSONField,
)

__all__ = [
    "CoverageArea",
    "CoverageChallenge",
    "CoverageGap",
    "CoverageHexagon",
    "CoverageSnapshot",
    "PopulationRaster",
    "Provider",
    "StrategyTarget",
    "TECHNOLOGY_CHOICES",
    "UnservedAddress",
    "WholeJSONField",
    "WifiHotspot",
    "population_path",
]
