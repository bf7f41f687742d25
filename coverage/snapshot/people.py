"""The population step: the current population raster summed by zone (when one is loaded).

Zones are the territories, villages and H3 hexagons (EPSG:4326) and the coverage inside
the territories (the computation's metric CRS, `srid`); see coverage.population.zonal_sums.
"""

from core.errors import Conflict
from coverage.raster import RasterError
from coverage.snapshot.areas import Geometry
from coverage.snapshot.inputs import Inputs
from coverage.snapshot.unions import Progress


def population_sums(inputs: Inputs, geo: Geometry, drawing, gathered, log: Progress, *, srid: int):
    """Sum the current population raster by zone and put it on the villages; None without
    a raster. drawing: the future of the Hexagons; srid: the metric CRS of geo's
    geometry. Conflict when the stored raster can no
    longer be read."""
    from coverage import population

    raster = population.current()
    if raster is None:
        return None
    try:
        grid = population.read_grid(raster.file.path)
    except (RasterError, OSError) as exc:
        raise Conflict(f"The population raster cannot be read: {exc}", code="bad_raster") from None
    hexes = drawing.result()
    has = [i for i, g in enumerate(inputs.villages_ll) if g is not None]
    zones = population.Zones(
        territories=list(inputs.territories_ll),
        village_ids=[inputs.village_rows[i][0] for i in has],
        villages=[inputs.villages_ll[i] for i in has],
        covered=geo.clipped,
        srid=srid,
        cells=hexes.cells,
        hexagons=list(hexes.outline_ll),
    )
    zonal = population.zonal_sums(grid, zones)
    for village in gathered.villages:
        village.population, village.population_covered = zonal.villages.get(village.id, (None, {}))
    gathered.counts["population_raster"] = raster.name
    log("population summed by zone")
    return zonal
