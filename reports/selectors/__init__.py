"""Reads of reports for the pages, the JSON API and Open311 (DESIGN.md §2: selectors),
split by use; import from here.

* `listing`: the public map's GeoJSON and the open reports near a new one;
* `detail`: one public report (page, JSON, photos) and the reporter's follow link;
* `catalogue`: the categories and the subscriptions a new report notifies;
* `open311`: GeoReport v2 service requests;
* `fields`: the expressions and the status filter they share.

Only `PUBLIC_FIELDS`-style reads leave this package for public surfaces: none of them
reads a reporter's e-mail or phone, and the name only of a report that is not anonymous.
"""

from reports.selectors.catalogue import categories_active, category_dict, subscriptions_for_report
from reports.selectors.detail import (
    answers_display,
    follow_history,
    photo_for_file,
    photos_waiting,
    public_reporter_name,
    report_for_follow,
    report_public_dict,
    report_public_get,
)
from reports.selectors.listing import (
    DUPLICATE_RADIUS_M,
    REPORT_PROPERTIES,
    report_list_geojson,
    reports_nearby_open,
)
from reports.selectors.open311 import (
    OPEN311_MAX_REQUESTS,
    open311_request_get,
    open311_requests,
    open311_token_get,
)

__all__ = [
    "DUPLICATE_RADIUS_M",
    "OPEN311_MAX_REQUESTS",
    "REPORT_PROPERTIES",
    "answers_display",
    "categories_active",
    "category_dict",
    "follow_history",
    "open311_request_get",
    "open311_requests",
    "open311_token_get",
    "photo_for_file",
    "public_reporter_name",
    "photos_waiting",
    "report_for_follow",
    "report_list_geojson",
    "report_public_dict",
    "report_public_get",
    "reports_nearby_open",
    "subscriptions_for_report",
]
