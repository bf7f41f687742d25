"""Middleware that keeps API errors JSON when the database is down."""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse

from layers.errors import ServiceUnavailable, error_response, wants_json

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Answer 503 (JSON on API paths) when PostgreSQL does not answer.

    Django's connection health checks reconnect on the next request once the server is
    back, so nothing needs restarting.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError) or not _is_outage(
            exception
        ):
            return None
        logger.error("database unavailable: %s", exception)
        if wants_json(request):
            return error_response(ServiceUnavailable("The database is not available."))
        return HttpResponse(
            "Сервіс тимчасово недоступний / Service temporarily unavailable",
            status=503,
            content_type="text/plain; charset=utf-8",
        )


def _is_outage(exception: DatabaseError) -> bool:
    """Tell a lost or refused connection from an ordinary SQL error."""
    text = str(exception).lower()
    return isinstance(exception, InterfaceError) or any(
        word in text
        for word in ("connection", "server closed", "terminating", "could not connect", "shutdown")
    )
