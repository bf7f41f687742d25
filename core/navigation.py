"""The header's navigation: the pages a visitor may use, by role (DESIGN.md §4, §9).

Pages are named by URL name (core imports no app); an entry whose first name does not
resolve tries the next one, and is left out when none does, so a page appears in the
header as soon as its app serves it (e.g. `moderation:queue` before the admin's list).
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.roles import ADDRESS_EDITOR, ADMIN, MODERATOR, PLANNER, allowed


@dataclass(frozen=True)
class NavEntry:
    """One header link: its URL names (first that resolves wins), label and who sees it."""

    key: str
    url_names: tuple[str, ...]
    label: object
    roles: tuple[str, ...] = ()  # empty: everyone

    def url(self) -> str | None:
        for name in self.url_names:
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
        return None


PUBLIC = (
    NavEntry("map", ("reports:map",), _("Problems map")),
    NavEntry("report", ("reports:new",), _("Report a problem")),
    NavEntry("coverage", ("coverage:public",), _("Internet at my address")),
    NavEntry("addresses", ("addresses:browse",), _("Address search")),
)
STAFF = (
    NavEntry("planning", ("coverage:planning",), _("Planning"), (PLANNER,)),
    NavEntry(
        "moderation",
        ("moderation:queue", "admin:reports_report_changelist"),
        _("Moderation"),
        (MODERATOR,),
    ),
    NavEntry(
        "register",
        ("addresses:edit", "admin:addresses_address_changelist"),
        _("Address register"),
        (ADDRESS_EDITOR,),
    ),
    NavEntry("print", ("maps:print",), _("Printed maps"), ("staff",)),
    NavEntry("admin", ("admin:index",), _("Administration"), (ADMIN,)),
)


def _links(entries, path: str, user) -> list[dict]:
    links = []
    for entry in entries:
        if entry.roles and not allowed(user, entry.roles):
            continue
        url = entry.url()
        if url is None:
            continue
        current = path == url or (url != "/" and path.startswith(url))
        links.append({"key": entry.key, "url": url, "label": entry.label, "current": current})
    return links


def nav_links(user, path: str = "") -> dict[str, list[dict]]:
    """Return {"public": [...], "staff": [...]} links ({key, url, label, current}) for
    `user` (None: anonymous) on the page at `path`."""
    return {"public": _links(PUBLIC, path, None), "staff": _links(STAFF, path, user)}


def home_url(user) -> str:
    """Where a user lands after signing in without a `next`: their first staff page."""
    staff = nav_links(user)["staff"]
    return staff[0]["url"] if staff else "/"
