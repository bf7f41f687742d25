"""Shared fixtures: small geometries in the real PostGIS test database."""

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# inside one unless told it is safe (it is: the loop is Playwright's, not ours).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# ---------------------------------------------------------------- parallel runs (xdist)
# ./hromada test runs the suite in pytest-xdist workers, then the tests marked `serial`
# alone (tests/README.md). A worker leaves the serial tests out and tells the controller
# how many it left, so that a second pass (`--serial-pass`) runs them on their own.

SERIAL_LEFT = pytest.StashKey[int]()


def pytest_addoption(parser):
    parser.addoption(
        "--serial-pass",
        action="store_true",
        help="run only the tests marked serial (the second pass of ./hromada test)",
    )


def pytest_collection_modifyitems(config, items):
    serial = [item for item in items if item.get_closest_marker("serial")]
    if config.getoption("serial_pass"):
        keep = serial
    elif hasattr(config, "workerinput"):  # an xdist worker
        keep = [item for item in items if not item.get_closest_marker("serial")]
        config.workeroutput["serial_left"] = len(serial)
    else:
        return
    kept = set(keep)
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = keep


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    left = getattr(node, "workeroutput", {}).get("serial_left", 0)
    node.config.stash[SERIAL_LEFT] = max(node.config.stash.get(SERIAL_LEFT, 0), left)


def pytest_terminal_summary(terminalreporter, config):
    left = config.stash.get(SERIAL_LEFT, 0)
    if not left:
        return
    terminalreporter.write_line(
        f"{left} tests marked serial were left out of the parallel run: "
        "run them alone with `pytest --serial-pass` (./hromada test does)",
        yellow=True,
    )
    if pending := os.environ.get("HROMADA_SERIAL_PENDING"):
        Path(pending).write_text(str(left))


# ---------------------------------------------------------------- test databases
# In an xdist worker the test database is a copy of one template migrated once per run
# (tests/helpers/template_db.py); in a single process, pytest-django's own way.


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """The test database: in an xdist worker a copy of the run's migrated template, else
    (one process, or --nomigrations) pytest-django's set-up as it ships."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from tests.helpers import template_db

    verbosity = request.config.option.verbose
    keep = django_db_keepdb and not django_db_createdb
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None or not django_db_use_migrations:
        if not django_db_use_migrations:
            # pytest-django's own helpers, so that this path stays the one it ships.
            from pytest_django.fixtures import _disable_migrations  # noqa: PLC2701

            _disable_migrations()
        from pytest_django.fixtures import _get_databases_for_setup  # noqa: PLC2701

        aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
        with django_db_blocker.unblock():
            config = setup_databases(
                verbosity=verbosity,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
                keepdb=keep,
            )
        yield
        if not django_db_keepdb:
            with django_db_blocker.unblock():
                teardown_databases(config, verbosity=verbosity)
        return
    run = "" if keep else request.config.workerinput["testrunuid"]
    with django_db_blocker.unblock():
        stamp = f"{template_db.migrations_hash()} {run}".strip()
        old_name = template_db.worker_database(
            connection, worker=worker, stamp=stamp, keep=keep, verbosity=verbosity
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            template_db.destroy_worker_database(connection, old_name)


def pytest_sessionfinish(session, exitstatus):
    """The xdist controller drops the run's template database when the workers are done
    (kept with --reuse-db, as the workers' databases are)."""
    config = session.config
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    if config.getoption("reuse_db", False) and not config.getoption("create_db", False):
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    from tests.helpers.template_db import drop_template

    with config.stash[blocking_manager_key].unblock():
        drop_template(connection)


@pytest.fixture(autouse=True)
def _no_kept_categories():
    """Every test starts with an empty per-process category cache of report filing: a
    category of an earlier test's (rolled-back) data must not answer for this test's."""
    from reports.services import intake

    intake.categories_forget()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language, Ukrainian.

    A test client request for an English page leaves English active in the worker's
    thread (LocaleMiddleware activates a language; nothing deactivates it), and a later
    test in that worker that reads the active language (`spec.text()`) read English: CI
    failed that way once, depending on which tests a worker happened to get.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def _fast_flush():
    """Transactional tests end with DELETEs, not a TRUNCATE (tests/helpers/db.py)."""
    from django.contrib.gis.db.backends.postgis.operations import PostGISOperations

    from tests.helpers.db import fast_flush

    original = PostGISOperations.sql_flush
    PostGISOperations.sql_flush = fast_flush(original)
    yield
    PostGISOperations.sql_flush = original


FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


@pytest.fixture(scope="session", autouse=True)
def test_settings(tmp_path_factory):
    """Settings of every test, from the first fixture on (module-scoped live servers and
    pages too); a test changes them with pytest-django's `settings`, undone after it.

    * The runtime state a test may write (cache, media, proxied basemap tiles) lives in a
      directory of this pytest process, never in the checkout's var/: parallel workers
      (pytest-xdist) and other checkouts' runs must not see each other's rate-limit
      counters, lock-outs, tile data versions or files, nor an earlier run's.
    * {% static %} resolves from the finders, without collectstatic's manifest (tests run
      with DEBUG off). STATIC_ROOT is an empty directory, as in a fresh clone: WhiteNoise
      indexes it again for every test client (each loads the middleware), and a
      developer's collected var/staticfiles (1,229 files) made that 12% of the Python
      time of the non-browser tests.
    * No test reaches the internet: maps draw the local basemap (imported or own data).
      The proxy's tests set BASEMAP_URL and BASEMAP_UPSTREAM to their local fake
      upstream; any other fetch would meet a closed local port and fail at once.
    * Passwords are hashed with MD5 first (the production hashers stay behind it, so any
      hash still verifies): PBKDF2's 1,000,000 rounds cost 0.25 s of CPU per user made
      or signed in with a password, a third of some modules' time on two cores.
      gis/settings.py (what a server runs) keeps Django's own list.
    """
    from django.conf import settings
    from django.test.utils import override_settings

    var = tmp_path_factory.mktemp("var")
    static_root = var / "static"
    static_root.mkdir()
    overridden = override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(var / "cache"),
            }
        },
        MEDIA_ROOT=var / "media",
        STATIC_ROOT=static_root,
        BASEMAP_CACHE_DIR=var / "basemap",
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        BASEMAP_URL="local",
        BASEMAP_UPSTREAM="http://127.0.0.1:9/{z}/{x}/{y}.png",
        PASSWORD_HASHERS=[FAST_HASHER, *settings.PASSWORD_HASHERS],
    )
    overridden.enable()
    yield var
    overridden.disable()


