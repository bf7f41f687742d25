"""Screenshots of every page at 1366 and 360 px for the README (`./hromada screenshots`).

    ./hromada screenshots [--out docs/screenshots] [--pages map,coverage] [--keep-db]

Serves the demo community from a database of its own (`<db>_shots` on DATABASE_URL's
server) with gunicorn on a free port, opens every page in Ukrainian (the main ones in
English too), signed in as a throw-away staff planner where needed, and writes
`<page>-<language>-<width>.png`. It lives in bench/ beside the rural-phone benchmark
because both drive the same served demo in the same Chromium (bench/pages.py,
bench/demo_site.py); it is a development tool, not part of the service.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from contextlib import contextmanager
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.demo_site import demo_server
from bench.pages import PAGES, WIDTHS, Page, launch, new_context, shot_name, wait_until_drawn

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
JPEG_ABOVE_BYTES = 5_000_000  # a bigger PNG set is rewritten as JPEG, quality 80


def shots_to_take(pages: tuple[Page, ...], widths=tuple(WIDTHS)) -> list[tuple[Page, str, int]]:
    """Every page in Ukrainian, the main ones in English too, at every width."""
    return [
        (page, language, width)
        for page in pages
        for language in (("uk", "en") if page.main else ("uk",))
        for width in widths
    ]


@contextmanager
def throwaway_staff(base_url: str):
    """A staff planner with no password, signed in by a forced login; yield its session
    cookie, then delete the user and the session (nothing to commit, nothing to leak)."""
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.contrib.sessions.models import Session
    from django.test import Client

    from coverage.roles import PLANNERS

    user = User.objects.create_user(f"screenshots-{secrets.token_hex(4)}", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=PLANNERS)[0])
    client = Client()
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    try:
        yield [{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": base_url}]
    finally:
        Session.objects.filter(session_key=key).delete()
        user.delete()


def take(browser, server, page: Page, language: str, width: int, out: Path) -> Path:
    context = new_context(browser, server.url, width, language)
    if page.staff:
        context.add_cookies(server.cookies)
    try:
        tab = context.new_page()
        response = tab.goto(page.url(server.url, server.report), wait_until="load")
        if response is None or response.status != 200:
            raise RuntimeError(f"{page.path}: HTTP {response.status if response else '?'}")
        wait_until_drawn(tab)
        path = out / shot_name(page, language, width)
        tab.screenshot(path=str(path))
        return path
    finally:
        context.close()


def as_jpeg_when_heavy(paths: list[Path], limit: int = JPEG_ABOVE_BYTES) -> list[Path]:
    """Rewrite the set as JPEG (quality 80) when its PNGs weigh more than `limit`."""
    if sum(path.stat().st_size for path in paths) <= limit:
        return paths
    from PIL import Image

    converted = []
    for path in paths:
        jpeg = path.with_suffix(".jpg")
        Image.open(path).convert("RGB").save(jpeg, quality=80, optimize=True)
        path.unlink()
        converted.append(jpeg)
    return converted


def run(out: Path, names: set[str] | None, keep_db: bool) -> list[Path]:
    from playwright.sync_api import sync_playwright

    pages = tuple(page for page in PAGES if not names or page.name in names)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    # The community's own basemap unless BASEMAP_URL says otherwise: the proxy would draw
    # grey placeholders on a machine without internet, and pictures must not depend on it.
    env = {"BASEMAP_URL": os.environ.get("BASEMAP_URL", "local")}
    with (
        demo_server("shots", drop=not keep_db, env=env) as server,
        throwaway_staff(server.url) as c,
    ):
        server.cookies = c
        with sync_playwright() as playwright:
            browser = launch(playwright)
            for page, language, width in shots_to_take(pages):
                written.append(take(browser, server, page, language, width, out))
                print(f"  {written[-1].name}", file=sys.stderr)
            browser.close()
    return as_jpeg_when_heavy(written)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="directory of the pictures")
    parser.add_argument("--pages", help="comma-separated page names (default: every page)")
    parser.add_argument("--keep-db", action="store_true", help="keep <db>_shots afterwards")
    args = parser.parse_args(argv)
    names = set(args.pages.split(",")) if args.pages else None
    written = run(args.out.resolve(), names, args.keep_db)
    total = sum(path.stat().st_size for path in written)
    print(f"{len(written)} screenshots, {total / 1e6:.1f} MB, in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
