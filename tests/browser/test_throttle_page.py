"""The 429 page (a throttled password reset) in a real browser: the site's layout at 1366
and 360 px, in Ukrainian and in English, no serious axe-core violation, no console error."""

import pytest

from bench.pages import new_context
from tests.helpers.axe import describe, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {"uk": "Забагато спроб змінити пароль", "en": "Too many password change attempts"}


@pytest.mark.parametrize("language", ["uk", "en"])
@pytest.mark.parametrize("width", [1366, 360])
def test_the_429_page_is_the_sites_page_at_both_widths_in_both_languages(
    browser, live_server, settings, tmp_path, width, language
):
    settings.PASSWORD_RATE_LIMIT = 0  # the first reset request is already one too many
    settings.SECURE_SSL_REDIRECT = False
    context = new_context(browser, live_server.url, width, language)
    errors = []
    try:
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{live_server.url}/accounts/password-reset/")
        page.fill("input[name=email]", "someone@example.org")
        with page.expect_navigation() as navigation:
            page.locator("form button[type=submit], form input[type=submit]").last.click()
        assert navigation.value.status == 429
        assert page.get_attribute("html", "lang") == language
        assert page.locator("header.site-header").is_visible()
        assert WORDS[language] in page.inner_text("main")
        page.screenshot(path=str(tmp_path / f"429-{width}-{language}.png"), full_page=True)
        violations = serious_violations(page, ())
        assert not violations, describe(violations)
        # The browser reports the page's own 429 as a console error; nothing else may fail.
        assert [e for e in errors if "status of 429" not in e] == []
    finally:
        context.close()
