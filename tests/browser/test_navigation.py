"""The header in a real Chromium: folded behind "Menu" on a 360 px phone, a row on a
desktop, usable by keyboard, axe-clean; the sign-in page takes a planner to planning."""

import pytest

from tests.helpers.axe import describe, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Stepy-Kirovohrad-2026"


def _context(browser, live_server, width, language):
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": 740 if phone else 768},
        is_mobile=phone,
        has_touch=phone,
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return context


@pytest.mark.parametrize("language", ["uk", "en"])
def test_on_a_phone_the_menu_button_folds_the_links_and_works_by_keyboard(
    browser, live_server, language, tmp_path
):
    context = _context(browser, live_server, 360, language)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        toggle = page.locator(".nav-toggle")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert not page.locator('[data-nav="map"]').is_visible()
        box = toggle.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
        toggle.focus()
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator('[data-nav="map"]').is_visible()
        assert page.locator('[data-nav="map"]').bounding_box()["height"] >= 44
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        violations = serious_violations(page)
        assert not violations, describe(violations)
        page.screenshot(path=f"/tmp/nav-test-menu-{language}-360.png")
        page.keyboard.press("Tab")
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert page.evaluate("document.activeElement.classList.contains('nav-toggle')")
    finally:
        context.close()


@pytest.mark.parametrize("language", ["uk", "en"])
def test_on_a_desktop_the_links_are_a_row_and_the_pages_are_axe_clean(
    browser, live_server, language
):
    context = _context(browser, live_server, 1366, language)
    page = context.new_page()
    try:
        for path in ("/accounts/login/", "/no-such-page/", "/accounts/password-reset/"):
            page.goto(f"{live_server.url}{path}")
            assert not page.locator(".nav-toggle").is_visible()
            assert page.locator('[data-nav="coverage"]').is_visible()
            assert page.get_attribute("html", "lang") == language
            violations = serious_violations(page)
            assert not violations, f"{path}:\n" + describe(violations)
    finally:
        context.close()


def test_a_planner_made_by_staff_add_signs_in_and_reaches_planning_from_the_header(
    browser, live_server
):
    from core.accounts import staff_add

    user = staff_add(email="olena@example.org", role="planner").user
    user.set_password(PASSWORD)
    user.save()
    context = _context(browser, live_server, 1366, "en")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        page.click(".nav-signin")
        page.fill("#id_username", "olena@example.org")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/planning/")
        planning = page.locator('[data-nav="planning"]')
        assert planning.get_attribute("aria-current") == "page"
        assert page.locator(".nav-user").inner_text() == "olena@example.org"
        page.goto(f"{live_server.url}/")
        page.click('[data-nav="print"]')
        page.wait_for_url(f"{live_server.url}/maps/print/")
        page.click(".nav-account button")
        page.wait_for_url(f"{live_server.url}/")
        assert page.locator(".nav-signin").is_visible()
    finally:
        context.close()
