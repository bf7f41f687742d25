"""Headless Chromium (Debian's, driven by Playwright) against pytest-django's live server.

Never `playwright install`: it downloads a browser. The flags keep Chromium from calling
home, so that every request a test sees comes from the page.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@dataclass
class PageLog:
    """What a page did: console errors, uncaught exceptions, every request URL."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def outside_requests(self) -> list[str]:
        """Return the requested URLs whose host is not this machine (data: URLs aside)."""
        return [
            url
            for url in self.requests
            if not url.startswith("data:") and urlsplit(url).hostname not in LOCAL_HOSTS
        ]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _logged_page(context, log: PageLog):
    def on_console(message):
        if message.type == "error":
            log.console_errors.append(f"{message.text} at {message.location}")

    page = context.new_page()
    page.on("console", on_console)
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    page.on("request", lambda request: log.requests.append(request.url))
    return page


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def browser_page(browser, page_log):
    """A Ukrainian-speaking desktop page whose console, errors and requests go to page_log."""
    context = browser.new_context(locale="uk-UA", viewport={"width": 1280, "height": 900})
    yield _logged_page(context, page_log)
    context.close()


@pytest.fixture
def phone_page(browser, page_log):
    """A 360 px wide phone page, logged like browser_page."""
    context = browser.new_context(
        locale="uk-UA",
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield _logged_page(context, page_log)
    context.close()
