"""The public map pages on a rural phone (issue #15, "Performance").

    DATABASE_URL=postgis://hromada@%2Fwork%2Fmain%2Fvar%2Fpgsocket/hromada \\
      .venv/bin/python bench/phone_bench.py [--pages map,coverage] [--keep-db]

Debian's Chromium (bench/pages.py flags) at 360x740, throttled through the DevTools
protocol to 1.6 Mbit/s down, 0.75 Mbit/s up, 150 ms round trip and a 4x slower CPU,
loads each public map page from our gunicorn serving the demo (its own database,
`<db>_phone`, dropped afterwards) and prints per page: seconds to a usable map, bytes
and requests on a cold cache and on a warm reload, and beside them the page's HTML alone
(bytes, seconds) under the same throttling, against the targets (under 3 s, 1 MB cold,
100 kB warm).

"Usable map": when the page exposes its MapLibre map(s) (window.hromadaMap[s]), the
moment all are `idle` (performance.now()); otherwise (today's Leaflet pages) the end of
the last request before the network went quiet, from the DevTools timestamps.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.demo_site import demo_server
from bench.pages import PUBLIC_MAP_PAGES, launch, maplibre_idle_at, new_context, page_named
from bench.phone_metrics import (
    CPU_SLOWDOWN,
    HEADER,
    VIEWPORT,
    NetworkLog,
    PageResult,
    network_conditions,
    row,
)

TIMEOUT_MS = 120_000
PHONE_SCALE = 2  # a cheap Android phone's device pixel ratio


def throttled(context, page):
    """Open a DevTools session on `page` with the rural network and CPU; return its log."""
    cdp = context.new_cdp_session(page)
    log = NetworkLog()
    log.attach(cdp)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send("Network.emulateNetworkConditions", network_conditions())
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return log


def usable_seconds(page, log: NetworkLog) -> tuple[float, str]:
    """Seconds to a usable map and which detector measured it (see the module doc)."""
    idle_ms = maplibre_idle_at(page, TIMEOUT_MS)
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    if idle_ms is not None:
        return idle_ms / 1000, "maplibre idle"
    return log.seconds_to_quiet(), "network idle"


def phone_context(browser, base: str):
    context = new_context(browser, base, VIEWPORT["width"], "uk", scale=PHONE_SCALE)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def measure_map(browser, base: str, url: str) -> tuple[float, str, NetworkLog, NetworkLog]:
    """Load `url` cold (a new context: empty cache), then reload it warm."""
    context = phone_context(browser, base)
    try:
        page = context.new_page()
        log = throttled(context, page)
        page.goto(url, wait_until="commit")
        seconds, detector = usable_seconds(page, log)
        cold = log.copy()
        log.reset()
        page.reload(wait_until="commit")
        usable_seconds(page, log)
        return seconds, detector, cold, log
    finally:
        context.close()


def measure_html(browser, base: str, url: str) -> tuple[int, float]:
    """The page's HTML alone under the same throttling: every other request aborted."""
    context = phone_context(browser, base)
    try:
        page = context.new_page()
        log = throttled(context, page)
        page.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.resource_type == "document" else route.abort()
            ),
        )
        page.goto(url, wait_until="load")
        doc = log.document
        return log.transferred.get(doc, 0), log.finished.get(doc, 0) - log.started.get(doc, 0)
    finally:
        context.close()


def measure(browser, base: str, name: str) -> PageResult:
    url = page_named(name).url(base)
    seconds, detector, cold, warm = measure_map(browser, base, url)
    html_bytes, html_s = measure_html(browser, base, url)
    return PageResult(
        name=name,
        usable_s=seconds,
        detector=detector,
        cold_bytes=cold.bytes(),
        cold_requests=cold.requests(),
        warm_bytes=warm.bytes(),
        warm_requests=warm.requests(),
        html_bytes=html_bytes,
        html_s=html_s,
    )


def machine() -> str:
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{platform.node()}, {os.cpu_count()} CPUs, {platform.platform()}, load {load}"


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", help=f"comma-separated, of {','.join(PUBLIC_MAP_PAGES)}")
    parser.add_argument("--keep-db", action="store_true", help="keep <db>_phone afterwards")
    args = parser.parse_args(argv)
    names = args.pages.split(",") if args.pages else list(PUBLIC_MAP_PAGES)
    with demo_server("phone", workers=3, drop=not args.keep_db) as server:
        print(f"machine: {machine()}")
        with sync_playwright() as playwright:
            browser = launch(playwright)
            print(f"Chromium {browser.version}; {network_conditions()}, CPU x{CPU_SLOWDOWN}")
            print(HEADER)
            for name in names:
                print(row(measure(browser, server.url, name)), flush=True)
            browser.close()
        print(f"machine after: load {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
