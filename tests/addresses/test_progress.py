"""Progress bars of addresses_import and addresses_export: on stderr when it is a
terminal or `--progress` asks, silent otherwise (tests, pipes, cron)."""

import io
import os
import pty

from django.core.management import call_command

from addresses.models import Address
from core.progress import wants_progress
from tests.addresses.test_imports import HEADER, KATOTTG

ROWS = 201  # over core.progress.MIN_ROWS


def _many(tmp_path):
    lines = [f"вулиця,Шевченка,{n},27422,1,,32.72,48.79" for n in range(1, ROWS + 1)]
    path = tmp_path / "many.csv"
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(path, *flags):
    err = io.StringIO()
    args = [str(path), "--settlement", KATOTTG, "--commit", *flags]
    call_command("addresses_import", *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def _export(path, *flags):
    err = io.StringIO()
    call_command(
        "addresses_export", str(path), "--format", "csv", *flags, stdout=io.StringIO(), stderr=err
    )
    return err.getvalue()


def test_an_import_asked_for_progress_shows_it(settlement, tmp_path):
    err = _import(_many(tmp_path), "--progress")
    assert "checking" in err and f"{ROWS}/{ROWS}" in err
    assert Address.objects.count() == ROWS


def test_an_import_off_a_terminal_is_silent(settlement, tmp_path):
    assert _import(_many(tmp_path)) == ""
    assert Address.objects.count() == ROWS


def test_an_export_asked_for_progress_shows_it_and_is_silent_otherwise(settlement, tmp_path):
    _import(_many(tmp_path))
    err = _export(tmp_path / "out.csv", "--progress")
    assert "exporting" in err and f"{ROWS}/{ROWS}" in err
    assert _export(tmp_path / "again.csv") == ""
    assert (tmp_path / "out.csv").read_bytes() == (tmp_path / "again.csv").read_bytes()


def test_a_terminal_gets_a_bar_and_a_pipe_does_not():
    leader, follower = pty.openpty()
    read_end, write_end = os.pipe()
    with os.fdopen(follower, "w") as terminal, os.fdopen(write_end, "w") as pipe:
        assert wants_progress(terminal)
        assert not wants_progress(pipe)
        assert wants_progress(pipe, force=True)
    os.close(leader)
    os.close(read_end)
