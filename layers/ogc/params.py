"""Parse and check the query and path parameters of /ogc/ and /tiles/ (pure, no ORM).

Every function raises `InvalidInput` (400) with a message naming the parameter, so bad
input never reaches SQL. The rules follow OGC API - Features - Part 1: Core 1.0
(OGC 17-069r4): `bbox` is 4 or 6 numbers in CRS84, `limit` 1–10,000 (default 10),
`datetime` an RFC 3339 instant or an interval with `..` for an open end.
"""

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from core.errors import InvalidInput

LIMIT_DEFAULT = 10
LIMIT_MAX = 10_000
TILE_MAX_ZOOM = 22
INTEGER = re.compile(r"^[+-]?[0-9]{1,9}$")
NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$")
# Instants a date filter may name: PostgreSQL and Python both hold them in every time zone.
YEARS = (1000, 9000)
FORMATS = {"json": "json", "geojson": "json", "html": "html"}


def parse_bbox(text: str | None, north_first: bool = False, degrees: bool = True):
    """Return (west, south, east, north), or None when absent.

    In CRS84 degrees by default; for another CRS (`bbox-crs`) in its units, given in its
    axis order (`north_first`: south,west,north,east) and returned as x/y. Six numbers
    carry heights, which are ignored. West may exceed east (the box crosses the
    antimeridian); south may not exceed north. NaN and infinities are refused.
    """
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) not in (4, 6):
        raise InvalidInput(
            "bbox must be 4 numbers (west,south,east,north) or 6 with heights.",
            code="invalid_bbox",
        )
    numbers = [_finite(part, "bbox") for part in parts]
    numbers = numbers if len(numbers) == 4 else [numbers[i] for i in (0, 1, 3, 4)]
    if north_first:
        numbers = [numbers[1], numbers[0], numbers[3], numbers[2]]
    west, south, east, north = numbers
    if not degrees:
        if not (west <= east and south <= north and max(map(abs, numbers)) < 1e8):
            raise InvalidInput(
                "bbox must be min,min,max,max within ±100,000 km.", code="invalid_bbox"
            )
        return west, south, east, north
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise InvalidInput("bbox longitudes must be within -180..180.", code="invalid_bbox")
    if not (-90 <= south <= 90 and -90 <= north <= 90):
        raise InvalidInput("bbox latitudes must be within -90..90.", code="invalid_bbox")
    if south > north:
        raise InvalidInput("bbox south must not be above north.", code="invalid_bbox")
    return west, south, east, north


def _finite(text: str, name: str) -> float:
    if not NUMBER.match(text.strip()) or not math.isfinite(value := float(text)):
        raise InvalidInput(f"{name}: '{text[:50]}' is not a finite number.", code=f"invalid_{name}")
    return value


def parse_int(text: str | None, name: str, *, default: int, low: int, high: int | None) -> int:
    """Return the integer parameter `name`, `default` when absent; 400 outside low..high."""
    if text is None:
        return default
    if not INTEGER.match(text):
        raise InvalidInput(f"{name} must be an integer; got '{text}'.", code=f"invalid_{name}")
    value = int(text)
    if value < low or (high is not None and value > high):
        bound = f"{low}..{high}" if high is not None else f">= {low}"
        raise InvalidInput(f"{name} must be {bound}; got {value}.", code=f"invalid_{name}")
    return value


def parse_limit(text: str | None) -> int:
    return parse_int(text, "limit", default=LIMIT_DEFAULT, low=1, high=LIMIT_MAX)


def parse_offset(text: str | None) -> int:
    return parse_int(text, "offset", default=0, low=0, high=None)


@dataclass(frozen=True)
class TimeInterval:
    """A closed-open interval of instants: `start` <= t, t <= `end` (or < when exclusive)."""

    start: datetime | None
    end: datetime | None
    end_exclusive: bool = False


