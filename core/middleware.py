"""Middleware that keeps errors clear when the database is down or the disk is full."""

import errno
import logging

from django.db import DatabaseError, DataError, InterfaceError, OperationalError
from django.http import HttpResponse, UnreadablePostError

from core.errors import (
    ApplicationError,
    InvalidInput,
    ServiceUnavailable,
    error_response,
    unavailable_page,
    wants_json,
)

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Answer 503 (JSON on API paths) when PostgreSQL does not answer, and 507 with a
    clear message when the media disk is full.

    Django's connection health checks reconnect on the next request once the server is
    back, so nothing needs restarting.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return failure_response(request, exception)


def failure_response(request, exception):
    """The answer to a failure that is not the request's fault (an outage, a full disk, a
    body cut off, a NUL byte), or None for any other exception. Also asked by the 500
    handler (core.errors.handler500) for an exception raised in a middleware, where
    process_exception is never called: a signed-in POST reads its user in
    BodySizeLimitMiddleware."""
    if isinstance(exception, UnreadablePostError):
        return _incomplete_body(request, exception)
    if isinstance(exception, DataError) and "NUL (0x00)" in str(exception):
        return _nul_byte(request)
    if isinstance(exception, OSError) and exception.errno in DISK_FULL:
        return _disk_full(request, exception)
    if not isinstance(exception, OperationalError | InterfaceError) or not _is_outage(exception):
        return None
    logger.error("database unavailable: %s", exception)
    if wants_json(request):
        return error_response(ServiceUnavailable("The database is not available."))
    return unavailable_page(request)


def _is_outage(exception: DatabaseError) -> bool:
    """Tell a lost or refused connection from an ordinary SQL error."""
    text = str(exception).lower()
    return isinstance(exception, InterfaceError) or any(
        word in text
        for word in ("connection", "server closed", "terminating", "could not connect", "shutdown")
    )


# No space left on the device, or the user's disk quota is used up.
DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
DISK_FULL_MESSAGE = (
    "Не вдалося зберегти файл: на сервері закінчилося місце. Спробуйте пізніше. / "
    "The file could not be saved: the server is out of disk space. Please try again later."
)


class StorageFull(ApplicationError):
    """The media disk is full: nothing was saved; retrying after an operator frees space."""

    status = 507
    code = "storage_full"


def _disk_full(request, exception: OSError) -> HttpResponse:
    """Answer 507 with a clear message; the request's transaction has been rolled back."""
    logger.error("disk full while answering %s: %s", request.path, exception)
    if wants_json(request):
        return error_response(StorageFull(DISK_FULL_MESSAGE))
    return HttpResponse(DISK_FULL_MESSAGE, status=507, content_type="text/plain; charset=utf-8")


class CompleteBodyMiddleware:
    """Refuse a request whose body ends before its Content-Length (a cut-off upload).

    Django's multipart parser takes an early end of the stream for the end of the form,
    so a report whose photo was cut off by a lost signal would be filed without it. The
    body stream is wrapped so that the early end raises UnreadablePostError instead;
    DatabaseUnavailableMiddleware answers 400, and nothing has been saved.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _content_length(request)
        if length and hasattr(request, "_stream"):
            request._stream = _ExactLengthStream(request._stream, length)
        return self.get_response(request)


def _content_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class _ExactLengthStream:
    """A body stream that raises UnreadablePostError when it ends before `expected` bytes."""

    def __init__(self, stream, expected: int):
        self._stream, self._expected, self._received = stream, expected, 0

    def _check(self, data: bytes, *, ended: bool) -> bytes:
        self._received += len(data)
        if ended and self._received < self._expected:
            raise UnreadablePostError(
                f"request body ended after {self._received} of {self._expected} bytes"
            )
        return data

    def read(self, size=-1, /):
        data = self._stream.read(size)
        whole = size is None or size < 0
        return self._check(data, ended=whole or (size > 0 and not data))

    def readline(self, size=-1, /):
        data = self._stream.readline(size)
        return self._check(data, ended=size != 0 and not data)

    def __iter__(self):
        return iter(self.readline, b"")

    def __getattr__(self, name):
        return getattr(self._stream, name)  # close() and the rest of the stream's interface


def _incomplete_body(request, exception) -> HttpResponse:
    logger.warning("incomplete request body on %s: %s", request.path, exception)
    error = ApplicationError(
        "The request body was cut off before its end; nothing was saved. Please send it again.",
        code="incomplete_body",
    )
    if wants_json(request):
        return error_response(error)
    return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")


def _nul_byte(request) -> HttpResponse:
    """A NUL byte in a parameter: PostgreSQL text cannot hold it, so the input is invalid."""
    error = InvalidInput("A parameter contains a NUL (0x00) character.", code="invalid_character")
    if wants_json(request):
        return error_response(error)
    return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")


class CleanInputMiddleware:
    """Remove the characters nothing may store (`core.text.FORBIDDEN`) from every query
    string and form, on every page and API, before any view reads them.

    The form is cleaned when it is first read (request.POST is parsed lazily), so a view
    that reads the raw body, or refuses the request before, costs nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from core.text import querydict_clean

        request.GET = querydict_clean(request.GET)
        load = request._load_post_and_files

        def load_clean():
            load()
            request._post = querydict_clean(request._post)

        request._load_post_and_files = load_clean
        return self.get_response(request)


