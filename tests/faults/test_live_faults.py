"""Faults against a real gunicorn and a throw-away PostgreSQL cluster of their own.

PostgreSQL is stopped under traffic: /healthz and the APIs answer 503 JSON (never a
stack trace) and everything recovers, without restarting gunicorn, once it is back.
An upload cut off midway leaves no report and no file.
"""

import json
import socket
import threading
import time
import urllib.request
import uuid

import pytest

from tests.faults.cluster import Cluster, Server, get, manage, server_env, wait_for

pytestmark = pytest.mark.faults

SEED = """
from django.contrib.gis.geos import MultiPolygon, Polygon
from layers.models import Settlement, Territory
from reports.models import Category
box = MultiPolygon(Polygon.from_bbox((32.52, 48.6, 32.92, 49.0)), srid=4326)
village = MultiPolygon(Polygon.from_bbox((32.70, 48.77, 32.74, 48.81)), srid=4326)
territory = Territory.objects.create(katottg="UA35040090000082553", name_uk="Громада", boundary=box)
Settlement.objects.create(katottg="UA35040090010099441", name_uk="Дмитрівка", boundary=village,
                          centre=village.centroid, territory=territory)
Category.objects.create(code="roads", name_uk="Дороги")
"""


@pytest.fixture(scope="module")
def live(tmp_path_factory, django_db_setup, django_db_blocker):
    """(cluster, server, var dir): a migrated database with one village, and gunicorn."""
    var_dir = tmp_path_factory.mktemp("faults-var")
    cluster = Cluster()
    server = None
    try:
        cluster.init()
        cluster.start()
        cluster.create_database()
        env = server_env(cluster, var_dir)
        with django_db_blocker.unblock():
            from django.db import connection

            cluster.copy_schema(connection.settings_dict)
        manage(env, "shell", "-c", SEED)
        server = Server(env)
        server.start(var_dir / "gunicorn.log")
        yield cluster, server, var_dir
    finally:
        if server is not None:
            server.stop()
        cluster.remove()


def _assert_json_503(status: int, headers: dict, body: bytes) -> None:
    assert status == 503, body[:300]
    assert headers.get("Content-Type", "").startswith("application/json")
    error = json.loads(body)["error"]
    assert error["code"] == "unavailable" and error["message"]
    assert b"Traceback" not in body and b"psycopg" not in body


class Traffic(threading.Thread):
    """Requests an API in a loop until stopped, keeping every status it got."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.statuses, self.stopped = url, [], threading.Event()

    def run(self):
        deadline = time.monotonic() + 60
        while not self.stopped.is_set() and time.monotonic() < deadline:
            self.statuses.append(get(self.url, timeout=5)[0])
            time.sleep(0.02)


def test_a_database_outage_gives_503_json_and_recovers_without_a_restart(live):
    cluster, server, _ = live
    api = server.url + "/api/v1/settlements/"
    assert get(server.url + "/healthz")[0] == 200
    assert get(api)[0] == 200
    traffic = Traffic(api)
    traffic.start()
    pid = server.process.pid
    try:
        cluster.stop("immediate")
        _assert_json_503(*get(server.url + "/healthz"))
        _assert_json_503(*get(api))
        _assert_json_503(*get(server.url + "/ogc/collections/settlements/items"))
        page_status, _, page = get(server.url + "/map/")
        assert page_status == 503 and b"Traceback" not in page
        cluster.start()
        wait_for(lambda: get(server.url + "/healthz")[0] == 200, seconds=20)
        wait_for(lambda: get(api)[0] == 200, seconds=10)
    finally:
        traffic.stopped.set()
        traffic.join(timeout=10)
        if not cluster.is_running():
            cluster.start()
    assert server.process.poll() is None and server.process.pid == pid  # never restarted
    assert set(traffic.statuses) <= {200, 503}, sorted(set(traffic.statuses))
    assert 503 in traffic.statuses and traffic.statuses[-1] == 200


SIGN_IN = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
user = get_user_model().objects.create_user("outage-staff", password="x" * 20, is_staff=True)
session = SessionStore()
session.update({"_auth_user_id": str(user.pk), "_auth_user_hash": user.get_session_auth_hash(),
                "_auth_user_backend": "django.contrib.auth.backends.ModelBackend"})
session.create()
print(session.session_key)
"""


