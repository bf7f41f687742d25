"""A Docker stack that deploys (issue #21): the compose file hands every setting through
(env_file), runs a current PostGIS, keeps the database, media and backups on volumes and
checks health; the image has two stages and runs as a non-root user; a .env copied from
.env.example (blank lines included) leaves every setting at its default.

Docker itself is not needed: the files are read as YAML and text; `docker compose config`
runs too when Docker Compose is installed.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value
    return pairs


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_database_is_a_current_postgis_on_a_volume_with_a_health_check(compose):
    db = compose["services"]["db"]
    image, _, tag = db["image"].partition(":")
    assert image == "postgis/postgis"
    assert int(tag.split("-")[0]) >= 17
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_the_web_service_gets_every_setting_and_keeps_media_and_backups(compose):
    web = compose["services"]["web"]
    assert web["env_file"] in (".env", [".env"])
    assert "TRUSTED_PROXY_COUNT" in web["environment"]
    mounts = {v.split(":")[1] for v in web["volumes"]}
    assert {"/var/lib/hromada/media", "/var/lib/hromada/backups"} <= mounts
    assert set(compose["volumes"]) >= {"pgdata", "media", "backups"}
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    assert web["depends_on"]["db"]["condition"] == "service_healthy"


def test_a_task_worker_runs_beside_the_web_service_with_the_same_settings(compose):
    """The council pack ordered from /maps/print/ is a background task: without a worker
    in the stack it would wait for ever."""
    web, worker = compose["services"]["web"], compose["services"]["worker"]
    assert worker["command"][-2:] == ["db_worker", "--no-reload"]
    assert worker["environment"] == web["environment"]
    assert worker["env_file"] == web["env_file"] and worker["build"] == web["build"]
    assert worker["depends_on"]["web"]["condition"] == "service_healthy"  # after migrate
    assert worker["healthcheck"]["disable"] is True
    assert "/var/lib/hromada/media" in {v.split(":")[1] for v in worker["volumes"]}


def test_the_image_has_two_stages_and_runs_as_a_non_root_user():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    stages = [line for line in lines if line.startswith("FROM ")]
    assert len(stages) >= 2
    final = lines[lines.index(stages[-1]) :]
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any(line.startswith("HEALTHCHECK") for line in final)
    assert any("COPY --from=" in line for line in final)
    assert not any("npm" in line for line in final)  # build tools stay in the build stage


def test_a_env_file_copied_from_the_example_keeps_every_default():
    env = {k: v for k, v in os.environ.items() if k not in env_example()}
    env.update(env_example())
    env["DJANGO_SETTINGS_MODULE"] = "gis.settings"
    code = (
        "import json, django; from django.conf import settings as s; django.setup(); "
        "print(json.dumps([str(s.MEDIA_ROOT), str(s.STATIC_ROOT), str(s.BASEMAP_CACHE_DIR), "
        "s.CACHES['default']['LOCATION'], s.EMAIL_BACKEND, s.REQUEST_BODY_MAX_BYTES]))"
    )
    result = subprocess.run(  # noqa: S603 — our own interpreter and code
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    media, static, basemap, cache, backend, body_max = json.loads(result.stdout.splitlines()[-1])
    for path in (media, static, basemap, cache):
        assert Path(path).is_absolute() and Path(path).name, path
    assert backend == "django.core.mail.backends.console.EmailBackend"
    assert body_max == 1024 * 1024


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,  # noqa: S607
    reason="Docker Compose is not installed here",
)
def test_docker_compose_config_validates(tmp_path):
    env = {**os.environ, "POSTGRES_PASSWORD": "x", "SECRET_KEY": "y" * 50}
    (ROOT / ".env").exists() or pytest.skip("docker compose config needs a .env beside it")
    result = subprocess.run(
        ["docker", "compose", "config", "-q"],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
