"""Template tags of every page: the header (`{% site_header %}`) and names in the page's
language (`{{ village|local_name }}`). Loaded as a builtin (settings.TEMPLATES)."""

from django import template

from core import names
from core.navigation import nav_links

register = template.Library()


@register.filter
def local_name(thing) -> str:
    """The name of a village, street, category… in the page's language (core.names)."""
    return names.local_name(thing)


@register.filter
def latin(text: str) -> str:
    """`text` in the official transliteration on English pages, unchanged on Ukrainian."""
    return names.local_name(text or "")


@register.inclusion_tag("core/_header.html", takes_context=True)
def site_header(context):
    """The header: the visitor's pages, who is signed in, sign out, the language switch.

    On the 500 and 503 pages (`error_status`) it asks nothing of the database: public
    links only, no user.
    """
    request = context.get("request")
    database_free = context.get("error_status") in (500, 503) or request is None
    user = None if database_free else getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    path = request.path if request is not None else ""
    return {
        "request": request,
        "links": nav_links(user if signed_in else None, path),
        "user": user if signed_in else None,
        "show_account": not database_free,
        "csrf_token": context.get("csrf_token"),
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
    }
