"""Writes of the reports app (DESIGN.md §2: services), split by use; import from here."""

from reports.services.filing import (
    RateLimit,
    Reporter,
    client_hash,
    client_rate_limit,
    report_create,
    report_create_once,
    settlement_for_point,
)
from reports.services.moderation import (
    StaleReport,
    comment_moderate,
    report_lock,
    report_mark_duplicate,
    report_photo_remove,
    report_redact,
    report_status_change,
    report_update_post,
    report_verify,
    report_version_check,
    report_visibility_set,
)
from reports.services.photos import PhotoUpload, photo_uploads
from reports.services.public import (
    comments_premoderated,
    report_feedback,
    report_follow_up,
    report_support,
    support_email_confirm,
    support_email_report,
    support_email_request,
)
from reports.services.subscriptions import (
    subscription_confirm,
    subscription_create,
    subscription_delete,
    subscription_get,
)

__all__ = [
    "StaleReport",
    "comment_moderate",
    "comments_premoderated",
    "report_create_once",
    "report_lock",
    "report_verify",
    "report_version_check",
    "PhotoUpload",
    "RateLimit",
    "Reporter",
    "client_hash",
    "client_rate_limit",
    "photo_uploads",
    "report_create",
    "report_feedback",
    "report_follow_up",
    "report_mark_duplicate",
    "report_photo_remove",
    "report_redact",
    "report_status_change",
    "report_update_post",
    "report_support",
    "report_visibility_set",
    "settlement_for_point",
    "subscription_confirm",
    "subscription_create",
    "subscription_delete",
    "subscription_get",
    "support_email_confirm",
    "support_email_report",
    "support_email_request",
]
