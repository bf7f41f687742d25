"""Later pages of an OGC items request, answered outside Django's request cycle.

A client that reads a layer (GDAL's OAPIF driver, QGIS, OWSLib, a script) asks for the
same items request again and again with only `offset` changed, following the `next`
links. Each page's own work is small (the count is kept per data version, the page SQL
starts at an anchor: `layers.ogc.selectors`), so Django's request cycle around it (the
request object, URL resolving, twenty middlewares, the signals and the database health
check's round trip) was about as much again (bench/RESULTS.md, issue 20).

`KeptPagesApplication` wraps the WSGI application (gis/wsgi.py). The first request of a
*shape* (the same path, the same query string but for `offset`, the same request headers
but the few listed in IGNORED) goes through Django whole: every middleware, every check
of its parameters. When the view answered with a GeoJSON page it can write again for
another offset (`Replay.of`: an anonymous GET outside a transaction, not streamed), the
wrapper keeps the answer's status and headers as the whole stack wrote them, with the
view's function of the offset. A later request of the same shape is answered from them:
the same headers and the body from the same function (the same kept count, anchors and
page SQL, so the bytes Django would send, but the time stamp), in the language Django
chose and under the public reads' statement timeout. tests/layers/test_ogc_replay.py
compares both answers.

Anything else goes to Django: a cookie or an Authorization header (a session may see
other collections), a body, HEAD, a query string without exactly one `offset`, an offset
`parse_offset` refuses (Django answers the 400), an answer with a cookie, and any
database error on the way (the connection is closed first; Django reconnects and
answers, or answers 503 as it does). No health-check round trip is made: a connection
that died shows as that error, and the page goes to Django.

Kept per worker: at most KEPT shapes (all forgotten when full, as the kept counts).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import Error, connection
from django.utils import translation

from core.errors import ApplicationError
from core.timeouts import public_read_timeout
from layers.ogc.params import parse_offset

ITEMS_PATH = re.compile(r"^/ogc/collections/[^/]+/items$")
KEPT = 512
# Request headers nothing on this path reads: clients vary them between pages.
IGNORED = frozenset(
    {"HTTP_USER_AGENT", "HTTP_CONNECTION", "HTTP_ACCEPT_ENCODING", "HTTP_CACHE_CONTROL"}
    | {"HTTP_PRAGMA", "HTTP_REFERER", "HTTP_X_REQUEST_ID"}
)
# What else of the environ the answer reads (absolute links, the script prefix).
ENVIRON = ("SCRIPT_NAME", "wsgi.url_scheme", "SERVER_NAME", "SERVER_PORT")


@dataclass(frozen=True)
class Replay:
    """What a view leaves on its answer so that the same request can be answered again
    for another offset: `render(offset)` returns the GeoJSON text, in `language`."""

    render: Callable[[int], str]
    language: str

    @classmethod
    def of(cls, request, render: Callable[[int], str]) -> Replay | None:
        """A Replay of an anonymous GET outside a transaction; None for any other."""
        if request.method != "GET" or request.COOKIES or connection.in_atomic_block:
            return None
        if request.META.get("HTTP_AUTHORIZATION"):
            return None
        return cls(render=render, language=translation.get_language())


@dataclass(frozen=True)
class Kept:
    status: str
    headers: list[tuple[str, str]]
    replay: Replay


_kept: dict[tuple, Kept] = {}


def shape_of(environ) -> tuple[tuple, str] | None:
    """Return (the request's shape, its raw offset) when it may be answered again; None
    when it goes to Django whatever is kept."""
    if environ.get("REQUEST_METHOD") != "GET" or not ITEMS_PATH.match(environ.get("PATH_INFO", "")):
        return None
    if environ.get("CONTENT_LENGTH") not in (None, "", "0") or "HTTP_TRANSFER_ENCODING" in environ:
        return None
    if "HTTP_COOKIE" in environ or "HTTP_AUTHORIZATION" in environ:
        return None
    rest, offsets = [], []
    for part in environ.get("QUERY_STRING", "").split("&"):
        (offsets if part.startswith("offset=") else rest).append(part)
    if len(offsets) != 1:
        return None
    headers = tuple(
        sorted(
            (name, value)
            for name, value in environ.items()
            if name.startswith("HTTP_") and name not in IGNORED
        )
    )
    extra = tuple(environ.get(name) for name in ENVIRON)
    return (environ["PATH_INFO"], "&".join(rest), headers, extra), offsets[0][len("offset=") :]


def _answer(kept: Kept, raw_offset: str) -> bytes | None:
    """The kept shape's body at `raw_offset`; None when Django must answer instead."""
    try:
        offset = parse_offset(raw_offset)
    except ApplicationError:
        return None
    # As Django at a request's start: a connection past CONN_MAX_AGE or with errors is
    # closed. Its health check (a round trip) is skipped; a dead connection fails below.
    connection.close_if_unusable_or_obsolete()
    connection.health_check_done = True
    try:
        with translation.override(kept.replay.language), public_read_timeout():
            return kept.replay.render(offset).encode()
    except Error:  # OperationalError, InterfaceError: a lost connection included
        connection.close()
        return None


class KeptPagesApplication:
    """The WSGI application with later items pages answered from kept shapes."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        shape = shape_of(environ)
        if shape is None:
            return self.application(environ, start_response)
        key, raw_offset = shape
        kept = _kept.get(key)
        body = _answer(kept, raw_offset) if kept is not None else None
        if body is None:
            return self._learn(key, environ, start_response)
        start_response(kept.status, [*kept.headers, ("Content-Length", str(len(body)))])
        return [body]

    def _learn(self, key: tuple, environ, start_response):
        """Let Django answer; keep the answer's shape when its view left a Replay."""
        seen: list = []

        def capture(status, headers, exc_info=None):
            seen[:] = [status, headers]
            return start_response(status, headers, exc_info)

        response = self.application(environ, capture)
        replay = getattr(response, "replay", None)
        if replay is not None and seen and seen[0].startswith("200 "):
            status, headers = seen
            names = {name.lower() for name, _ in headers}
            if "set-cookie" not in names:
                if len(_kept) >= KEPT:
                    _kept.clear()
                kept_headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
                _kept[key] = Kept(status=status, headers=kept_headers, replay=replay)
        return response


def clear() -> None:
    """Forget every kept shape of this worker (tests)."""
    _kept.clear()
