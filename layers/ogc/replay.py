"""Later pages of an OGC items request, answered outside Django's request cycle.

A client that reads a layer (GDAL's OAPIF driver, QGIS, OWSLib, a script) asks for the
same items request again and again with only `offset` changed, following the `next`
links. Each page's own work is small (the count is kept per data version, the page SQL
starts at an anchor: `layers.ogc.selectors`), so Django's request cycle around it (the
request object, URL resolving, twenty middlewares, the signals and the database health
check's round trip) was about as much again (bench/RESULTS.md, issue 20).

`KeptPagesApplication` wraps the WSGI application (gis/wsgi.py). The first request of a
*shape* (the same path, the same query string but for the value of `offset`, the same
request headers but those listed in IGNORED) goes through Django whole: every
middleware, every check of its parameters. When the view answered with a GeoJSON page
it can write again for another offset (`Replay.of`: an anonymous GET outside a
transaction, not streamed), the wrapper keeps the answer's status and headers as the
whole stack wrote them, with the view's function of the offset. A later request of the
same shape is answered from them: the same headers (the Content-Security-Policy with a
new nonce) and the body from the same function (the same kept count, anchors and page
SQL, so the bytes Django would send, but the time stamp), with the script prefix set and
the language Django chose, under the public reads' statement timeout.
tests/layers/test_ogc_replay.py compares both answers.

Anything else goes to Django: a cookie or an Authorization header (a session may see
other collections), a body, HEAD, a query string without exactly one `offset` written
as plain digits, an answer with a cookie, a layer since replaced or hidden, and any
error on the way (a database error closes the connection first; Django reconnects and
answers, or answers 503 as it does). A query cancelled by the statement timeout is not
run again: Django answers the request as the timeout middleware answers a cancel
(`core.timeouts.CANCELLED`), without running the view. No health-check round trip is
made: a connection that died shows as a database error, and the page goes to Django.

Kept per worker: at most KEPT shapes, the least recently used forgotten first; a shape
whose headers weigh more than HEADER_BYTES is not kept.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import parse_qsl

from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.db import Error, connection
from django.urls import set_script_prefix
from django.utils import translation

from core.csp import fresh_policy_header
from core.timeouts import CANCELLED, is_query_cancelled, public_read_timeout

ITEMS_PATH = re.compile(r"^/ogc/collections/[^/]+/items$")
# Django reads `offset` as an int (`parse_offset`); anything but plain digits (a sign,
# a space, an escape) goes to Django for its own answer.
OFFSET = re.compile(r"[0-9]{1,12}")
KEPT = 512
HEADER_BYTES = 8192
# Request headers nothing on this path reads: clients and proxies vary them between pages.
IGNORED = frozenset(
    {"HTTP_USER_AGENT", "HTTP_CONNECTION", "HTTP_ACCEPT_ENCODING", "HTTP_CACHE_CONTROL"}
    | {"HTTP_PRAGMA", "HTTP_REFERER", "HTTP_X_REQUEST_ID", "HTTP_X_FORWARDED_FOR"}
    | {"HTTP_X_REAL_IP", "HTTP_FORWARDED", "HTTP_DNT", "HTTP_UPGRADE_INSECURE_REQUESTS"}
)
IGNORED_PREFIX = "HTTP_SEC_"  # Sec-Fetch-*, Sec-CH-UA-*: browser hints nothing reads
# What else of the environ the answer reads (absolute links, the script prefix).
ENVIRON = ("SCRIPT_NAME", "wsgi.url_scheme", "SERVER_NAME", "SERVER_PORT")


@dataclass(frozen=True)
class Replay:
    """What a view leaves on its answer so that the same request can be answered again
    for another offset: `render(offset)` returns the GeoJSON text, in `language`."""

    render: Callable[[int], str]
    language: str

    @classmethod
    def of(cls, request, render: Callable[[WSGIRequest, int], str]) -> Replay | None:
        """A Replay of an anonymous GET outside a transaction (None for any other):
        `render(request, offset)` is later given a copy of the request that holds only
        its text (query, host, scheme), not its body, socket or user."""
        if request.method != "GET" or request.COOKIES or connection.in_atomic_block:
            return None
        if request.META.get("HTTP_AUTHORIZATION"):
            return None
        slim = slim_request(request)
        return cls(render=lambda offset: render(slim, offset), language=translation.get_language())


def slim_request(request) -> WSGIRequest:
    """A new request made of the text entries of `request`'s environ, with an empty body."""
    environ = {k: v for k, v in request.META.items() if isinstance(v, str)}
    return WSGIRequest({**environ, "wsgi.input": BytesIO(b"")})