@pytest.fixture
def clock():
    """A clock that runs on from now and that a test moves forward instead of sleeping
    (`clock.shift(seconds)`): cache expiry, lock-outs and dates read the moved time."""
    with time_machine.travel(time.time(), tick=True) as traveller:
        yield traveller


def square(lon: float, lat: float, half: float) -> MultiPolygon:
    """A square MultiPolygon centred on (lon, lat), `half` degrees from centre to edge."""
    ring = Polygon.from_bbox((lon - half, lat - half, lon + half, lat + half))
    return MultiPolygon(ring, srid=4326)


def make_territory():
    """The Dmytrivska community as one square Territory (the `territory` fixture's)."""
    from layers.models import Territory

    return Territory.objects.create(
        katottg="UA35040090000082553",
        name_uk="Дмитрівська сільська територіальна громада",
        name_en="Dmytrivska rural territorial community",
        boundary=square(32.72, 48.80, 0.2),
    )


def make_settlement(territory):
    """Dmytrivka, a small square inside `territory` (the `settlement` fixture's)."""
    from layers.models import Settlement

    return Settlement.objects.create(
        katottg="UA35040090010099441",
        name_uk="Дмитрівка",
        name_en="Dmytrivka",
        population=4250,
        households=1700,
        boundary=square(32.72, 48.79, 0.02),
        centre=Point(32.720833, 48.793611, srid=4326),
        position_accuracy="surveyed",
        territory=territory,
    )


def make_facility(settlement):
    """A connected school in `settlement` (the `facility` fixture's)."""
    from layers.models import Facility

    return Facility.objects.create(
        kind="school",
        name="Дмитрівський ліцей імені Т.Г. Шевченка",
        settlement=settlement,
        location=Point(32.7210, 48.7940, srid=4326),
        internet="connected",
        technology="fibre",
        down_mbps=100,
    )


# The same rows as plain functions above, so that module-scoped data (tests/i18n) makes
# them without copying the fields.
@pytest.fixture
def territory(db):
    return make_territory()


@pytest.fixture
def settlement(territory):
    return make_settlement(territory)


@pytest.fixture
def facility(settlement):
    return make_facility(settlement)


# ---------------------------------------------------------------- browser (Playwright)
# Debian's Chromium driven by Playwright; never `playwright install` (it downloads a
# browser). The flags keep Chromium from calling home, so every request a test sees comes
# from the page. One Playwright for the whole session: a second sync_playwright() inside
# the first one's event loop is refused.
#
# The tests drive Debian's chromium-headless-shell: the same Blink, V8 and SwiftShader
# build as /usr/bin/chromium (one source package, one version), without the full
# browser's window UI. Since Chromium 132 `--headless` runs the whole browser, which
# opens a WebUI renderer of its own for every new window: measured on the axe tests
# (22 pages), 16 of 67 s of Chromium CPU, and the suite 712-750 s -> 516 s on two cores.
# What a person sees (pages, maps, screenshots in bench/) is still judged in the full
# browser: bench/pages.py launches /usr/bin/chromium.

CHROMIUM = "/usr/bin/chromium-headless-shell"
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
        """Return the requested URLs whose host is not this machine (data: URLs aside, and
        blob: URLs, which the page made itself: MapLibre's workers)."""
        return [
            url
            for url in self.requests
            if not url.startswith(("data:", "blob:")) and urlsplit(url).hostname not in LOCAL_HOSTS
        ]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def logged_page(context, log: PageLog):
    """A new page of `context` whose console errors, page errors and requests go to `log`."""

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
    yield logged_page(context, page_log)
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
    yield logged_page(context, page_log)
    context.close()


@pytest.fixture
def kept_timeout_cleared(transactional_db, client):
    """For a transactional test whose public reads keep the statement timeout on the
    connection (outside a transaction it stays, by design): a request that is not a
    public read puts the default back before the test database is flushed. A low limit
    left there (50 ms) cancelled the flush itself on a loaded machine, and every later
    test of that worker found the rows still there."""
    yield
    client.get("/healthz")
