"""Coverage challenges: problem reports saying "no internet / no signal here".

A report of a coverage-complaint category becomes a CoverageChallenge at its place
(`challenge_from_report`, called from the reports' post_save signal: coverage imports
reports, never the reverse); a planner accepts or rejects it (`challenge_decide`);
accepted ones are read against the coverage areas they contradict.
"""

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.errors import Conflict, InvalidInput, NotFound
from coverage.models import CoverageArea, CoverageChallenge
from layers.geojson import feature_collection

DECISIONS = {
    "accept": CoverageChallenge.Status.ACCEPTED,
    "reject": CoverageChallenge.Status.REJECTED,
}
NOTE_MAX_CHARS = 300


def areas_at(point, *, on_date=None) -> list[int]:
    """Return the ids of the coverage areas valid on `on_date` (default today) at a point."""
    day = on_date or timezone.localdate()
    return list(
        CoverageArea.objects.filter(area__intersects=point)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("id")
        .values_list("id", flat=True)
    )


def challenge_from_report(report, *, created: bool = False) -> CoverageChallenge | None:
    """Make the challenge of a coverage-complaint report (once); None for other reports.

    `created` says the report row was just inserted (post_save's flag), so it cannot have
    a challenge yet.

    Runs inside the report's transaction, so a report that is rolled back leaves no
    challenge behind.
    """
    if not report.category.is_coverage_complaint:
        return None
    # A report just inserted has no challenge yet: no need to look (one query per report).
    if not created:
        existing = CoverageChallenge.objects.filter(report=report).first()
        if existing is not None:
            return existing
    challenge = CoverageChallenge.objects.create(
        report=report, location=report.location, settlement_id=report.settlement_id
    )
    area_ids = areas_at(report.location)
    if area_ids:
        challenge.areas.add(*area_ids)  # a new challenge has no areas to compare with
    return challenge


def report_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """post_save receiver of reports.Report: turn coverage complaints into challenges."""
    if not raw:
        challenge_from_report(instance, created=created)


@transaction.atomic
def challenge_decide(*, challenge_id: int, decision: str, user, note: str = ""):
    """Accept or reject a pending challenge; refresh the areas it contradicts.

    decision: "accept" or "reject". Raises InvalidInput (unknown decision, note over 300
    characters), NotFound (no such challenge), Conflict (already decided). Nothing is
    written when it raises.
    """
    if decision not in DECISIONS:
        raise InvalidInput("decision must be 'accept' or 'reject'.", code="invalid_decision")
    note = (note or "").strip()
    if len(note) > NOTE_MAX_CHARS:
        raise InvalidInput(f"The note may be at most {NOTE_MAX_CHARS} characters.")
    challenge = CoverageChallenge.objects.select_for_update().filter(pk=challenge_id).first()
    if challenge is None:
        raise NotFound(f"No coverage challenge {challenge_id}.")
    if challenge.status != CoverageChallenge.Status.PENDING:
        raise Conflict(
            f"Challenge {challenge_id} is already {challenge.status}.", code="already_decided"
        )
    challenge.status = DECISIONS[decision]
    challenge.decided_by = user if user is not None and user.is_authenticated else None
    challenge.decided_at = timezone.now()
    challenge.decision_note = note
    challenge.save()
    challenge.areas.set(areas_at(challenge.location))
    return challenge


# --- reads ----------------------------------------------------------------------------------

STATUSES = tuple(CoverageChallenge.Status.values)


def _challenges(status: str | None):
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(STATUSES)}.", code="unknown_status")
    rows = CoverageChallenge.objects.order_by("-created_at", "-id")
    return rows.filter(status=status) if status else rows


def pending_count() -> int:
    """Count the challenges waiting for a planner's decision."""
    return CoverageChallenge.objects.filter(status=CoverageChallenge.Status.PENDING).count()


def pending_rows(limit: int) -> list[dict]:
    """Return the oldest `limit` pending challenges, for the planners' page to decide:
    {id, report_number, report_public, text (the report's words when it is published,
    else None), settlement
    (Ukrainian name, None outside every village), created_at, areas (labels of the
    coverage areas it contradicts)}. No reporter's contact (DESIGN.md §7)."""
    rows = (
        _challenges(CoverageChallenge.Status.PENDING)
        .order_by("created_at", "id")
        .select_related("report", "settlement")
        .prefetch_related("areas__provider")[:limit]
    )
    return [
        {
            "id": c.pk,
            "report_number": c.report.number,
            "report_public": c.report.is_public,
            # The words only of a published report: a hidden or unmoderated one may hold
            # what a moderator keeps from the public (a phone number), and planners are
            # not moderators.
            "text": c.report.description if c.report.is_public else None,
            "settlement": c.settlement.name_uk if c.settlement else None,
            "created_at": c.created_at,
            "areas": [_area_label(area) for area in c.areas.all()],
        }
        for c in rows
    ]


def challenges_geojson(*, status: str | None = None) -> str:
    """Return the challenges (optionally of one status) as GeoJSON points, for planners.

    Properties: status, the report's number and category, the village, dates and the ids
    of the contradicted coverage areas. No reporter's contact (DESIGN.md §7).
    """
    from django.contrib.postgres.aggregates import ArrayAgg

    rows = _challenges(status).annotate(
        area_ids=ArrayAgg("areas__id", distinct=True, filter=Q(areas__isnull=False), default=[])
    )
    return feature_collection(
        rows,
        geometry="location",
        properties={
            "status": "status",
            "report_number": F("report__number"),
            "category": F("report__category__code"),
            "settlement_name": F("settlement__name_uk"),
            "created_at": "created_at",
            "decided_at": "decided_at",
            "decision_note": "decision_note",
            "area_ids": "area_ids",
        },
    )


def _area_label(area: CoverageArea) -> str:
    return f"{area.provider.name} — {area.technology} {area.down_mbps}/{area.up_mbps}"


def accepted_by_area() -> list[dict]:
    """Return the coverage areas with accepted challenges, most challenged first:
    {area_id, label, challenges: [{id, report_number, settlement, decided_at}]}."""
    challenged = (
        CoverageArea.objects.filter(challenges__status=CoverageChallenge.Status.ACCEPTED)
        .distinct()
        .select_related("provider")
    )
    out = []
    for area in challenged:
        accepted = area.challenges.filter(status=CoverageChallenge.Status.ACCEPTED).select_related(
            "report", "settlement"
        )
        out.append(
            {
                "area_id": area.pk,
                "label": _area_label(area),
                "challenges": [
                    {
                        "id": c.pk,
                        "report_number": c.report.number,
                        "settlement": c.settlement.name_uk if c.settlement else None,
                        "decided_at": c.decided_at.isoformat() if c.decided_at else None,
                    }
                    for c in accepted.order_by("-decided_at", "-id")
                ],
            }
        )
    out.sort(key=lambda row: (-len(row["challenges"]), row["area_id"]))
    return out


def area_challenges(*, area_id: int, status: str | None = None) -> list[dict]:
    """Return the challenges held against one coverage area; NotFound for an unknown area."""
    if not CoverageArea.objects.filter(pk=area_id).exists():
        raise NotFound(f"No coverage area {area_id}.")
    rows = _challenges(status).filter(areas__id=area_id).select_related("report", "settlement")
    return [
        {
            "id": c.pk,
            "status": c.status,
            "report_number": c.report.number,
            "settlement": c.settlement.name_uk if c.settlement else None,
            "lon": c.location.x,
            "lat": c.location.y,
            "created_at": c.created_at.isoformat(),
            "decided_at": c.decided_at.isoformat() if c.decided_at else None,
        }
        for c in rows
    ]
