"""Reads of the moderation workbench: the queue, one report with all it needs, the
reports near it that may be the same problem, and the texts offered for each status.

Staff reads: these include hidden, unapproved and private reports and contact data.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.errors import NotFound
from reports.models import Report, ResponseTemplate, Status, Update
from reports.selectors import DUPLICATE_RADIUS_M
from reports.states import OPEN_STATUSES, is_reopening, transitions_from

QUEUE_MAX = 200
# Queue filters beyond the statuses: every open report, every report, awaiting approval,
# with a reporter's comment awaiting moderation.
OPEN, ALL, UNAPPROVED, PENDING = "open", "all", "unapproved", "comments"


@dataclass(frozen=True)
class QueueFilter:
    """What the moderator asked the queue for; empty strings mean "any"."""

    state: str = OPEN
    category: str = ""
    settlement: str = ""
    older_than_days: int = 0


def moderation_queue(filters: QueueFilter):
    """Reports matching `filters`, oldest first (the longest waiting at the top)."""
    queryset = (
        Report.objects.select_related("category", "settlement")
        .defer("settlement__boundary")
        .annotate(
            photo_count=Count("photos", distinct=True),
            pending_count=Count("updates", filter=Q(updates__is_pending=True), distinct=True),
        )
        .order_by("created_at", "id")
    )
    queryset = _state_filter(queryset, filters.state)
    if filters.category:
        queryset = queryset.filter(category__code=filters.category)
    if filters.settlement:
        queryset = queryset.filter(settlement__katottg=filters.settlement)
    if filters.older_than_days:
        since = timezone.now() - timedelta(days=filters.older_than_days)
        queryset = queryset.filter(created_at__lte=since)
    return queryset


def _state_filter(queryset, state: str):
    if state == OPEN:
        return queryset.filter(status__in=OPEN_STATUSES)
    if state == UNAPPROVED:
        return queryset.filter(is_approved=False)
    if state == PENDING:
        return queryset.filter(updates__is_pending=True).distinct()
    if state in Status.values:
        return queryset.filter(status=state)
    return queryset


def queue_neighbours(filters: QueueFilter, number: str) -> tuple[str | None, str | None]:
    """The numbers before and after `number` in the queue (None at either end)."""
    numbers = list(moderation_queue(filters).values_list("number", flat=True)[:QUEUE_MAX])
    if number not in numbers:
        return None, numbers[0] if numbers else None
    at = numbers.index(number)
    before = numbers[at - 1] if at > 0 else None
    after = numbers[at + 1] if at + 1 < len(numbers) else None
    return before, after


def report_for_moderation(number: str) -> Report:
    """A report of any visibility with its photos and whole history; NotFound otherwise."""
    history = Update.objects.select_related("author").order_by("created_at", "id")
    report = (
        Report.objects.select_related(
            "category", "settlement", "duplicate_of", "created_by", "nearest_address__street"
        )
        .prefetch_related("photos", Prefetch("updates", queryset=history, to_attr="history"))
        .filter(number=number)
        .first()
    )
    if report is None:
        raise NotFound(_("No report number %s.") % number, code="report_not_found")
    return report


def duplicate_candidates(report: Report, radius_m: float = DUPLICATE_RADIUS_M):
    """Reports of the same category within `radius_m` m that are not duplicates themselves,
    nearest first: the ones this report may repeat."""
    return (
        Report.objects.filter(category_id=report.category_id)
        .exclude(pk=report.pk)
        .exclude(status=Status.DUPLICATE)
        .near(report.location, radius_m)
        .select_related("category")[:10]
    )


def _default_texts() -> dict[str, str]:
    return {
        Status.ACKNOWLEDGED: _("Thank you for the report. We have received it and will check it."),
        Status.IN_PROGRESS: _("Work on it has started."),
        Status.FIXED: _("The problem has been fixed. Thank you for reporting it!"),
        Status.CLOSED_NOT_FIXED: _("The report is closed without a fix: "),
        Status.DUPLICATE: _("This problem has already been reported; follow the first report."),
        Status.NOT_RESPONSIBLE: _("This is not the community's responsibility. Please contact: "),
    }


def response_texts(report: Report) -> dict[str, str]:
    """The public text offered for each status the report may move to, in Ukrainian (the
    language of the public history): the category's template, else the common one, else
    a built-in text. A reopening starts empty: its reason is the moderator's own."""
    templates = {
        (template.status, template.category_id): template.text_uk
        for template in ResponseTemplate.objects.filter(
            Q(category_id=report.category_id) | Q(category__isnull=True)
        )
    }
    with override("uk"):
        defaults = _default_texts()
    texts = {}
    for status in (*transitions_from(report.status), Status.DUPLICATE):
        if is_reopening(report.status, status):
            texts[status] = ""
            continue
        texts[status] = templates.get(
            (status, report.category_id), templates.get((status, None), defaults.get(status, ""))
        )
    return texts
