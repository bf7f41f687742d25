"""The demo community served by gunicorn for a browser: a database of its own with the
demo and the static files, a server on a free loopback port, all stopped afterwards.
Used by the screenshots command and the rural-phone benchmark.
"""

from __future__ import annotations

import io
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field

from bench import serving

EXTENSIONS = ("postgis", "pg_trgm")


@dataclass
class DemoServer:
    url: str
    report: str  # number of a public demo report
    database_url: str
    cookies: list[dict] = field(default_factory=list)


def prepare(suffix: str) -> str:
    """Create and migrate `<db>_<suffix>`, load the demo and collect the static files
    (as `./hromada up` does with `layers_setup`); return its URL."""
    from bench.serving import bench_database_url, migrated_database

    url = bench_database_url(suffix)
    migrated_database(url, EXTENSIONS)
    from django.core.management import call_command

    print(f"preparing {url.rsplit('/', 1)[-1]}: demo data and static files", file=sys.stderr)
    call_command("layers_setup", stdout=io.StringIO())
    return url


def public_report() -> str:
    from reports.models import Report

    report = Report.objects.filter(is_approved=True, is_hidden=False).order_by("pk").first()
    return report.number if report else ""


@contextmanager
def demo_server(suffix: str, *, workers: int = 2, drop: bool = True, env: dict | None = None):
    """Yield a DemoServer over `<db>_<suffix>` (`env`: more variables for gunicorn);
    stop gunicorn (and drop the database unless `drop` is false) on leaving, whatever
    happened."""
    url = prepare(suffix)
    port = serving.free_port()
    process = serving.start_gunicorn(port, workers, {**(env or {}), "DATABASE_URL": url})
    try:
        base = f"http://127.0.0.1:{port}"
        serving.wait_for(f"{base}/healthz", seconds=120)
        yield DemoServer(base, public_report(), url)
    finally:
        serving.stop(process)
        if drop:
            serving.drop_database(url)