@dataclass(frozen=True)
class Kept:
    status: str
    headers: list[tuple[str, str]]
    with_policy: bool  # the answer carried a Content-Security-Policy (a nonce in it)
    replay: Replay


_lock = threading.Lock()
_kept: OrderedDict[tuple, Kept] = OrderedDict()


def shape_of(environ) -> tuple[tuple, int] | None:
    """Return (the request's shape, its offset) when it may be answered again; None when
    it goes to Django whatever is kept."""
    if environ.get("REQUEST_METHOD") != "GET" or not ITEMS_PATH.match(environ.get("PATH_INFO", "")):
        return None
    if environ.get("CONTENT_LENGTH") not in (None, "", "0") or "HTTP_TRANSFER_ENCODING" in environ:
        return None
    if "HTTP_COOKIE" in environ or "HTTP_AUTHORIZATION" in environ:
        return None
    query = environ.get("QUERY_STRING", "")
    parts = query.split("&")
    at = [i for i, part in enumerate(parts) if part.startswith("offset=")]
    if len(at) != 1 or not OFFSET.fullmatch(parts[at[0]][len("offset=") :]):
        return None
    # One `offset` as Django decodes the names too (no `%6Ffset=`, no bare `offset`).
    if [name for name, _ in parse_qsl(query, keep_blank_values=True)].count("offset") != 1:
        return None
    offset = int(parts[at[0]][len("offset=") :])
    parts[at[0]] = "offset="  # its place kept: the rest of the query is the shape's
    headers = tuple(
        sorted(
            (name, value)
            for name, value in environ.items()
            if name.startswith("HTTP_")
            and name not in IGNORED
            and not name.startswith(IGNORED_PREFIX)
        )
    )
    if sum(len(name) + len(value) for name, value in headers) > HEADER_BYTES:
        return None
    extra = tuple(environ.get(name) for name in ENVIRON)
    return (environ["PATH_INFO"], "&".join(parts), headers, extra), offset


def _answer(kept: Kept, offset: int, environ) -> bytes | None:
    """The kept shape's body at `offset`; None when Django must answer instead (with
    CANCELLED set in `environ` when the statement timeout cancelled the page's query)."""
    # As Django at a request's start: the script prefix for absolute links, and a
    # connection past CONN_MAX_AGE or with errors closed. Its health check (a round
    # trip) is skipped; a dead connection fails below.
    set_script_prefix(get_script_name(environ))
    connection.close_if_unusable_or_obsolete()
    connection.health_check_done = True
    try:
        with translation.override(kept.replay.language), public_read_timeout():
            return kept.replay.render(offset).encode()
    except Error as exc:
        if is_query_cancelled(exc):
            environ[CANCELLED] = True  # not run again: Django answers the cancel
        else:
            connection.close()
        return None
    except Exception:  # noqa: BLE001 — Django meets it again and answers (and logs) it
        return None


def _keep(key: tuple, kept: Kept) -> None:
    with _lock:
        _kept[key] = kept
        _kept.move_to_end(key)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)


def _kept_for(key: tuple) -> Kept | None:
    with _lock:
        kept = _kept.get(key)
        if kept is not None:
            _kept.move_to_end(key)
        return kept


class KeptPagesApplication:
    """The WSGI application with later items pages answered from kept shapes."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        shape = shape_of(environ)
        if shape is None:
            return self.application(environ, start_response)
        key, offset = shape
        kept = _kept_for(key)
        body = _answer(kept, offset, environ) if kept is not None else None
        if body is None:
            return self._learn(key, environ, start_response)
        headers = [*kept.headers, ("Content-Length", str(len(body)))]
        if kept.with_policy and (policy := fresh_policy_header()):
            headers.append(("Content-Security-Policy", policy))
        start_response(kept.status, headers)
        return [body]

    def _learn(self, key: tuple, environ, start_response):
        """Let Django answer; keep the answer's shape when its view left a Replay."""
        seen: list = []

        def capture(status, headers, exc_info=None):
            seen[:] = [status, headers]
            return start_response(status, headers, exc_info)

        response = self.application(environ, capture)
        replay = getattr(response, "replay", None)
        if replay is None or not seen or not seen[0].startswith("200 "):
            return response
        status, headers = seen
        if any(name.lower() == "set-cookie" for name, _ in headers):
            return response
        # Per answer: its length, and the policy's nonce (a new one each time).
        per_answer = {"content-length", "content-security-policy"}
        kept_headers = [(n, v) for n, v in headers if n.lower() not in per_answer]
        with_policy = any(n.lower() == "content-security-policy" for n, _ in headers)
        _keep(key, Kept(status, kept_headers, with_policy, replay))
        return response


def clear() -> None:
    """Forget every kept shape of this worker (tests)."""
    with _lock:
        _kept.clear()
