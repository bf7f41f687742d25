"""Later pages of an OGC items request answered from the kept shape of the first
(`layers.ogc.replay`): the same status, headers and bytes as Django's whole request
cycle gives them (but the time stamp), and every other request left to Django."""

import copy
import json
import re
import threading
from urllib.parse import quote

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from bench.ogc_cpu import wsgi_environ
from layers import registry
from layers.ogc import replay
from layers.ogc import selectors as ogc_selectors
from layers.tiles import cache as tilecache
from tests.layers.test_ogc_paging import make_facilities

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS = "/ogc/collections/facilities/items"
STAMP = re.compile(rb'"timeStamp": "[^"]+"')


class Counted:
    """Django's WSGI application, counting the requests it answers."""

    def __init__(self):
        self.django = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.django(environ, start_response)


@pytest.fixture(autouse=True)
def fresh(settings):
    """No kept shapes, counts or SQL texts between tests; a data version of the test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ogc-replay-tests",
        }
    }
    replay.clear()
    ogc_selectors.clear()
    yield
    replay.clear()
    ogc_selectors.clear()


@pytest.fixture
def django_app():
    return Counted()


@pytest.fixture
def app(django_app):
    return replay.KeptPagesApplication(django_app)


def environ(query: str, *, path: str = ITEMS, method: str = "GET", **headers) -> dict:
    """A WSGI environ as gunicorn builds it; `headers` as HTTP_* names."""
    return wsgi_environ(path, query, method=method, host="testserver", port="80", **headers)


def call(application, env: dict) -> tuple[str, list, bytes]:
    """Return (status, sorted headers, body) of one WSGI call, closing the answer."""
    seen = []
    answer = application(env, lambda status, headers, exc_info=None: seen.extend([status, headers]))
    try:
        body = b"".join(answer)
    finally:
        getattr(answer, "close", lambda: None)()
    return seen[0], sorted(seen[1]), body


def same_answer(kept: tuple, django: tuple) -> None:
    assert kept[0] == django[0]
    assert kept[1] == django[1]
    assert STAMP.sub(b"", kept[2]) == STAMP.sub(b"", django[2])


@pytest.mark.parametrize(
    "query",
    [
        "limit=3",
        "limit=2&filter=" + quote("kind = 'school' AND down_mbps IS NULL"),
        "limit=3&crs=" + quote("http://www.opengis.net/def/crs/EPSG/0/6385"),
        "limit=3&properties=name,kind&sortby=-name",
        "limit=4&bbox=32.70,48.7,32.715,48.8&internet=not_connected",
    ],
    ids=["plain", "cql2", "epsg6385", "properties-sortby", "bbox-equality"],
)
@pytest.mark.parametrize("language", ["uk", "en"])
def test_a_later_page_is_answered_as_djangos_whole_cycle_answers_it(
    settlement, app, django_app, query, language, monkeypatch
):
    monkeypatch.setattr(ogc_selectors, "ANCHOR_EVERY", 4)  # deep pages start at anchors
    make_facilities(settlement, 30)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    first = call(app, environ(f"{query}&offset=0", **headers))
    assert first[0] == "200 OK" and django_app.calls == 1
    for offset in (3, 17, 29, 30, 500):
        kept = call(app, environ(f"{query}&offset={offset}", **headers))
        assert django_app.calls == 1, "answered from the kept shape"
        same_answer(kept, call(WSGIHandler(), environ(f"{query}&offset={offset}", **headers)))
    body = json.loads(call(app, environ(f"{query}&offset=3", **headers))[2])
    titles = {link["rel"]: link["title"] for link in body["links"]}
    assert titles["next"] == ("Next page" if language == "en" else "Наступна сторінка")


def test_each_language_and_host_is_a_shape_of_its_own(settlement, app, django_app):
    make_facilities(settlement, 5)
    call(app, environ("limit=2&offset=0", HTTP_ACCEPT_LANGUAGE="en"))
    uk = call(app, environ("limit=2&offset=2", HTTP_ACCEPT_LANGUAGE="uk"))
    assert django_app.calls == 2 and "Наступна сторінка" in uk[2].decode()
    other = call(app, environ("limit=2&offset=2", HTTP_ACCEPT_LANGUAGE="uk", HTTP_HOST="localhost"))
    assert django_app.calls == 3 and b"http://localhost/ogc/" in other[2]
    ignored = {
        "HTTP_USER_AGENT": "GDAL",
        "HTTP_X_FORWARDED_FOR": "10.0.0.9",
        "HTTP_SEC_FETCH_MODE": "cors",
    }
    call(app, environ("limit=2&offset=4", HTTP_ACCEPT_LANGUAGE="uk", **ignored))
    assert django_app.calls == 3, "headers nothing reads do not make a new shape"
    call(app, environ("limit=2&offset=4", HTTP_ACCEPT_LANGUAGE="uk", HTTP_X_JUNK="x" * 9000))
    call(app, environ("limit=2&offset=2", HTTP_ACCEPT_LANGUAGE="uk", HTTP_X_JUNK="x" * 9000))
    assert django_app.calls == 5, "a shape with over 8 kB of headers is not kept"


@pytest.mark.parametrize(
    ("env", "why"),
    [
        ({"HTTP_COOKIE": "sessionid=abc"}, "a session may see other collections"),
        ({"HTTP_AUTHORIZATION": "Basic eDp5"}, "credentials"),
        ({"method": "HEAD"}, "HEAD"),
        ({"CONTENT_LENGTH": "5"}, "a body"),
    ],
    ids=["cookie", "authorization", "head", "body"],
)
def test_requests_that_are_not_anonymous_plain_gets_go_to_django(
    settlement, app, django_app, env, why
):
    make_facilities(settlement, 5)
    call(app, environ("limit=2&offset=0"))
    calls = django_app.calls
    env = dict(env)
    method = env.pop("method", "GET")
    call(app, environ("limit=2&offset=2", method=method, **env))
    assert django_app.calls == calls + 1, why


@pytest.mark.parametrize(
    "offset_part",
    [
        "offset=-1",
        "offset=x",
        "offset=+4",  # Django reads " 4": 400
        "offset=%34",
        "offset=1&offset=2",
        "offset=4&%6Fffset=3",  # Django reads the last decoded one
        "offset=4&offset",
        "",
    ],
)
def test_an_offset_not_written_as_one_plain_number_gets_djangos_answer(
    settlement, app, django_app, offset_part
):
    make_facilities(settlement, 9)
    call(app, environ("limit=2&offset=0"))
    query = "&".join(p for p in ("limit=2", offset_part) if p)
    answer = call(app, environ(query))
    assert django_app.calls == 2, "Django answered it"
    assert answer[0] == call(WSGIHandler(), environ(query))[0]


def test_the_place_of_offset_is_part_of_the_shape(settlement, app, django_app):
    make_facilities(settlement, 5)
    call(app, environ("offset=0&limit=2"))
    call(app, environ("limit=2&offset=2"))
    assert django_app.calls == 2
    call(app, environ("offset=4&limit=2"))
    assert django_app.calls == 2


def test_errors_html_and_streamed_pages_are_not_kept(settlement, app, django_app):
    make_facilities(settlement, 5)
    for query in ("limit=x&offset=0", "f=html&offset=0", "limit=5000&offset=0"):
        call(app, environ(query))
        call(app, environ(query.replace("offset=0", "offset=1")))
    assert django_app.calls == 6
    call(app, environ("offset=0", path="/ogc/collections/nothing/items"))
    call(app, environ("offset=1", path="/ogc/collections/nothing/items"))
    assert django_app.calls == 8 and replay._kept == {}


def test_a_write_between_pages_shows_in_the_next_kept_page(settlement, app, django_app):
    made = make_facilities(settlement, 5)
    call(app, environ("limit=2&offset=0"))
    make_facilities(settlement, 2, start=5)
    made[0].delete()
    body = json.loads(call(app, environ("limit=10&offset=0"))[2])
    later = json.loads(call(app, environ("limit=2&offset=4"))[2])
    assert django_app.calls == 2
    assert body["numberMatched"] == later["numberMatched"] == 6
    assert [f["id"] for f in later["features"]] == [f["id"] for f in body["features"][4:6]]


def test_a_dead_connection_sends_the_page_to_django_which_answers_it(settlement, app, django_app):
    make_facilities(settlement, 5)
    call(app, environ("limit=2&offset=0"))
    connection.connection.pgconn.finish()  # the server side gone, as after a restart
    answer = call(app, environ("limit=2&offset=2"))
    assert answer[0] == "200 OK" and django_app.calls == 2
    assert json.loads(answer[2])["numberReturned"] == 2
    assert call(app, environ("limit=2&offset=4"))[0] == "200 OK"
    assert django_app.calls == 2, "the shape is still kept"


def test_a_kept_page_runs_under_the_public_read_statement_timeout(
    settlement, app, django_app, settings
):
    settings.PUBLIC_READ_STATEMENT_TIMEOUT_MS = 4321
    make_facilities(settlement, 5)
    call(app, environ("limit=2&offset=0"))
    connection.close()  # a new connection: its timeout is set again before the page's query
    call(app, environ("limit=2&offset=2"))
    assert django_app.calls == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "4321ms"


def test_the_script_prefix_is_the_requests_own_in_any_thread(settlement, app, django_app):
    make_facilities(settlement, 5)
    env = {"SCRIPT_NAME": "/gis"}
    call(app, environ("limit=2&offset=0", **env))
    answers = []

    def in_a_new_thread():
        try:
            answers.append(call(app, environ("limit=2&offset=2", **env)))
        finally:
            connection.close()

    thread = threading.Thread(target=in_a_new_thread)
    thread.start()
    thread.join()
    assert django_app.calls == 1
    assert b"http://testserver/gis/ogc/collections/facilities/items?" in answers[0][2]
    same_answer(answers[0], call(WSGIHandler(), environ("limit=2&offset=2", **env)))


def test_a_query_cancelled_by_the_timeout_is_not_run_again(
    settlement, app, django_app, settings, monkeypatch
):
    make_facilities(settlement, 5)
    call(app, environ("limit=2&offset=0"))
    settings.PUBLIC_READ_STATEMENT_TIMEOUT_MS = 50
    runs = []

    def slow_page(sql, params):
        runs.append(sql)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1)")
        return []

    monkeypatch.setattr(ogc_selectors, "texts_of", slow_page)
    status, headers, body = call(app, environ("limit=2&offset=2"))
    assert status.startswith("503") and len(runs) == 1 and django_app.calls == 2
    assert json.loads(body)["code"] == "ServiceUnavailable"
    django = call(WSGIHandler(), environ("limit=2&offset=2"))  # the page's query run in it
    assert len(runs) == 2 and (status, headers, body) == django, "as Django answers a cancel"
    monkeypatch.undo()
    settings.PUBLIC_READ_STATEMENT_TIMEOUT_MS = 15000
    assert call(app, environ("limit=2&offset=2"))[0] == "200 OK"
    assert django_app.calls == 2, "the shape stays kept, its connection usable"


def test_any_other_error_on_the_way_gets_djangos_answer(settlement, app, django_app, monkeypatch):
    make_facilities(settlement, 5)
    call(app, environ("limit=2&offset=0"))

    def full_disk():
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tilecache, "data_version", full_disk)
    answer = call(app, environ("limit=2&offset=2"))
    assert django_app.calls == 2
    assert answer[0] == call(WSGIHandler(), environ("limit=2&offset=2"))[0] != "200 OK"


def test_a_kept_page_sends_a_new_policy_nonce(settlement, app, django_app, settings):
    settings.CONTENT_SECURITY_POLICY = {
        "default-src": ["'self'"],
        "script-src": ["'nonce-{nonce}'"],
    }
    make_facilities(settlement, 5)
    answers = [call(app, environ(f"limit=1&offset={offset}")) for offset in (0, 1, 2)]
    assert django_app.calls == 1
    policies = [dict(headers)["Content-Security-Policy"] for _, headers, _ in answers]
    assert len(set(policies)) == 3
    assert {re.sub(r"nonce-[^']+", "nonce-N", p) for p in policies} == {
        "default-src 'self'; script-src 'nonce-N'"
    }


def test_a_layer_replaced_since_sends_its_pages_to_django(settlement, app, django_app, monkeypatch):
    make_facilities(settlement, 5)
    call(app, environ("limit=2&offset=0"))
    monkeypatch.setitem(registry._LAYERS, "facilities", copy.copy(registry.get("facilities")))
    assert call(app, environ("limit=2&offset=2"))[0] == "200 OK"
    assert django_app.calls == 2


def test_the_least_recently_used_shape_is_forgotten_first(settlement, app, django_app, monkeypatch):
    monkeypatch.setattr(replay, "KEPT", 2)
    make_facilities(settlement, 5)
    for limit in (1, 2):
        call(app, environ(f"limit={limit}&offset=0"))
    call(app, environ("limit=1&offset=1"))  # limit=1 used last
    call(app, environ("limit=3&offset=0"))  # a third shape: limit=2 goes
    assert django_app.calls == 3
    call(app, environ("limit=1&offset=2"))
    assert django_app.calls == 3
    call(app, environ("limit=2&offset=2"))
    assert django_app.calls == 4
