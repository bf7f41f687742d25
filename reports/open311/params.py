"""Query parameters of the Open311 GeoReport v2 requests list, parsed or refused.

Each parser raises InvalidInput with a message in the specification's English.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.errors import InvalidInput

MAX_SPAN = timedelta(days=90)


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
    if moment is None:
        raise InvalidInput(f"{name} must be a W3C date-time such as 2024-01-01T00:00:00Z.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
