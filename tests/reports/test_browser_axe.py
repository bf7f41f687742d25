"""The reports pages of the last sessions pass axe-core with no serious or critical
violation (DESIGN.md §6) at 1366 and 360 px in Ukrainian and English: the moderation
workbench (queue and one report), the staff intake, the report page with its "me too"
by e-mail, the page of a "me too" link and the new report form. Each page is also kept as
a screenshot under /tmp/reports/ for people to look at beside FixMyStreet."""

from pathlib import Path

import pytest

from bench.pages import new_context, wait_until_drawn
from tests.helpers.axe import describe, serious_violations
from tests.helpers.live import demo_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SHOTS = Path("/tmp/reports")
PAGES = {
    "report-new": ("/reports/new/", False),
    "report": ("/reports/{report}/", False),
    "me-too-confirm": ("{me_too}", False),
    "moderation-queue": ("/moderation/", True),
    "moderation-report": ("/moderation/{report}/", True),
    "moderation-intake": ("/moderation/intake/", True),
}


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The demo served on a thread, a moderator's session cookie and a "me too" link."""
    from django.conf import settings
    from django.core import signing
    from django.test import Client

    from reports.roles import MODERATORS
    from reports.services.filing import client_hash
    from reports.services.public import SUPPORT_EMAIL_SALT
    from tests.helpers.users import make_user

    with demo_site(django_db_blocker) as demo:
        with django_db_blocker.unblock():
            user = make_user("a11y-moderator", groups=[MODERATORS], is_staff=True)
            client = Client()
            client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies = [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": demo.url}]
        token = signing.dumps(
            {"n": demo.report, "h": client_hash("email:a11y@example.com")},
            salt=SUPPORT_EMAIL_SALT,
        )
        yield demo, cookies, f"/reports/me-too/{token}/"


@pytest.fixture(autouse=True)
def _database_open(django_db_blocker):
    """The server thread reads the committed demo while a test runs."""
    with django_db_blocker.unblock():
        yield


@pytest.mark.parametrize("language", ["uk", "en"])
@pytest.mark.parametrize("width", [1366, 360])
@pytest.mark.parametrize("name", list(PAGES))
def test_reports_page_has_no_serious_or_critical_axe_violation(
    browser, site, name, width, language
):
    demo, moderator_cookies, me_too = site
    path, staff = PAGES[name]
    context = new_context(browser, demo.url, width, language)
    if staff:
        context.add_cookies(moderator_cookies)
    try:
        page = context.new_page()
        response = page.goto(demo.url + path.format(report=demo.report, me_too=me_too))
        assert response.status == 200, path
        wait_until_drawn(page)
        assert page.get_attribute("html", "lang") == language
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{language}-{width}.png"), full_page=True)
        if name == "moderation-report":  # key badges only where there is a keyboard
            assert page.locator(".mod-form kbd").first.is_visible() == (width > 600)
        violations = serious_violations(page, ())
        assert not violations, f"{name} at {width} px, {language}:\n" + describe(violations)
    finally:
        context.close()
