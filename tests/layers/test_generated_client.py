"""A Python client generated from /api/v1/schema/ works against the running service.

openapi-python-client (offline: it reads the schema file, writes code, formats it with
ruff) generates the package into tmp_path; the test imports it and calls three endpoints
of a live server through it, so that the published schema is one a generator turns into
working code, typed models included.
"""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

PACKAGE = "hromada_api_client"


def generate(schema_url: str, tmp_path: Path) -> Path:
    schema = tmp_path / "schema.json"
    schema.write_text(httpx.get(schema_url, timeout=60).text, encoding="utf-8")
    venv_bin = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(  # noqa: S603 (our own generator on our own schema)
        [venv_bin / "openapi-python-client", "generate", "--path", schema, "--meta", "none"]
        + ["--output-path", tmp_path / PACKAGE],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    return tmp_path


@pytest.fixture
def generated(live_server, tmp_path):
    root = generate(f"{live_server.url}/api/v1/schema/", tmp_path)
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_calls_three_endpoints(generated, live_server, settlement):
    from reports.models import Category

    Category.objects.create(code="pothole", name_uk="Вибоїна", name_en="Pothole")
    locate = importlib.import_module(f"{PACKAGE}.api.layers.layers_api_locate")
    detail = importlib.import_module(f"{PACKAGE}.api.layers.layers_api_settlement_detail")
    categories = importlib.import_module(f"{PACKAGE}.api.reports.reports_api_category_list")
    models = importlib.import_module(f"{PACKAGE}.models")
    client = generated.Client(base_url=live_server.url, raise_on_unexpected_status=True)

    where = locate.sync(client=client, lat=48.79, lon=32.72)
    assert isinstance(where, models.LocateOut)
    assert where.in_territory and where.settlement.katottg == settlement.katottg

    found = detail.sync_detailed(client=client, katottg=settlement.katottg)
    assert found.status_code == 200
    assert json.loads(found.content)["properties"]["name_uk"] == settlement.name_uk
    missing = detail.sync_detailed(client=client, katottg="UA00000000000000000")
    assert missing.status_code == 404 and isinstance(missing.parsed, models.ErrorOut)

    listed = categories.sync(client=client)
    assert [item["code"] for item in listed] == ["pothole"]
