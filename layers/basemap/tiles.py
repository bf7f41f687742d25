"""The local basemap's vector tiles: the imported extract's or the own data's layers in
one MVT, kept in the shared rendered-tile cache (`layers.tiles.cache`)."""

from layers.basemap import compute, selectors, specs
from layers.tiles import cache as tilecache
from layers.tiles.selectors import tile_bytes


def layers_of(kind: str) -> tuple:
    """Return the layer specs of a local basemap kind (imported or own)."""
    return specs.IMPORTED if kind == selectors.IMPORTED else specs.own_specs()


def vector_tile(kind: str, z: int, x: int, y: int) -> tilecache.CachedTile:
    """Return the MVT of tile z/x/y (EPSG:3857) of the local basemap `kind`; the body is
    empty when nothing is there. Cached until the data version changes."""
    chosen = layers_of(kind)

    def render() -> tuple[bytes, str]:
        body = tile_bytes(list(chosen), z, x, y)
        return body, compute.etag_of(body) if body else ""

    key = (("basemap", kind, *(id(spec) for spec in chosen)), z, x, y)
    return tilecache.get_or_render(key, render)
