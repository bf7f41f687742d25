"""Backups that restore: a PostgreSQL custom-format dump, the uploaded media, a manifest.

A backup is a folder `hromada-YYYYmmdd-HHMMSS/` holding `database.dump` (pg_dump -Fc),
`media.tar.gz` and `manifest.json` with SHA-256 sums. It is written to a temporary
folder first and renamed when complete, so a crash never leaves a half backup that
looks whole.
"""

import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dj_database_url
import psycopg
import psycopg.sql
from django.conf import settings
from django.db import connections

from core.errors import ApplicationError, Conflict, InvalidInput
from ops import compute

# Backups hold residents' contact data: folders only for their owner, files likewise.
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


class BackupError(ApplicationError):
    """pg_dump or pg_restore failed, or a backup does not match its manifest."""

    code = "backup_failed"


@dataclass
class BackupResult:
    folder: Path
    manifest: compute.Manifest
    removed: list[str]


def _tool(name: str) -> str:
    """Path of a PostgreSQL client program: PG_BIN first (matches the server), then PATH."""
    pg_bin = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
    if (pg_bin / name).exists():
        return str(pg_bin / name)
    found = shutil.which(name)
    if not found:
        package = "gnupg" if name == "gpg" else "postgresql-client-15"
        raise BackupError(f"{name} not found; install {package}.")
    return found


def libpq_env(db: dict) -> dict:
    """Environment variables that point libpq programs at a Django database dict."""
    env = dict(os.environ)
    pairs = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
    }
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def _run(args: list[str], env: dict) -> None:
    # The arguments are our own: a PostgreSQL program path and file paths, no shell.
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()[-800:]}")


def _archive_media(media_root: Path, target: Path) -> None:
    with tarfile.open(target, "w:gz") as archive:
        if media_root.exists():
            archive.add(media_root, arcname="media")


def _versions(alias: str) -> dict:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), PostGIS_Lib_Version()")
        postgres, postgis = cursor.fetchone()
    return {"postgresql": postgres, "postgis": postgis}


def _encrypt(partial: Path, public_key: Path) -> None:
    """Replace the dump and media in `partial` by one tar encrypted with GnuPG to the
    public key in the file `public_key` (nothing of them is left in clear)."""
    inner = partial / "backup.tar"
    with tarfile.open(inner, "w") as archive:
        for name in (compute.DUMP_NAME, compute.MEDIA_NAME):
            archive.add(partial / name, arcname=name)
    home = partial / ".gnupg"  # a throw-away keyring: only the recipient's public key
    home.mkdir(mode=PRIVATE_DIR)
    try:
        _run(
            [
                _tool("gpg"),
                "--batch",
                "--yes",
                "--homedir",
                str(home),
                "--trust-model",
                "always",
                "--recipient-file",
                str(public_key),
                "--output",
                str(partial / compute.ENCRYPTED_NAME),
                "--encrypt",
                str(inner),
            ],
            dict(os.environ),
        )
    finally:
        gpg_daemons_stop(home)
        shutil.rmtree(home, ignore_errors=True)
        inner.unlink(missing_ok=True)
    for name in (compute.DUMP_NAME, compute.MEDIA_NAME):
        (partial / name).unlink()


def gpg_daemons_stop(home: Path) -> None:
    """Stop the daemons (gpg-agent, dirmngr, keyboxd) GnuPG may have started for the
    keyring `home`: they would outlive a temporary keyring and hold its sockets.

    Does nothing when gpgconf is missing or no daemon runs; never raises.
    """
    gpgconf = shutil.which("gpgconf")
    if gpgconf is None:
        return
    subprocess.run(  # noqa: S603 — gpgconf's path and our own directory, no shell
        [gpgconf, "--homedir", str(home), "--kill", "all"],
        capture_output=True,
        check=False,
        timeout=30,
    )


def _decrypt(folder: Path, into: Path) -> Path:
    """Decrypt an encrypted backup's tar into `into` (the operator's GnuPG keyring holds
    the private key) and return the folder holding the dump and media."""
    inner = into / "backup.tar"
    _run(
        [
            _tool("gpg"),
            "--batch",
            "--yes",
            "--output",
            str(inner),
            "--decrypt",
            str(folder / compute.ENCRYPTED_NAME),
        ],
        dict(os.environ),
    )
    with tarfile.open(inner) as archive:
        archive.extractall(into, filter="data")
    inner.unlink()
    return into


