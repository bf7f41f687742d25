"""The production profile (HROMADA_PROFILE=production in gis/settings.py).

Settings are read once at import, so each check runs Django in a fresh process with the
production environment. None of them needs the database.
"""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.logs import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "t8Qz-production-test-key-4Jx9vWm2Lr7Kp0Ns5Bd3Hf6Gy1Ce8Ua"


def production_env(**extra) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "LOG_"))
    }
    env.update(
        HROMADA_PROFILE="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="gis.example.ua",
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="gis.settings",
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 — fixed arguments
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_no_warning_in_the_production_profile():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_check_deploy_warns_in_the_development_profile():
    """The same check is not vacuous: the development settings fail it."""
    env = production_env(HROMADA_PROFILE="development")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # no HSTS


def test_the_production_profile_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = run(["-c", "import gis.settings"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_the_production_profile_refuses_debug():
    result = run(["-c", "import gis.settings"], production_env(DEBUG="1"))
    assert result.returncode != 0 and "DEBUG" in result.stderr


def test_an_unknown_profile_name_is_refused():
    result = run(["-c", "import gis.settings"], production_env(HROMADA_PROFILE="prod"))
    assert result.returncode != 0 and "HROMADA_PROFILE" in result.stderr


HEADERS_SCRIPT = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
# No collectstatic manifest in a checkout: resolve {% static %} from the finders.
static = "django.contrib.staticfiles.storage.StaticFilesStorage"
settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": static}}
client = Client(HTTP_HOST="gis.example.ua")
secure = client.get("/accounts/login/", secure=True)
plain = client.get("/accounts/login/")
health = client.get("/healthz")
print(json.dumps({
    "secure": dict(secure.headers),
    "cookies": {name: dict(morsel) for name, morsel in secure.cookies.items()},
    "body": secure.content.decode(),
    "plain": [plain.status_code, plain.headers.get("Location")],
    "health": health.status_code,
}))
"""


@pytest.fixture(scope="module")
def production_answers() -> dict:
    result = run(["-c", HEADERS_SCRIPT], production_env(LOG_LEVEL="CRITICAL"))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_pages_send_the_security_headers(production_answers):
    headers = production_answers["secure"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_pages_send_a_content_security_policy_with_a_fresh_nonce(
    production_answers,
):
    policy = production_answers["secure"]["Content-Security-Policy"]
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    script = directives["script-src"].split()
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    nonce = next(source for source in script if source.startswith("'nonce-"))
    assert len(nonce) > 20


def test_production_cookies_are_secure_and_the_session_cookie_is_http_only(production_answers):
    csrf = production_answers["cookies"]["csrftoken"]
    assert csrf["secure"] is True
    from django.conf import settings

    assert settings.SESSION_COOKIE_HTTPONLY  # Django's default, kept in production


def test_plain_http_is_redirected_to_https_except_the_health_check(production_answers):
    status, location = production_answers["plain"]
    assert status == 301 and location == "https://gis.example.ua/accounts/login/"
    assert production_answers["health"] in {200, 503}  # answered, not redirected


def test_the_json_log_formatter_writes_one_object_per_line_with_extra_fields():
    formatter = JsonFormatter()
    logger = logging.getLogger("hromada.test")
    try:
        raise ValueError("broken\nline")
    except ValueError:
        record = logger.makeRecord(
            "hromada.test",
            logging.ERROR,
            __file__,
            1,
            "report %s failed",
            ("2025-00001",),
            sys.exc_info(),
            extra={"status_code": 500},
        )
    line = formatter.format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "hromada.test"
    assert entry["message"] == "report 2025-00001 failed"
    assert entry["status_code"] == 500
    assert "ValueError: broken" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_the_production_profile_logs_json():
    script = "import django, logging; django.setup(); logging.getLogger('x').warning('hello %s', 1)"
    result = run(["-c", script], production_env())
    assert json.loads(result.stderr.strip().splitlines()[-1])["message"] == "hello 1"
