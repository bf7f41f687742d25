"""Backups restore: dump, restore into a fresh database, compare every table."""

import io
import json
import shutil
import subprocess
import tarfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ops import compute
from ops.services import connect_kwargs, gpg_daemons_stop
from tests.faults.cluster import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def table_fingerprints(conn) -> dict[str, tuple[int, str]]:
    """{table: (row count, md5 of all rows as text in a stable order)} for public tables."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
    ]
    result = {}
    for table in tables:
        count, digest = conn.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
            f'FROM "{table}" AS t'
        ).fetchone()
        result[table] = (count, digest)
    return result


@pytest.fixture
def scratch_database():
    """An empty database beside the test database, dropped afterwards; yields its URL."""
    db = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(**{**connect_kwargs(db), "dbname": "postgres"}, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    host = (db.get("HOST") or "").replace("/", "%2F")
    user = db.get("USER") or ""
    yield name, f"postgis://{user}@{host}/{name}"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "reports").mkdir(parents=True)
    (settings.MEDIA_ROOT / "reports" / "photo.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    return settings.MEDIA_ROOT


def test_backup_restores_into_a_fresh_database_with_identical_tables(
    tmp_path, facility, media, scratch_database
):
    call_command("ops_backup", str(tmp_path / "backups"), stdout=io.StringIO())
    (folder,) = (tmp_path / "backups").iterdir()
    name, url = scratch_database
    media_restored = tmp_path / "media-restored"
    call_command(
        "ops_restore", str(folder), database_url=url, media_dir=media_restored, stdout=io.StringIO()
    )

    db = connection.settings_dict
    with (
        psycopg.connect(**connect_kwargs(db)) as source,
        psycopg.connect(**{**connect_kwargs(db), "dbname": name}) as restored,
    ):
        before, after = table_fingerprints(source), table_fingerprints(restored)
    assert before == after
    assert before["layers_facility"][0] == 1
    assert (media_restored / "reports" / "photo.jpg").read_bytes() == b"\xff\xd8 not really a jpeg"


def test_manifest_lists_sha256_of_dump_and_media(tmp_path, territory, media):
    call_command("ops_backup", str(tmp_path), stdout=io.StringIO())
    (folder,) = tmp_path.glob("hromada-*")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["files"]) == {"database.dump", "media.tar.gz"}
    for name, info in manifest["files"].items():
        assert info["sha256"] == compute.sha256_file(folder / name)
    with tarfile.open(folder / "media.tar.gz") as archive:
        assert "media/reports/photo.jpg" in archive.getnames()


def test_backup_keeps_only_the_newest_n(tmp_path, territory, media):
    for _ in range(3):
        call_command("ops_backup", str(tmp_path), keep=2, stdout=io.StringIO())
    assert len(list(tmp_path.glob("hromada-*"))) == 2
    assert not list(tmp_path.glob(".partial-*"))


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, territory, media):
    call_command("ops_backup", str(tmp_path), stdout=io.StringIO())
    (folder,) = tmp_path.glob("hromada-*")
    with pytest.raises(CommandError, match="not empty"):
        call_command("ops_restore", str(folder), stdout=io.StringIO())


def test_restore_refuses_a_damaged_backup_before_touching_anything(
    tmp_path, territory, media, scratch_database
):
    call_command("ops_backup", str(tmp_path), stdout=io.StringIO())
    (folder,) = tmp_path.glob("hromada-*")
    with (folder / "database.dump").open("ab") as dump:
        dump.write(b"tampered")
    name, url = scratch_database
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("ops_restore", str(folder), database_url=url, stdout=io.StringIO())
    with psycopg.connect(**{**connect_kwargs(connection.settings_dict), "dbname": name}) as conn:
        assert table_fingerprints(conn) == {}


def test_restore_of_a_folder_without_manifest_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="manifest.json is missing"):
        call_command("ops_restore", str(tmp_path), stdout=io.StringIO())


def test_keep_below_one_is_refused_and_nothing_is_written(tmp_path):
    with pytest.raises(CommandError, match="--keep"):
        call_command("ops_backup", str(tmp_path / "b"), keep=0, stdout=io.StringIO())
    assert not (tmp_path / "b").exists()


def test_rotation_removes_only_our_oldest_folders():
    names = ["hromada-20260101", "hromada-20260103", "notes", "hromada-20260102"]
    assert compute.backups_to_remove(names, keep=2) == ["hromada-20260101"]


def test_backup_folders_and_files_are_private_to_their_owner(tmp_path, territory, media):
    call_command("ops_backup", str(tmp_path / "backups"), stdout=io.StringIO())
    (folder,) = (tmp_path / "backups").iterdir()
    assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700
    assert folder.stat().st_mode & 0o777 == 0o700
    modes = {file.name: file.stat().st_mode & 0o777 for file in folder.iterdir()}
    assert modes and set(modes.values()) == {0o600}, modes


def test_restore_into_a_named_database_and_media_dir_leaves_the_live_ones_alone(
    tmp_path, facility, media
):
    call_command("ops_backup", str(tmp_path / "backups"), stdout=io.StringIO())
    (folder,) = (tmp_path / "backups").iterdir()
    (media / "reports" / "photo.jpg").write_bytes(b"live, newer than the backup")
    name = f"restore_check_{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    try:
        call_command(
            "ops_restore",
            str(folder),
            database=name,
            media_dir=tmp_path / "check-media",
            stdout=io.StringIO(),
        )
        with psycopg.connect(**{**connect_kwargs(db), "dbname": name}) as restored:
            count = restored.execute("SELECT count(*) FROM layers_facility").fetchone()[0]
        assert count == 1
    finally:
        with psycopg.connect(**{**connect_kwargs(db), "dbname": "postgres"}, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    restored_photo = tmp_path / "check-media" / "reports" / "photo.jpg"
    assert restored_photo.read_bytes() == b"\xff\xd8 not really a jpeg"
    assert (media / "reports" / "photo.jpg").read_bytes() == b"live, newer than the backup"


def test_restore_into_another_database_without_a_media_dir_is_refused(
    tmp_path, territory, media, scratch_database
):
    call_command("ops_backup", str(tmp_path / "backups"), stdout=io.StringIO())
    (folder,) = (tmp_path / "backups").iterdir()
    name, url = scratch_database
    with pytest.raises(CommandError, match="--media-dir"):
        call_command("ops_restore", str(folder), database_url=url, stdout=io.StringIO())
    with psycopg.connect(**{**connect_kwargs(connection.settings_dict), "dbname": name}) as c:
        tables = c.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert tables.fetchone()[0] == 0


@contextmanager
def gpg_keyring(tmp_path, monkeypatch):
    """A throw-away GnuPG key pair: yield the public key in a file, the private one in a
    keyring under tmp_path that GNUPGHOME names (as an operator's would on the machine
    that restores). Its gpg-agent is stopped on leaving, whatever happened."""
    if shutil.which("gpg") is None:
        pytest.skip("GnuPG is not installed")
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    gpg = ["gpg", "--batch", "--homedir", str(home), "--passphrase", ""]
    try:
        subprocess.run(  # noqa: S603
            [
                *gpg,
                "--quick-gen-key",
                "Backup Test <backup@example.org>",
                "future-default",
                "default",
                "never",
            ],
            check=True,
            capture_output=True,
        )
        public = tmp_path / "backup-public.asc"
        subprocess.run(  # noqa: S603
            [*gpg, "--armor", "--output", str(public), "--export", "backup@example.org"],
            check=True,
            capture_output=True,
        )
        yield public
    finally:
        gpg_daemons_stop(home)


@pytest.fixture
def gpg_key(tmp_path, monkeypatch):
    with gpg_keyring(tmp_path, monkeypatch) as public:
        yield public


def gpg_agents(under: Path) -> list[str]:
    """Command lines of the live gpg-agent processes whose keyring lies under `under`."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:  # gone meanwhile, or not a process
            continue
        if argv[0].endswith(b"gpg-agent") and str(under).encode() in b" ".join(argv):
            found.append(b" ".join(argv).decode(errors="replace"))
    return found


