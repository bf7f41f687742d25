"""Pure helpers of the basemap proxy: tile checks, URL templates, HTTP cache lifetimes,
the placeholder tile. No ORM, no settings."""

import functools
import hashlib
import io
import math
import re
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

from core.errors import NotFound

# OpenStreetMap's standard tiles stop at zoom 19.
MAX_ZOOM = 19
# When the upstream says nothing about freshness, keep a tile this long before asking again.
DEFAULT_MAX_AGE_S = 7 * 86400
INTEGER = re.compile(r"^[0-9]{1,7}$")
XYZ_TOKENS = ("{z}", "{x}", "{y}")
SUBDOMAINS = "abc"
PLACEHOLDER_RGB = (221, 221, 221)
TILE_PX = 256
# Tiles down to this zoom are served anywhere (an overview: 21,845 tiles in all); deeper
# ones only over the community's area, so the proxy can never be used to copy OSM's tiles.
WORLD_ZOOM = 7


def parse_tile(z: str, x: str, y: str, *, max_zoom: int = MAX_ZOOM) -> tuple[int, int, int]:
    """Return (z, x, y) of an XYZ tile (EPSG:3857); NotFound unless 0<=z<=max_zoom and
    0<=x,y<2^z."""
    if not all(INTEGER.match(part) for part in (z, x, y)):
        raise NotFound("Tile coordinates are whole numbers.", code="tile_not_found")
    zoom, column, row = int(z), int(x), int(y)
    if zoom > max_zoom:
        raise NotFound(f"No basemap tile above zoom {max_zoom}.", code="tile_not_found")
    if column >= 2**zoom or row >= 2**zoom:
        raise NotFound(
            f"x and y run from 0 to {2**zoom - 1} at zoom {zoom}.", code="tile_not_found"
        )
    return zoom, column, row


def is_xyz_template(url: str) -> bool:
    """Tell whether `url` is an http(s) XYZ tile template ({z}, {x}, {y}; {s} optional)."""
    return url.startswith(("http://", "https://")) and all(t in url for t in XYZ_TOKENS)


def tile_url(template: str, z: int, x: int, y: int) -> str:
    """Fill an XYZ template; {s} takes a subdomain picked by the tile, so it is stable."""
    subdomain = SUBDOMAINS[(x + y) % len(SUBDOMAINS)]
    return (
        template.replace("{s}", subdomain)
        .replace("{z}", str(z))
        .replace("{x}", str(x))
        .replace("{y}", str(y))
    )


def source_key(template: str) -> str:
    """Return a short folder name for one upstream, so that two sources never mix tiles."""
    return hashlib.blake2b(template.encode(), digest_size=8).hexdigest()


def _http_time(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def freshness_s(headers: Mapping[str, str], now: float | None = None) -> float:
    """Return how many seconds a response stays fresh (RFC 9111 §4.2.1), 0 when it must
    be revalidated at once.

    `headers` are lower-case names. Cache-Control max-age wins over Expires; neither
    gives DEFAULT_MAX_AGE_S.
    """
    directives = [part.strip().lower() for part in headers.get("cache-control", "").split(",")]
    if "no-store" in directives or "no-cache" in directives:
        return 0.0
    for directive in directives:
        name, _, value = directive.partition("=")
        if name == "max-age" and value.strip().isdigit():
            return float(value.strip())
    expires = _http_time(headers.get("expires"))
    if expires is not None:
        date = _http_time(headers.get("date")) or (now if now is not None else time.time())
        return max(0.0, expires - date)
    return float(DEFAULT_MAX_AGE_S)


def etag_of(body: bytes) -> str:
    """Return our strong ETag of a tile body (the upstream's own ETag is not shown)."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


@functools.cache
def placeholder_png() -> bytes:
    """Return the neutral grey 256×256 PNG shown when the upstream fails (made once)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (TILE_PX, TILE_PX), PLACEHOLDER_RGB).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """Return the (west, south, east, north) degrees (EPSG:4326) of XYZ tile z/x/y."""
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def tile_allowed(z: int, x: int, y: int, area: tuple[float, float, float, float] | None) -> bool:
    """Tell whether the proxy may fetch tile z/x/y: any tile up to WORLD_ZOOM, deeper ones
    only when they meet `area` (west, south, east, north degrees; None: no area known)."""
    if z <= WORLD_ZOOM:
        return True
    if area is None:
        return False
    west, south, east, north = tile_bounds(z, x, y)
    return west <= area[2] and east >= area[0] and south <= area[3] and north >= area[1]


def grown_box(box, margin_km: float) -> tuple[float, float, float, float]:
    """Return a (west, south, east, north) degree box grown by `margin_km` on every side."""
    west, south, east, north = box
    dlat = margin_km / 111.32
    dlon = margin_km / (111.32 * max(math.cos(math.radians((south + north) / 2)), 0.01))
    return west - dlon, max(south - dlat, -90.0), east + dlon, min(north + dlat, 90.0)
