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
    # URL names of further pages that belong to this entry: on them, it is the current one.
    owns: tuple[str, ...] = ()

    def url(self) -> str | None:
        for name in self.url_names:
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
        return None

    def match_length(self, path: str, url: str) -> int:
        """How long a prefix of `path` this entry's pages share (0: not this entry's)."""
        best = 0
        for candidate in (url, *_reversed(self.owns)):
            if path == candidate or (candidate != "/" and path.startswith(candidate)):
                best = max(best, len(candidate))
        return best


def _reversed(names: tuple[str, ...]) -> list[str]:
    urls = []
    for name in names:
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            continue
    return urls


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
        owns=("addresses:verification",),
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
        match = entry.match_length(path, url)
        links.append({"key": entry.key, "url": url, "label": entry.label, "match": match})
    return links


def nav_links(user, path: str = "") -> dict[str, list[dict]]:
    """Return {"public": [...], "staff": [...]} links ({key, url, label, current}) for
    `user` (None: anonymous) on the page at `path`.

    At most one link is current: the one whose page (or owned page) is the longest prefix
    of `path`, so /addresses/verification/ marks "Address register", not "Address search".
    """
    groups = {"public": _links(PUBLIC, path, None), "staff": _links(STAFF, path, user)}
    best = max((link["match"] for links in groups.values() for link in links), default=0)
    for links in groups.values():
        for link in links:
            link["current"] = best > 0 and link.pop("match") == best
            link.pop("match", None)
    return groups


def home_url(user) -> str:
    """Where a user lands after signing in without a `next`: their first staff page."""
    staff = nav_links(user)["staff"]
    return staff[0]["url"] if staff else "/"
