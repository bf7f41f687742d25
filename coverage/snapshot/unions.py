"""Step 2, unions: the coverage areas dissolved per technology group and speed level.

The unions run in GEOS on several threads (coverage.overlay.unions); each (group, level)
union is a MultiPolygon in METRIC_SRID, not yet clipped to the territories.
"""

from collections.abc import Callable

import numpy as np
import shapely

from coverage import overlay
from coverage.snapshot.inputs import Inputs

Progress = Callable[[str], None]


def copies(geoms: np.ndarray) -> np.ndarray:
    """Return new GEOS geometries equal to `geoms`, for another thread to prepare."""
    return shapely.from_wkb(shapely.to_wkb(geoms))


def unions_of(inputs: Inputs, log: Progress, workers: int) -> dict:
    """Return {(group, level): MultiPolygon in METRIC_SRID} of the coverage areas, unioned
    on `workers` threads."""
    masks = overlay.group_masks(inputs.technology, inputs.level)
    unions = overlay.unions(inputs.areas_m, masks, workers=workers)
    log("coverage unioned per technology group and level")
    return unions
