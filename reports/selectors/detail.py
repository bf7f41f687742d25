"""One public report: its page and JSON, its photos, the reporter's follow link."""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from core.errors import NotFound
from reports.models import Photo, Report, Update


def report_public_get(number: str) -> Report:
    """Return a public report by number with its photos and public history; else NotFound."""
    report = (
        Report.objects.public()
        .select_related(
            "category",
            "settlement",
            "duplicate_of",
            "nearest_address__street",
            "nearest_address__settlement",
        )
        .prefetch_related(
            "photos",
            Prefetch("updates", queryset=Update.objects.filter(is_public=True), to_attr="history"),
        )
        .filter(number=number)
        .first()
    )
    if report is None:
        raise NotFound(_("No public report number %s.") % number, code="report_not_found")
    return report


def photo_for_file(name: str, *, include_private: bool = False) -> tuple[Photo, bool]:
    """Return the photo whose image or thumbnail is stored as `name`, and whether its report
    is public; NotFound when none is, or when the report is not public and not
    `include_private` (staff who may view reports)."""
    photo = (
        Photo.objects.select_related("report")
        .filter(Q(image=name) | Q(thumbnail=name))
        .only("image", "thumbnail", "report__is_approved", "report__is_hidden")
        .first()
    )
    if photo is None or not (photo.report.is_public or include_private):
        raise NotFound(_("No such photo."), code="photo_not_found")
    return photo, photo.report.is_public


def report_for_follow(token: str) -> Report:
    """Return the report a private follow link points at (even if hidden); else NotFound."""
    report = Report.objects.select_related(
        "category", "settlement", "nearest_address__street", "nearest_address__settlement"
    ).filter(follow_token=token)
    report = report.first()
    if report is None:
        raise NotFound(_("This link is not valid."), code="invalid_token")
    return report


def follow_history(report: Report):
    """The reporter's timeline: public updates and their own comments awaiting moderation
    (never staff-only entries)."""
    mine = Q(is_pending=True, by_reporter=True, kind=Update.Kind.COMMENT)
    return report.updates.filter(Q(is_public=True) | mine).order_by("created_at", "id")


def report_public_dict(report: Report) -> dict:
    """Serialise a public report for the JSON API; contact data never included."""
    return {
        "number": report.number,
        "category": report.category.code,
        "category_name": report.category.name_uk,
        "status": report.status,
        "status_name": report.get_status_display(),
        "open311_status": "open" if report.is_open else "closed",
        "description": report.description,
        "lat": round(report.location.y, 6),
        "lon": round(report.location.x, 6),
        "settlement": _settlement_brief(report.settlement),
        "address": report.address_text,
        "reporter": public_reporter_name(report),
        "supporters": report.supporters_count,
        "duplicate_of": report.duplicate_of.number if report.duplicate_of_id else None,
        "answers": report.answers,
        "photos": [
            {"url": photo.image.url, "thumbnail": photo.thumbnail.url}
            for photo in report.photos.all()
        ],
        "history": [_history_dict(update) for update in report.history],
        "created_at": report.created_at.isoformat(),
        "updated_at": report.updated_at.isoformat(),
    }


def answers_display(report: Report) -> list[tuple[str, str]]:
    """The report's answers as (question, answer) texts, choices shown by their names."""
    rows = []
    for question in report.category.questions.all():
        value = report.answers.get(question.code)
        if value in (None, "", []):
            continue
        names = {str(choice["key"]): choice["name"] for choice in question.localised_choices}
        values = value if isinstance(value, list) else [value]
        rows.append((question.text, ", ".join(names.get(str(v), str(v)) for v in values)))
    return rows


def public_reporter_name(report: Report) -> str:
    """The name shown publicly: the reporter's own when they chose not to be anonymous."""
    return "" if report.is_anonymous else report.reporter_name


def _settlement_brief(settlement) -> dict | None:
    if settlement is None:
        return None
    return {"katottg": settlement.katottg, "name_uk": settlement.name_uk}


def _history_dict(update) -> dict:
    return {
        "kind": update.kind,
        "status": update.new_status or None,
        "note": update.note,
        "by_reporter": update.by_reporter,
        "created_at": update.created_at.isoformat(),
    }


def photos_waiting(report: Report) -> int:
    """How many of the report's photos wait for the task worker's stored copy."""
    return Photo.everything.filter(report=report).exclude(upload="").count()
