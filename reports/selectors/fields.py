"""What the reads of reports share: expressions over a report's photos and public notes,
its Open311 status, and the status filter of the public lists and Open311."""

from django.db.models import Case, CharField, OuterRef, Subquery, Value, When
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from reports.models import OPEN_STATUSES, Photo, Status, Update


def first_photo(field: str):
    """The `field` (image or thumbnail) of the report's first photo, as a subquery."""
    photos = Photo.objects.filter(report=OuterRef("pk")).order_by("created_at", "id")
    return Subquery(photos.values(field)[:1], output_field=CharField())


def latest_public_note():
    """The report's latest public note (no comments), as a subquery."""
    notes = (
        public_notes().filter(report=OuterRef("pk")).order_by("-created_at", "-id").values("note")
    )
    return Subquery(notes[:1])


def public_notes():
    """Updates whose note the public may read: public, not empty, not a comment."""
    return Update.objects.filter(is_public=True).exclude(note="").exclude(kind=Update.Kind.COMMENT)


def open311_status():
    """ "open" or "closed" (Open311's two statuses) from the report's status."""
    return Case(
        When(status__in=list(OPEN_STATUSES), then=Value("open")),
        default=Value("closed"),
    )


def statuses_expand(values: list[str]) -> set[str]:
    """Our status codes for `values` (codes, "open", "closed"); InvalidInput for others."""
    wanted = set()
    for value in values:
        if value == "open":
            wanted |= set(OPEN_STATUSES)
        elif value == "closed":
            wanted |= set(Status.values) - set(OPEN_STATUSES)
        elif value in Status.values:
            wanted.add(value)
        else:
            allowed = ", ".join(["open", "closed", *Status.values])
            raise InvalidInput(
                _("Unknown status '%(value)s'. Allowed: %(allowed)s.")
                % {"value": value, "allowed": allowed},
                code="invalid_status",
            )
    return wanted