def _post_signed_in(url: str, session_key: str) -> tuple[int, dict, bytes]:
    """POST a small form as a signed-in user (no CSRF token: the answer comes before)."""
    headers = {"Cookie": f"sessionid={session_key}"}
    request = urllib.request.Request(url, data=b"x=1", headers=headers, method="POST")  # noqa: S310
    return get(request)


def test_every_503_of_a_database_restart_says_when_to_retry(live):
    cluster, server, _ = live
    # The last line: Django's shell may first say what it imported.
    session_key = manage(server_env(cluster, live[2]), "shell", "-c", SIGN_IN).split()[-1]
    try:
        cluster.stop("fast")  # an operator's restart: sessions are ended, then it comes back
        for path in ("/healthz", "/api/v1/settlements/", "/map/"):
            status, headers, _ = get(server.url + path)
            assert (status, headers.get("Retry-After")) == (503, "5"), path
        # A signed-in POST reads its user in a middleware (the body's limit), before any
        # view: a 503 as well, not the 500 page.
        status, headers, body = _post_signed_in(server.url + "/reports/new/", session_key)
        assert (status, headers.get("Retry-After")) == (503, "5"), body[:300]
        page = get(server.url + "/map/")[2].decode()
        assert 'class="site-nav"' in page and "Сервіс тимчасово недоступний" in page
        cluster.start()
        wait_for(lambda: get(server.url + "/api/v1/settlements/")[0] == 200, seconds=20)
    finally:
        if not cluster.is_running():
            cluster.start()


def _multipart(boundary: str, fields: dict, photo: bytes) -> bytes:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="p.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n".encode()
        + photo
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


def _post_raw(server: Server, body: bytes, boundary: str, *, send: int) -> bytes:
    """POST /api/v1/reports/ announcing len(body) bytes but sending only `send` of them."""
    head = (
        f"POST /api/v1/reports/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
        conn.sendall(head + body[:send])
        conn.shutdown(socket.SHUT_WR)  # the phone lost its signal
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _photo() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (800, 600), (120, 30, 30)).save(out, "JPEG", quality=95)
    return out.getvalue()


def _media_files(var_dir) -> int:
    """Files under media: the photos' copies and the files as sent, waiting for them."""
    return len([path for path in (var_dir / "media").rglob("*") if path.is_file()])


def _reports_in_db(cluster: Cluster) -> int:
    import subprocess

    from tests.faults.cluster import DB_NAME, DB_USER, PG_BIN

    result = subprocess.run(  # noqa: S603 — fixed arguments, our own cluster
        [str(PG_BIN / "psql"), "-h", str(cluster.socket_dir), "-U", DB_USER, "-d", DB_NAME]
        + ["-tAc", "SELECT count(*) FROM reports_report"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return int(result.stdout.strip())


def test_an_upload_cut_off_midway_leaves_no_report_and_no_file(live):
    cluster, server, var_dir = live
    boundary = uuid.uuid4().hex
    fields = {"category": "roads", "lat": "48.7936", "lon": "32.7208", "description": "Яма"}
    body = _multipart(boundary, fields, _photo())
    before_rows, before_files = _reports_in_db(cluster), _media_files(var_dir)

    _post_raw(server, body, boundary, send=len(body) // 2)
    time.sleep(0.5)
    assert _reports_in_db(cluster) == before_rows
    assert _media_files(var_dir) == before_files

    # The same request sent whole is filed, with its photo: the cut was what stopped it.
    answer = _post_raw(server, body, boundary, send=len(body))
    assert b" 201 " in answer.split(b"\r\n", 1)[0], answer[:400]
    assert _reports_in_db(cluster) == before_rows + 1
    assert _media_files(var_dir) > before_files