def backup_create(
    *,
    target_dir: Path,
    keep: int = 7,
    alias: str = "default",
    encrypt_to: Path | None = None,
) -> BackupResult:
    """Write a complete backup folder under `target_dir`; keep only the newest `keep`.

    With `encrypt_to` (a file holding a GnuPG public key) the dump and the media are
    stored only encrypted to that key (compute.ENCRYPTED_NAME), for copies off the machine.

    Raises BackupError when pg_dump fails (nothing is left behind then) and InvalidInput
    for keep < 1.
    """
    if keep < 1:
        raise InvalidInput("--keep must be at least 1.")
    target_dir = Path(target_dir)
    target_dir.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    target_dir.chmod(PRIVATE_DIR)  # a backup holds residents' e-mails and phones
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    final = target_dir / f"{compute.BACKUP_PREFIX}{stamp}"
    partial = target_dir / f".partial-{stamp}"
    partial.mkdir(mode=PRIVATE_DIR)
    partial.chmod(PRIVATE_DIR)
    try:
        db = connections[alias].settings_dict
        _run(
            [_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(partial / compute.DUMP_NAME)],
            libpq_env(db),
        )
        _archive_media(Path(settings.MEDIA_ROOT), partial / compute.MEDIA_NAME)
        names = [compute.DUMP_NAME, compute.MEDIA_NAME]
        if encrypt_to is not None:
            _encrypt(partial, Path(encrypt_to))
            names = [compute.ENCRYPTED_NAME]
        manifest = compute.Manifest(
            created_at=datetime.now(UTC).isoformat(),
            database=db["NAME"],
            files=compute.describe_files(partial, names),
            versions=_versions(alias),
            encrypted="gpg" if encrypt_to is not None else "",
        )
        (partial / compute.MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
        for file in partial.iterdir():
            file.chmod(PRIVATE_FILE)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    removed = compute.backups_to_remove([p.name for p in target_dir.iterdir()], keep)
    for name in removed:
        shutil.rmtree(target_dir / name)
    return BackupResult(folder=final, manifest=manifest, removed=removed)


def _user_tables(db: dict) -> list[str]:
    """Tables in the public schema other than PostGIS's own."""
    with psycopg.connect(**connect_kwargs(db)) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'spatial_ref_sys'"
        ).fetchall()
    return [row[0] for row in rows]


def connect_kwargs(db: dict) -> dict:
    pairs = {
        "host": db.get("HOST"),
        "port": db.get("PORT"),
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
        "dbname": db.get("NAME"),
    }
    return {key: value for key, value in pairs.items() if value}


def _backup_folder(path: Path) -> tuple[Path, compute.Manifest]:
    folder = Path(path)
    if folder.is_file() and folder.name == compute.MANIFEST_NAME:
        folder = folder.parent
    manifest_path = folder / compute.MANIFEST_NAME
    if not manifest_path.exists():
        raise InvalidInput(f"{folder} is not a backup: {compute.MANIFEST_NAME} is missing.")
    try:
        manifest = compute.Manifest.from_json(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"{manifest_path} is not a valid manifest: {exc}") from exc
    if problems := compute.verify(folder, manifest):
        raise BackupError("The backup is damaged: " + "; ".join(problems))
    return folder, manifest


def _database_ensure(db: dict) -> None:
    """Create the database `db` names on its server when it does not exist yet."""
    server = {**connect_kwargs(db), "dbname": "postgres"}
    with psycopg.connect(**server, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if found.fetchone() is None:
            conn.execute(
                psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(db["NAME"]))
            )


def backup_restore(
    *,
    path: Path,
    database_url: str | None = None,
    database: str | None = None,
    media_dir: Path | None = None,
    force: bool = False,
    restore_media: bool = True,
) -> compute.Manifest:
    """Restore a backup folder into an empty database (the configured one by default).

    `database` names a separate database on the configured server (created when
    missing), `database_url` one anywhere; media then go to `media_dir`, never into the
    live MEDIA_ROOT (InvalidInput without `media_dir` or with `restore_media` False).
    Refuses (Conflict) a database that already has tables unless `force`, in which case
    the dump's objects replace existing ones. Checks every SHA-256 before touching
    anything.
    """
    folder, manifest = _backup_folder(path)
    live = connections["default"].settings_dict
    if database_url:
        db = dj_database_url.parse(database_url)
    elif database:
        db = {**live, "NAME": database}
    else:
        db = live
    separate = (db.get("NAME"), db.get("HOST")) != (live.get("NAME"), live.get("HOST"))
    if restore_media and separate and media_dir is None:
        raise InvalidInput(
            "A restore into another database would unpack its media into the live "
            "MEDIA_ROOT: pass --media-dir DIR (or --no-media)."
        )
    media_root = Path(media_dir) if media_dir is not None else Path(settings.MEDIA_ROOT)
    if database and not database_url:
        _database_ensure(db)
    if (tables := _user_tables(db)) and not force:
        raise Conflict(
            f"Database {db['NAME']} is not empty ({len(tables)} tables); restore into an empty "
            "database or pass --force to replace its contents."
        )
    args = [_tool("pg_restore"), "--no-owner", "--exit-on-error", "-d", db["NAME"]]
    if force:
        args[1:1] = ["--clean", "--if-exists"]
    with tempfile.TemporaryDirectory(prefix="hromada-restore-") as scratch:
        if manifest.encrypted:
            folder = _decrypt(folder, Path(scratch))
        _run([*args, str(folder / compute.DUMP_NAME)], libpq_env(db))
        if restore_media:
            _unpack_media(folder / compute.MEDIA_NAME, media_root)
    return manifest


def _unpack_media(archive_path: Path, media_root: Path) -> None:
    """Unpack media/ from the archive into MEDIA_ROOT, refusing paths that escape it."""
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        members = [m for m in archive.getmembers() if m.name.startswith("media/")]
        for member in members:
            member.name = member.name.removeprefix("media/")
        archive.extractall(media_root, members=[m for m in members if m.name], filter="data")
