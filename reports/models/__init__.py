"""Problem reports (звернення) filed by residents, their categories and what follows them.

One module per part: catalogue (categories, questions), report (reports, photos,
history), followers ("me too", subscriptions), staff (reply templates, API keys).
Locations are stored in EPSG:4326 (DESIGN.md §3). A reporter's name, e-mail and phone are
private (DESIGN.md §7): no public page, API or Open311 response reads them.
"""

from reports.models.catalogue import Category, Question
from reports.models.followers import Subscription, Support
from reports.models.report import (
    API_KEY_REPORTS_PER_HOUR,
    DESCRIPTION_MAX_CHARS,
    PHOTOS_MAX,
    Photo,
    Report,
    Update,
    new_secret,
    photo_path,
    thumbnail_path,
)
from reports.models.staff import ApiKey, ResponseTemplate
from reports.states import OPEN_STATUSES, Channel, Status

__all__ = [
    "API_KEY_REPORTS_PER_HOUR",
    "DESCRIPTION_MAX_CHARS",
    "OPEN_STATUSES",
    "PHOTOS_MAX",
    "ApiKey",
    "Category",
    "Channel",
    "Photo",
    "Question",
    "Report",
    "ResponseTemplate",
    "Status",
    "Subscription",
    "Support",
    "Update",
    "new_secret",
    "photo_path",
    "thumbnail_path",
]