class BodyTooLarge(ApplicationError):
    """The request body is larger than this endpoint accepts; nothing of it was read."""

    status = 413
    code = "body_too_large"


def body_limit(request) -> int:
    """The most bytes of body `request` may send: REQUEST_BODY_LIMITS by path prefix (the
    report forms with photos), REQUEST_BODY_STAFF_MAX_BYTES for signed-in staff (imports),
    else REQUEST_BODY_MAX_BYTES."""
    from django.conf import settings

    limit = settings.REQUEST_BODY_MAX_BYTES
    for prefix, prefix_limit in settings.REQUEST_BODY_LIMITS:
        if request.path.startswith(prefix):
            limit = max(limit, prefix_limit)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        limit = max(limit, settings.REQUEST_BODY_STAFF_MAX_BYTES)
    return limit


class BodySizeLimitMiddleware:
    """Refuse a body over the endpoint's limit with 413 before any of it is read.

    A Content-Length over the limit is refused at once; a body without one (chunked) is
    read through a stream that stops with 413 at the limit. Placed after the
    authentication middleware (staff may send imports) and before anything reads a body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        limit = body_limit(request)
        if _content_length(request) > limit:
            return _too_large(request, limit)
        if hasattr(request, "_stream"):
            request._stream = BoundedStream(request._stream, limit)
        try:
            return self.get_response(request)
        except BodyTooLarge:
            return _too_large(request, limit)

    def process_exception(self, request, exception):
        if isinstance(exception, BodyTooLarge):
            return _too_large(request, body_limit(request))
        return None


class BoundedStream:
    """A body stream that raises BodyTooLarge once more than `limit` bytes were read."""

    def __init__(self, stream, limit: int):
        self._stream, self._limit, self._received = stream, limit, 0

    def _count(self, data: bytes) -> bytes:
        self._received += len(data)
        if self._received > self._limit:
            raise BodyTooLarge(f"The request body is larger than {self._limit} bytes.")
        return data

    def read(self, size=-1, /):
        if size is not None and size >= 0:
            return self._count(self._stream.read(size))
        # The whole rest, in chunks, never more than one byte past the limit; the empty
        # read at the end lets the inner stream check that the body was complete.
        chunks = []
        while chunk := self._count(
            self._stream.read(min(64 * 1024, self._limit + 1 - self._received))
        ):
            chunks.append(chunk)
        return b"".join(chunks)

    def readline(self, size=-1, /):
        return self._count(self._stream.readline(size))

    def __iter__(self):
        return iter(self.readline, b"")

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _too_large(request, limit: int) -> HttpResponse:
    logger.warning("request body over %d bytes refused on %s", limit, request.path)
    megabytes = max(1, limit // (1024 * 1024))
    error = BodyTooLarge(
        f"The request is too large: this address accepts at most {megabytes} MB.",
    )
    if wants_json(request):
        response = error_response(error)
    else:
        response = HttpResponse(error.message, status=413, content_type="text/plain; charset=utf-8")
    response["Connection"] = "close"  # the unread body is not drained
    return response
