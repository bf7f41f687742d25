"""Domain errors of the reports app (subclasses of the one ApplicationError base)."""

from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, InvalidInput


class OutsideTerritory(InvalidInput):
    """The chosen place lies outside the community's territory."""

    code = "outside_territory"


class PhotoRejected(InvalidInput):
    """An uploaded photo is too big, not an image, or broken."""

    code = "invalid_photo"


class TooManyRequests(ApplicationError):
    """The client filed too many reports in the rate-limit window."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_s: int | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after_s = retry_after_s


OUTSIDE_TERRITORY_MESSAGE = _(
    "This place is outside the community's territory. Please choose a place inside "
    "the community boundary shown on the map."
)
