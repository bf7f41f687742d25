"""A statement timeout on the public read APIs: no anonymous GET runs a query for longer
than `settings.PUBLIC_READ_STATEMENT_TIMEOUT_MS`.

The OGC API takes CQL2 filters, sort keys and geometries from anyone; a filter the indexes
cannot help (a `LIKE '%…%'` over every row, a spatial test against a huge polygon) must not
hold a PostgreSQL backend and a web worker for minutes. So GET and HEAD requests under the
public read prefixes (`settings.CORS_PUBLIC_PREFIXES`: /ogc/, /tiles/, /open311/,
/api/v1/) set `statement_timeout` on their connection before their first query (none when
they make no query) and put the default back when the answer has been sent (after a
streamed page's last row, too). A query PostgreSQL cancels for it answers, instead of a
500:

* 400 when the request has a CQL2 `filter` (the client's filter is what was too heavy:
  the message names the parameter and asks for a narrower one),
* 503 otherwise (the server is too busy to answer in time; `Retry-After` says when to
  try again),

as one JSON body in both the OGC exception shape (`code`, `description`) and the
project's (`error`), like every other error of these APIs.

The setting is `SET` for the session, not `SET LOCAL` in a transaction: a read needs no
transaction (BEGIN and COMMIT would be two more round trips on every tile), and the
streamed pages of /ogc/ read after the view has returned.

It is set once per database connection, not once per request: connections are
persistent (CONN_MAX_AGE), so a worker serving public reads keeps the timeout on its
connection and a tile or a page of items costs no round trip for it (setting it before
and resetting it after every request cost two, about a tenth of a cached page's time).
The connection remembers it (`_mark`, tied to the driver's connection object, so a
reconnection starts unmarked); any other request (a staff page, a write) on a marked
connection first sends a `RESET`, so nothing else ever runs under the public limit (one
round trip when a worker turns from public reads to other work). Inside an outer
transaction (the test suite's) a `SET` could be rolled back, so there the request sets it
and resets it after its answer, as before, and runs in a savepoint, so that a cancelled
query leaves the outer transaction usable.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.http import JsonResponse

from core.errors import error_body

SAFE = frozenset({"GET", "HEAD"})
# An environ key (no client can send one: headers arrive as HTTP_*) marking a request
# whose query was already cancelled by the timeout before Django saw it.
CANCELLED = "hromada.public_read_cancelled"
RETRY_AFTER_S = 5


def _applies(request) -> bool:
    return request.method in SAFE and request.path.startswith(tuple(settings.CORS_PUBLIC_PREFIXES))


def is_query_cancelled(exception: BaseException) -> bool:
    """Tell a query PostgreSQL cancelled (statement timeout, pg_cancel_backend) from other
    database errors: psycopg's QueryCanceled (SQLSTATE 57014) under Django's error."""
    cause = exception.__cause__ or exception
    return getattr(cause, "sqlstate", None) == "57014"


class PublicReadStatementTimeoutMiddleware:
    """Bound every query of a public read request by a statement timeout; answer a
    cancelled one with a 400 (a `filter` was given) or 503 JSON, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout_ms = int(settings.PUBLIC_READ_STATEMENT_TIMEOUT_MS)
        if timeout_ms <= 0 or not _applies(request):
            if _marked(connection) is not None:
                # Before anything the request runs (a streamed answer may read later).
                _mark(connection, None)
                _reset()
            return self.get_response(request)
        if connection.in_atomic_block:
            with transaction.atomic():
                return self._bounded(request, timeout_ms)
        return self._bounded(request, timeout_ms)

    def _bounded(self, request, timeout_ms: int):
        bound = _Bound(timeout_ms)
        with connection.execute_wrapper(bound):
            response = self.get_response(request)
        if bound.reset_after:
            # After the whole answer (a streamed page reads while it is sent).
            response._resource_closers.append(_reset)
        return response

    def process_view(self, request, view, args, kwargs):
        if request.META.get(CANCELLED) is True and _applies(request):
            # Its query was cancelled outside the request cycle (layers.ogc.replay): the
            # view is not run again; the answer is a cancel's, through the whole stack.
            return _cancelled_response(request)
        return None

    def process_exception(self, request, exception):
        if not (_applies(request) and isinstance(exception, OperationalError)):
            return None
        if not is_query_cancelled(exception):
            return None
        if connection.in_atomic_block:
            transaction.set_rollback(True)
        return _cancelled_response(request)


@contextmanager
def public_read_timeout():
    """Run the block's queries under the public-read statement timeout, as the middleware
    runs a public read request's: for work answered outside Django's request cycle
    (`layers.ogc.replay`), never inside a transaction. A cancelled query raises."""
    if connection.in_atomic_block:
        raise RuntimeError("public_read_timeout() runs outside transactions only")
    timeout_ms = int(settings.PUBLIC_READ_STATEMENT_TIMEOUT_MS)
    if timeout_ms <= 0:
        if _marked(connection) is not None:
            _mark(connection, None)
            _reset()
        yield
        return
    with connection.execute_wrapper(_Bound(timeout_ms)):
        yield


# The timeout a connection keeps for public reads: (driver connection, milliseconds), on
# Django's connection wrapper. Compared by identity with the wrapper's current driver
# connection, so a closed and reopened connection (which lost its settings) is unmarked.
_MARK = "_public_read_timeout"


def _marked(conn) -> int | None:
    mark = getattr(conn, _MARK, None)
    if mark is None or conn.connection is None or mark[0] is not conn.connection:
        return None
    return mark[1]


def _mark(conn, timeout_ms: int | None) -> None:
    setattr(conn, _MARK, None if timeout_ms is None else (conn.connection, timeout_ms))


class _Bound:
    """An execute wrapper that makes sure the timeout is in force just before the
    request's first query: a request that needs no query (a tile from the in-process
    cache) never opens a connection for it, and a connection that already holds it
    (marked) costs no round trip."""

    def __init__(self, timeout_ms: int):
        self.timeout_ms = timeout_ms
        self.checked = False
        self.reset_after = False

    def __call__(self, execute, sql, params, many, context):
        if not self.checked:
            self.checked = True
            conn = context["connection"]
            if _marked(conn) != self.timeout_ms:
                # A plain cursor of its own: the first query may be a server-side one.
                with conn.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config('statement_timeout', %s, false)", [str(self.timeout_ms)]
                    )
                # Outside a transaction the SET stays: keep it for the next public reads.
                self.reset_after = conn.in_atomic_block
                _mark(conn, None if self.reset_after else self.timeout_ms)
        return execute(sql, params, many, context)


def _reset() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    except Exception:  # a broken connection is closed by Django's own checks
        connection.close_if_unusable_or_obsolete()


def _cancelled_response(request) -> JsonResponse:
    limit_s = int(settings.PUBLIC_READ_STATEMENT_TIMEOUT_MS) / 1000
    if "filter" in request.GET:
        status, ogc_code, code = 400, "InvalidParameterValue", "invalid_filter"
        message = (
            f"Invalid filter: the query took longer than the {limit_s:g} s statement "
            "timeout and was cancelled. Narrow the filter (fewer LIKE patterns starting "
            "with %, a smaller geometry) or add a bbox."
        )
    else:
        status, ogc_code, code = 503, "ServiceUnavailable", "statement_timeout"
        message = (
            f"The query took longer than the {limit_s:g} s statement timeout and was "
            "cancelled: the server is busy. Try again shortly."
        )
    body = {"code": ogc_code, "description": message, **error_body(code, message)}
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_S)
    return response