def _instant(text: str, tz: tzinfo) -> tuple[datetime, datetime, bool]:
    """Return (first instant, last instant, last is exclusive) of a date or date-time."""
    try:
        if "T" not in text.upper() and len(text) == 10:
            day = date.fromisoformat(text)
            if not YEARS[0] <= day.year <= YEARS[1]:
                raise ValueError(text)
            start = datetime.combine(day, time(), tzinfo=tz)
            return start, start + timedelta(days=1), True
        moment = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        raise InvalidInput(
            f"datetime: '{text[:50]}' is not an RFC 3339 date-time within {YEARS[0]}–{YEARS[1]}.",
            code="invalid_datetime",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise InvalidInput(
            f"datetime: years {YEARS[0]}–{YEARS[1]} only; got '{text[:50]}'.",
            code="invalid_datetime",
        )
    return moment, moment, False


def parse_datetime(text: str | None, tz: tzinfo) -> TimeInterval | None:
    """Parse `datetime`: an instant, `a/b`, `../b` or `a/..`; dates are whole days in `tz`."""
    if text is None:
        return None
    if "/" not in text:
        start, end, exclusive = _instant(text, tz)
        return TimeInterval(start, end, exclusive)
    first, _, last = text.partition("/")
    open_start, open_end = first in ("", ".."), last in ("", "..")
    if open_start and open_end:
        raise InvalidInput("datetime: an interval needs at least one end.", code="invalid_datetime")
    start = None if open_start else _instant(first, tz)[0]
    end, exclusive = (None, False) if open_end else _instant(last, tz)[1:]
    if start is not None and end is not None and start > end:
        raise InvalidInput("datetime: the interval ends before it starts.", code="invalid_datetime")
    return TimeInterval(start, end, exclusive)


def check_known(params, allowed) -> None:
    """Raise 400 for a query parameter the resource does not define.

    OGC API - Features requirement /req/core/query-param-unknown.
    """
    unknown = ", ".join(sorted(set(params) - set(allowed)))
    if unknown:
        known = ", ".join(sorted(allowed))
        raise InvalidInput(
            f"Unknown query parameter(s): {unknown}. Allowed: {known}.", code="unknown_parameter"
        )


def parse_format(text: str | None) -> str | None:
    """Return "json" or "html" for `f`, None when absent; 400 for any other value."""
    if text is None:
        return None
    try:
        return FORMATS[text.lower()]
    except KeyError:
        raise InvalidInput(
            f"f must be json or html; got '{text}'.", code="invalid_format"
        ) from None


def parse_tile(z: str, x: str, y: str) -> tuple[int, int, int]:
    """Return (z, x, y) of an XYZ tile in EPSG:3857; 400 unless 0<=z<=22 and 0<=x,y<2^z."""
    zoom = parse_int(z, "z", default=0, low=0, high=TILE_MAX_ZOOM)
    size = 2**zoom
    column = parse_int(x, "x", default=0, low=0, high=size - 1)
    row = parse_int(y, "y", default=0, low=0, high=size - 1)
    return zoom, column, row


def parse_sortby(text: str | None, sortable) -> tuple[tuple[str, bool], ...]:
    """Return ((property, descending), …) of `sortby`: `+a,-b,c` (OGC API - Records /
    Features sorting); 400 for a property that is not sortable or named twice."""
    if text is None:
        return ()
    keys = []
    for part in text.split(","):
        part = part.strip()
        descending = part.startswith("-")
        name = part.lstrip("+-").strip()
        if name not in sortable:
            known = ", ".join(sorted(sortable))
            raise InvalidInput(
                f"sortby: '{name[:60]}' is not a sortable property (sortable: {known}).",
                code="invalid_sortby",
            )
        if any(name == key for key, _ in keys):
            raise InvalidInput(f"sortby: '{name}' is named twice.", code="invalid_sortby")
        keys.append((name, descending))
    return tuple(keys)


def parse_properties(text: str | None, names) -> tuple[str, ...] | None:
    """Return the properties to include (`properties=a,b`), None for all; 400 for an
    unknown one. An empty value asks for no properties."""
    if text is None:
        return None
    chosen = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    unknown = [name for name in chosen if name not in names]
    if unknown:
        raise InvalidInput(
            f"properties: unknown {', '.join(n[:60] for n in unknown[:5])} "
            f"(known: {', '.join(names)}).",
            code="invalid_properties",
        )
    return chosen
