"""The coordinate reference systems of OGC API - Features - Part 2 (crs, bbox-crs).

Storage is EPSG:4326; a response or a bbox can be in any CRS of `SUPPORTED`: CRS84 (the
default, lon/lat), EPSG:4326 (lat/lon, its own axis order), EPSG:3857 (web maps) and the
seven УСК-2000 / Ukraine TM zones EPSG:6381–6387 (zones 7–13, northing first, as EPSG
defines them). Coordinates are written in the CRS's axis order, as Part 2 requires; a
client that wants x/y in every CRS asks for CRS84 or EPSG:3857.

A CRS is named by its OGC URI (`http://www.opengis.net/def/crs/EPSG/0/6385`) or the safe
CURIE (`[EPSG:6385]`); anything else is a 400 naming the parameter.
"""

import re
from dataclasses import dataclass

from core.errors import InvalidInput

CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{code}"


@dataclass(frozen=True)
class Crs:
    """One CRS a client may ask for: its URI, SRID and whether its first axis is north."""

    uri: str
    srid: int
    north_first: bool
    metric: bool

    @property
    def is_crs84(self) -> bool:
        return self.uri == CRS84_URI


CRS84 = Crs(CRS84_URI, 4326, north_first=False, metric=False)
SUPPORTED: dict[str, Crs] = {
    CRS84_URI: CRS84,
    EPSG_URI.format(code=4326): Crs(EPSG_URI.format(code=4326), 4326, True, False),
    EPSG_URI.format(code=3857): Crs(EPSG_URI.format(code=3857), 3857, False, True),
    **{
        EPSG_URI.format(code=code): Crs(EPSG_URI.format(code=code), code, True, True)
        for code in range(6381, 6388)
    },
}
URIS = tuple(SUPPORTED)
_CURIE = re.compile(r"^\[?(EPSG|OGC):([0-9A-Za-z.]{1,12})\]?$")


def parse_crs(text: str | None, param: str) -> Crs:
    """Return the CRS `text` names (CRS84 when absent); 400 naming `param` otherwise."""
    if text is None:
        return CRS84
    value = text.strip()
    if len(value) > 200:
        raise InvalidInput(f"{param}: not a CRS URI.", code=f"invalid_{param}")
    if match := _CURIE.match(value):
        authority, code = match.groups()
        value = CRS84_URI if (authority, code) == ("OGC", "CRS84") else EPSG_URI.format(code=code)
    value = value.replace("https://", "http://", 1)
    crs = SUPPORTED.get(value)
    if crs is None:
        raise InvalidInput(
            f"{param}: '{text[:100]}' is not a supported CRS. Supported: {', '.join(URIS)}.",
            code=f"invalid_{param}",
        )
    return crs


def content_crs(crs: Crs) -> str:
    """Return the Content-Crs header value of a response in `crs`."""
    return f"<{crs.uri}>"
