"""Mail settings come from the environment (issue #21): SMTP with STARTTLS when
EMAIL_HOST is set; a message really reaches a local SMTP sink (port 0, per test)."""

import json
import os
import socketserver
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core import mail

ROOT = Path(__file__).resolve().parents[2]


class _SMTPSink(socketserver.StreamRequestHandler):
    """Just enough of SMTP (RFC 5321) to accept one message and keep it."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif command == "DATA":
                self.reply("354 go on")
                body = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(data)
                self.server.messages.append(b"".join(body).decode())
                self.reply("250 kept")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                self.reply("250 ok")


@pytest.fixture
def smtp_sink():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPSink)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _settings_with(env: dict) -> dict:
    """The mail settings gis.settings reads with `env` (a fresh interpreter)."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({k: getattr(settings, k) for k in ('EMAIL_BACKEND', 'EMAIL_HOST', "
        "'EMAIL_PORT', 'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD', 'EMAIL_USE_TLS', "
        "'EMAIL_USE_SSL', 'DEFAULT_FROM_EMAIL')}))"
    )
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DEFAULT_FROM"))}
    result = subprocess.run(  # noqa: S603 — our own interpreter and code
        [sys.executable, "-c", code],
        env={**keep, "DJANGO_SETTINGS_MODULE": "gis.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_mail_settings_are_read_from_the_environment():
    read = _settings_with(
        {
            "EMAIL_HOST": "smtp.example.org",
            "EMAIL_PORT": "2525",
            "EMAIL_HOST_USER": "hromada",
            "EMAIL_HOST_PASSWORD": "s3cret",
            "DEFAULT_FROM_EMAIL": "gis@hromada.example.org",
        }
    )
    assert read == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "hromada",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": True,  # STARTTLS unless told otherwise
        "EMAIL_USE_SSL": False,
        "DEFAULT_FROM_EMAIL": "gis@hromada.example.org",
    }


def test_without_a_mail_server_mail_goes_to_the_console_and_empty_values_are_defaults():
    read = _settings_with({"EMAIL_HOST": "", "EMAIL_PORT": "", "EMAIL_BACKEND": ""})
    assert read["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert read["EMAIL_PORT"] == 587


def test_a_message_reaches_the_smtp_server(settings, smtp_sink):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_sink.server_address
    settings.EMAIL_USE_TLS = False  # the sink speaks plain SMTP
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    sent = mail.send_mail(
        "Звернення 2026-00001", "Дякуємо!", "gis@hromada.example.org", ["resident@example.org"]
    )
    assert sent == 1
    assert len(smtp_sink.messages) == 1
    assert "resident@example.org" in smtp_sink.messages[0]
