"""The public pages under the production Content-Security-Policy, in a real Chromium.

The live server sends the production policy (settings.CSP_PRODUCTION, with a fresh nonce
per request); a page that runs an inline script without the nonce, or loads anything
from elsewhere, shows a CSP violation in the console.
"""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def production_csp(settings):
    settings.CONTENT_SECURITY_POLICY = settings.CSP_PRODUCTION


@pytest.fixture
def category(settlement):
    from reports.models import Category

    return Category.objects.create(code="roads", name_uk="Дороги")


def _violations(log) -> list[str]:
    return [
        line
        for line in log.console_errors + log.page_errors
        if "Content Security Policy" in line or "Content-Security-Policy" in line
    ]


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/", "#overview-map[data-map-ready='true']"),
        ("/map/", "#report-map[data-map-ready='true']"),
        ("/reports/new/", "#pick-map[data-map-ready='true']"),
    ],
)
def test_the_public_pages_work_under_the_production_csp_without_a_violation(
    path, ready, production_csp, category, facility, browser_page, page_log, live_server
):
    response = browser_page.goto(f"{live_server.url}{path}")
    policy = response.headers["content-security-policy"]
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert "'nonce-" in script_src and "'unsafe-inline'" not in script_src
    browser_page.wait_for_selector(ready, timeout=30_000)
    browser_page.wait_for_load_state("networkidle")
    assert _violations(page_log) == []
    assert page_log.page_errors == []
    assert page_log.outside_requests() == []


def test_a_script_without_the_nonce_is_blocked_so_the_browser_test_can_see_violations(
    production_csp, browser_page, page_log, live_server, settlement
):
    browser_page.goto(f"{live_server.url}/map/")
    browser_page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__injected = 1;";
            document.body.appendChild(script);
        }"""
    )
    assert browser_page.evaluate("window.__injected === undefined")
    assert _violations(page_log)
