"""The pages of the service as a browser sees them: which to open, how to open Chromium,
and when a page's map is drawn. Shared by the screenshots command, the rural-phone
benchmark and the accessibility tests, so the three agree on the list and the waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Debian's Chromium driven by Playwright (never `playwright install`); the flags keep it
# from calling home, as in tests/conftest.py.
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
WIDTHS = {1366: 768, 360: 740}  # viewport width -> height
LANGUAGES = ("uk", "en")


@dataclass(frozen=True)
class Page:
    """A page to open: `name` for files, `path` (with `{report}` for a report number),
    `staff` when it needs a signed-in planner, `main` when it is shown in English too."""

    name: str
    path: str
    staff: bool = False
    main: bool = False
    map: bool = True

    def url(self, base: str, report: str = "") -> str:
        return base.rstrip("/") + self.path.format(report=report)


PAGES = (
    Page("landing", "/", main=True),
    Page("map", "/map/", main=True),
    Page("report-new", "/reports/new/", main=True),
    Page("report", "/reports/{report}/"),
    Page("coverage", "/coverage/", main=True),
    Page("addresses", "/addresses/", main=True),
    Page("ogc", "/ogc/", map=False),
    Page("planning", "/planning/", staff=True, main=True),
    Page("verification", "/addresses/verification/", staff=True),
    Page("print", "/maps/print/", staff=True, map=False),
    Page("login", "/accounts/login/", map=False),
)
PUBLIC_MAP_PAGES = ("landing", "map", "report-new", "coverage", "addresses")


def page_named(name: str) -> Page:
    return next(page for page in PAGES if page.name == name)


def shot_name(page: Page, language: str, width: int, ext: str = "png") -> str:
    """The file name of a screenshot: `map-uk-1366.png`."""
    return f"{page.name}-{language}-{width}.{ext}"


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_context(browser, base_url: str, width: int, language: str, scale: float = 1):
    """A browser context at `width` px speaking `language` (Django's language cookie)."""
    phone = width < 600
    context = browser.new_context(
        locale="uk-UA" if language == "uk" else "en-GB",
        viewport={"width": width, "height": WIDTHS.get(width, 800)},
        device_scale_factor=scale,
        is_mobile=phone,
        has_touch=phone,
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
    return context


# -------------------------------------------------------------- "the map is drawn"
# The map client exposes its maps (window.hromadaMap, or several in window.hromadaMaps):
# each is waited for until idle (HromadaMap.whenIdle; a MapLibre map, as the floor of
# earlier benchmark runs, until its `idle`); pages without such a handle are drawn once
# the network has been idle for 500 ms.
MAP_IDLE_JS = """
() => new Promise((found) => {
  // A page with the map client (window.HromadaMap) makes its maps once the style
  // document has come, which may be after "load": wait for them (at most 30 s). A page
  // that asked for none by "load" (and 250 ms after it), with no style document on its
  // way (pages make their maps once it is in), has none to wait for.
  const start = Date.now();
  (function poll() {
    const maps = [].concat(window.hromadaMap || [], window.hromadaMaps || [])
      .filter(map => map && (map.hromada || typeof map.loaded === 'function'));
    const client = window.HromadaMap;
    const styling = window.HromadaStyles && window.HromadaStyles.pending();
    const none = client && client.requested === 0 && !styling && Date.now() - start > 250;
    if (maps.length || !client || none || Date.now() - start > 30000) { found(maps); }
    else { setTimeout(poll, 50); }
  })();
}).then((maps) => {
  if (!maps.length) return null;
  return Promise.all(maps.map(map => map.hromada && window.HromadaMap.whenIdle
    ? window.HromadaMap.whenIdle(map)
    : new Promise(resolve => {
      if (map.loaded() && (!map.areTilesLoaded || map.areTilesLoaded())) resolve();
      else map.once('idle', () => resolve());
    }))).then(() => performance.now());
})
"""


def wait_map_idle(page, timeout_ms: int) -> bool:
    """Wait for every exposed map to be idle; False when the page exposes none."""
    return map_idle_at(page, timeout_ms) is not None


def map_idle_at(page, timeout_ms: int) -> float | None:
    """Milliseconds from navigation start until every exposed map was idle; None when
    the page exposes no map."""
    page.wait_for_load_state("load", timeout=timeout_ms)
    return page.evaluate(MAP_IDLE_JS)


def wait_network_idle(page, timeout_ms: int) -> bool:
    page.wait_for_load_state("networkidle", timeout=timeout_ms)
    return True


Waiter = Callable[[object, int], bool]
WAITERS: dict[str, Waiter] = {"map": wait_map_idle, "network": wait_network_idle}


# After the detectors: every map once more idle after a repaint (MapLibre fires `idle`
# only when no camera move, tile load or label fade is in progress), the fonts loaded and
# two frames painted, so a picture or an accessibility check sees the settled page
# without a fixed sleep.
SETTLED_JS = """
() => Promise.all([].concat(window.hromadaMap || [], window.hromadaMaps || [])
    .filter(map => map && typeof map.once === 'function')
    .map(map => map.triggerRepaint
      ? new Promise(done => { map.once('idle', done); map.triggerRepaint(); })
      : window.HromadaMap.whenIdle(map)))
  .then(() => document.fonts.ready)
  .then(() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done))))
"""


def wait_until_drawn(page, timeout_ms: int = 30_000) -> str:
    """Wait until the page's map (if any) is drawn and settled; return which detector
    recognised the page.

    The detectors are tried in order (WAITERS); the first that recognises the page wins.
    Then the network must be quiet and the page settled (SETTLED_JS).
    """
    used = "none"
    for name, waiter in WAITERS.items():
        if waiter(page, timeout_ms):
            used = name
            break
    page.wait_for_load_state("networkidle", timeout=timeout_ms)
    page.evaluate(SETTLED_JS)
    return used
