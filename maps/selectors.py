"""Reads the map pages need beyond the layer APIs."""

from django.contrib.gis.db.models import Extent

from layers.models import Territory


def territory_bounds() -> list[list[float]] | None:
    """Return [[south, west], [north, east]] of every territory, or None when there is none.

    Degrees in EPSG:4326, rounded to 6 decimals (about 0.1 m).
    """
    extent = Territory.objects.aggregate(extent=Extent("boundary"))["extent"]
    if extent is None:
        return None
    west, south, east, north = (round(value, 6) for value in extent)
    return [[south, west], [north, east]]
