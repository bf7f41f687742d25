"""Every page in both languages, as every role: nothing left in the other language.

The URL list is the URLconf's (tests/security/urlwalk.py); each page is fetched as an
anonymous visitor, a resident and each staff role, in English and in Ukrainian. An English
page may show Cyrillic only inside what people wrote (`data-user-content`) or what is
marked Ukrainian (`lang="uk"`); a Ukrainian page may not show the interface's English
words. Machine interfaces (APIs, tiles, OGC, Open311) and the Django admin (its own
translations, and data as stored) are not pages of the service.
"""

import pytest
from django.conf import settings

from tests.i18n.conftest import ROLES
from tests.i18n.textscan import untranslated
from tests.security.urlwalk import concrete_path, parameter_table, routes

NOT_PAGES = (
    "/admin/", "/api/", "/ogc/", "/tiles/", "/basemap/", "/open311/", "/healthz",
    "/i18n/", "/media/", "/static/", "/favicon.ico", "/maps/export.html",
)  # fmt: skip


def pages(world) -> list[str]:
    """Every concrete path of the URLconf that is a page of the service, each once."""
    tables, seen, result = parameter_table(world), set(), []
    for route in routes():
        template = route.template[0]
        path = concrete_path(route, tables, check=False)
        if template in seen or path.startswith(NOT_PAGES):
            continue
        seen.add(template)
        result.append(path)
    return result


@pytest.fixture(scope="module")
def crawl_pages(crawl_world, django_db_blocker):
    """The pages to read, worked out once for the module (the URLconf walk and the
    parameter table are the same for every role and language)."""
    with django_db_blocker.unblock():
        return pages(crawl_world.objects)


def _client(session, language):
    """A test client in `language`, signed in with the session key `session` (if any)."""
    from django.test import Client

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if session is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    return client


def crawl(client, paths, language) -> tuple[list[str], int]:
    """(problems, HTML pages read) for `paths` fetched with `client`."""
    problems, read = [], 0
    for path in paths:
        response = client.get(path)
        if response.status_code >= 500:
            problems.append(f"{path}: {response.status_code}")
        if "text/html" not in response.get("Content-Type", ""):
            continue
        read += 1
        for text in untranslated(response.content.decode(), language):
            problems.append(f"{path} [{response.status_code}]: {text[:120]!r}")
    return problems, read


def test_the_crawl_reaches_the_pages_of_every_kind(crawl_pages, db):
    found = set(crawl_pages)
    assert {"/", "/map/", "/reports/new/", "/coverage/", "/planning/", "/maps/print/"} <= found
    assert "/accounts/login/" in found and not any(p.startswith("/api/") for p in found)


@pytest.mark.parametrize("language", ["en", "uk"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_wholly_in_the_language_asked_for(
    role, language, crawl_world, crawl_pages, db
):
    client = _client(crawl_world.sessions[role], language)
    problems, read = crawl(client, crawl_pages + ["/no-such-page/"], language)
    assert read >= 10
    assert not problems, "\n".join(problems)
