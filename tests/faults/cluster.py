"""A throw-away PostgreSQL cluster and a real gunicorn in front of it, for fault tests.

Nothing here touches the project's own cluster (var/postgres) or the test database: the
cluster lives in a directory under /tmp (its socket path must stay short and every parent
must be traversable by the `postgres` user when we run as root), and the web server is a
separate process on a free 127.0.0.1 port. Every wait is bounded.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DB_USER, DB_NAME = "hromada", "hromada_faults"
AS_ROOT = os.geteuid() == 0


def _as_pg(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    command = ["runuser", "-u", "postgres", "--", *args] if AS_ROOT else args
    kwargs.setdefault("timeout", 120)
    return subprocess.run(command, cwd="/", check=True, capture_output=True, text=True, **kwargs)  # noqa: S603


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    """A PostgreSQL cluster in a temporary directory, reached on a Unix socket."""

    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="hf-", dir="/tmp")))

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base / "s"

    @property
    def url(self) -> str:
        return f"postgis://{DB_USER}@{quote(str(self.socket_dir), safe='')}/{DB_NAME}"

    def init(self) -> None:
        self.base.chmod(0o755)
        self.socket_dir.mkdir()
        if AS_ROOT:
            shutil.chown(self.base, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
        _as_pg(
            [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", DB_USER, "-A", "trust"]
            + ["-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
        )

    def start(self) -> None:
        options = f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' "
        options += "-c fsync=off -c full_page_writes=off"
        log = self.base / "postgres.log"
        _as_pg(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(log), "-w", "-t", "30"]
            + ["-o", options, "start"]
        )

    def stop(self, mode: str = "immediate") -> None:
        _as_pg([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop"])

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def sql(self, database: str, *statements: str) -> None:
        args = [str(PG_BIN / "psql"), "-h", str(self.socket_dir), "-U", DB_USER, "-d", database]
        args += ["-v", "ON_ERROR_STOP=1", "-q"]
        for statement in statements:
            args += ["-c", statement]
        subprocess.run(args, check=True, capture_output=True, text=True, timeout=60)  # noqa: S603

    def create_database(self) -> None:
        self.sql("postgres", f"CREATE DATABASE {DB_NAME}")

    def copy_schema(self, source: dict) -> None:
        """Copy the tables of a migrated database (Django's settings_dict) into this one.

        Much faster than running every migration again; the rows are not copied.
        """
        dump = subprocess.run(  # noqa: S603 — fixed arguments, our own databases
            [str(PG_BIN / "pg_dump"), "--schema-only", "--no-owner", "--no-privileges"]
            + ["-h", source["HOST"] or "localhost", "-U", source["USER"] or DB_USER]
            + (["-p", str(source["PORT"])] if source.get("PORT") else [])
            + ["-d", source["NAME"]],
            check=True,
            capture_output=True,
            timeout=120,
            env={**os.environ, "PGPASSWORD": source.get("PASSWORD") or ""},
        )
        subprocess.run(  # noqa: S603
            [str(PG_BIN / "psql"), "-h", str(self.socket_dir), "-U", DB_USER, "-d", DB_NAME]
            + ["-q", "-v", "ON_ERROR_STOP=1"],
            input=dump.stdout,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def remove(self) -> None:
        if self.is_running():
            self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


def server_env(cluster: Cluster, var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=cluster.url,
        HROMADA_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),
        CACHE_DIR=str(var_dir / "cache"),
        DJANGO_SETTINGS_MODULE="tests.faults.server_settings",
        LOG_LEVEL="WARNING",
        DEBUG="0",
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 180) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@dataclass
class Server:
    """gunicorn serving the project from the checkout on 127.0.0.1:port."""

    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, log: Path) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # noqa: S603
            [str(gunicorn), "--bind", f"127.0.0.1:{self.port}", "--workers", "2"]
            + ["--timeout", "90", "--graceful-timeout", "2", "gis.wsgi:application"],
            cwd=ROOT,
            env=self.env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        last = []

        def healthy() -> bool:
            last[:] = get(self.url + "/healthz")[::2]
            return last[0] == 200

        try:
            wait_for(healthy, seconds=90)
        except AssertionError:
            raise AssertionError(f"gunicorn not healthy: {last}") from None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def get(url: str | urllib.request.Request, timeout: float = 10) -> tuple[int, dict, bytes]:
    """GET a URL (or send a Request); return (status, headers, body); status 0 when
    nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, {}, b""


def wait_for(condition, *, seconds: float, step: float = 0.05) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(step)
    raise AssertionError(f"not true within {seconds} s")