def test_encrypted_backups_and_their_test_keyring_leave_no_gpg_agent_running(
    tmp_path, facility, media, monkeypatch
):
    with gpg_keyring(tmp_path, monkeypatch) as public:
        call_command(
            "ops_backup", str(tmp_path / "backups"), encrypt_to=public, stdout=io.StringIO()
        )
        # The backup's own temporary keyring (a folder inside the backup) left no agent.
        assert gpg_agents(tmp_path / "backups") == []
        (folder,) = (tmp_path / "backups").iterdir()
        plain = tmp_path / "backup.tar"
        subprocess.run(  # noqa: S603 — what an operator runs to read an off-site copy
            [
                shutil.which("gpg"),
                "--batch",
                "--output",
                str(plain),
                "--decrypt",
                str(folder / compute.ENCRYPTED_NAME),
            ],
            check=True,
            capture_output=True,
        )
        with tarfile.open(plain) as archive:
            assert compute.DUMP_NAME in archive.getnames()
        # Decrypting with the private key needs the keyring's agent: the check can see it.
        assert gpg_agents(tmp_path / "gnupg") != []
    # gpgconf --kill asks the agent to stop; it exits a moment later.
    wait_for(lambda: gpg_agents(tmp_path) == [], seconds=15)


def test_an_encrypted_backup_holds_nothing_in_clear_and_restores_with_the_private_key(
    tmp_path, facility, media, gpg_key
):
    call_command("ops_backup", str(tmp_path / "backups"), encrypt_to=gpg_key, stdout=io.StringIO())
    (folder,) = (tmp_path / "backups").iterdir()
    names = sorted(p.name for p in folder.iterdir())
    assert names == [compute.ENCRYPTED_NAME, compute.MANIFEST_NAME]
    assert b"not really a jpeg" not in (folder / compute.ENCRYPTED_NAME).read_bytes()
    manifest = json.loads((folder / compute.MANIFEST_NAME).read_text())
    assert manifest["encrypted"] == "gpg"
    name = f"restore_enc_{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    try:
        call_command(
            "ops_restore",
            str(folder),
            database=name,
            media_dir=tmp_path / "m",
            stdout=io.StringIO(),
        )
        with psycopg.connect(**{**connect_kwargs(db), "dbname": name}) as restored:
            assert restored.execute("SELECT count(*) FROM layers_facility").fetchone()[0] == 1
    finally:
        with psycopg.connect(**{**connect_kwargs(db), "dbname": "postgres"}, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert (tmp_path / "m" / "reports" / "photo.jpg").read_bytes() == b"\xff\xd8 not really a jpeg"
