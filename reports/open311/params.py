"""Query parameters of the Open311 GeoReport v2 requests list, parsed or refused.

Each parser raises InvalidInput with a message in the specification's English.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.errors import InvalidInput

MAX_SPAN = timedelta(days=90)
YEARS = (1000, 9000)


def comma_list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def statuses_of(value: str | None) -> list[str]:
    statuses = comma_list(value)
    unknown = [status for status in statuses if status not in ("open", "closed")]
    if unknown:
        raise InvalidInput(f"status must be open or closed, not '{', '.join(unknown)}'.")
    return statuses


def date_range(start_text: str | None, end_text: str | None):
    """Parse start_date/end_date; default to the most recent 90 days; at most 90 days."""
    start = w3_parse(start_text, "start_date")
    end = w3_parse(end_text, "end_date")
    if start and end:
        if end < start:
            raise InvalidInput("end_date is before start_date.")
        if end - start > MAX_SPAN:
            raise InvalidInput("start_date and end_date may not span more than 90 days.")
        return start, end
    if start:
        return start, start + MAX_SPAN
    end = end or timezone.now()
    return end - MAX_SPAN, end


def w3_parse(text: str | None, name: str) -> datetime | None:
    """A W3C date-time (with offset, or local time when none) or date; InvalidInput else."""
    if not text:
        return None
    text = text.strip().replace(" ", "+")  # a "+" left unescaped in a query string
    try:
        moment = parse_datetime(text)
        if moment is None and (day := parse_date(text)):
            moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None or not YEARS[0] <= moment.year <= YEARS[1]:
        # Far years would overflow the 90-day window's arithmetic (a 500, not an answer).
        raise InvalidInput(
            f"{name} must be a W3C date-time such as 2024-01-01T00:00:00Z "
            f"(years {YEARS[0]}–{YEARS[1]})."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


RADIUS_DEFAULT_M = 1000.0
RADIUS_MAX_M = 50_000.0


def near_of(lat_text: str | None, long_text: str | None, radius_text: str | None):
    """Return (lat, long, radius in metres) of `lat`, `long`, `radius`, or None.

    lat and long come together; radius (metres, default 1,000, at most 50,000) only with
    them. NaN, infinities and out-of-range values are refused.
    """
    if lat_text is None and long_text is None:
        if radius_text is not None:
            raise InvalidInput("radius needs lat and long.")
        return None
    if lat_text is None or long_text is None:
        raise InvalidInput("lat and long must be given together.")
    lat = _number(lat_text, "lat", -90, 90)
    lon = _number(long_text, "long", -180, 180)
    radius = RADIUS_DEFAULT_M
    if radius_text is not None:
        radius = _number(radius_text, "radius", 0, RADIUS_MAX_M)
    return lat, lon, radius


def _number(text: str, name: str, low: float, high: float) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (low <= value <= high):  # NaN fails every comparison
        raise InvalidInput(f"{name} must be a number from {low:g} to {high:g}.")
    return value
