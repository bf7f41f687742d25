"""Shared plumbing of the HTTP and database benchmarks: a database of their own on the
cluster of DATABASE_URL, Django set up on it, and a server process waited for and stopped.
"""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def bench_database_url(suffix: str) -> str:
    """Return DATABASE_URL with the database renamed to `<name>_<suffix>` (same server)."""
    parts = urlsplit(os.environ.get("DATABASE_URL", "postgis:///hromada"))
    name = parts.path.lstrip("/") or "hromada"
    return urlunsplit(parts._replace(path=f"/{name}_{suffix}"))


def migrated_database(url: str, extensions: tuple[str, ...] = ("postgis",)) -> None:
    """Create the database of `url` when missing (with `extensions`), set Django up on it
    and migrate. The benchmarks never touch the database DATABASE_URL names."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    server = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')
    with psycopg.connect(dbname=config["NAME"], autocommit=True, **server) as conn:
        for extension in extensions:
            conn.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def start_gunicorn(
    port: int, workers: int, env: dict[str, str], app: str = "gis.wsgi"
) -> subprocess.Popen:
    """Start our service as `./hromada up` runs it (gunicorn sync workers, the app loaded
    once before forking) on a loopback port, with `env` over the current environment.
    `app`: another WSGI application under the same gunicorn (a bench's baseline)."""
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        app,
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--preload",
        # Give a busy machine time to boot the app.
        "--timeout=120",
    ]
    base = {"ALLOWED_HOSTS": "127.0.0.1,localhost", "DEBUG": "0"}
    return subprocess.Popen(command, cwd=ROOT, env=os.environ | base | env)


def wait_for(url: str, seconds: float = 60) -> None:
    """Return once `url` answers 200; RuntimeError after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 — loopback
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    """Terminate a server process, killing it when it does not exit within 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def free_port() -> int:
    """Return a loopback TCP port nobody listens on now (the OS picks it)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def drop_database(url: str) -> None:
    """Drop the database of `url` (a benchmark's own; never DATABASE_URL's)."""
    import dj_database_url
    import psycopg
    from django.db import connections

    connections.close_all()
    config = dj_database_url.parse(url)
    server = {key.lower(): config[key] or None for key in ("HOST", "PORT", "USER", "PASSWORD")}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
