"""Django's PostGIS backend with a health check that costs no round trip.

With CONN_HEALTH_CHECKS (gis/settings.py) Django checks a persistent connection before a
request's first query by sending `SELECT 1`: one more round trip to PostgreSQL on every
request, tile and page alike. A server that ends a session (a restart, a
`pg_terminate_backend`, an idle-session timeout) sends its FATAL message and closes its
end, so the idle connection's socket turns readable. This check asks the socket instead:
nothing to read, the connection is usable, without a round trip; anything to read (that
goodbye, the end of the stream, or a ParameterStatus sent after a configuration reload)
and Django's own `SELECT 1` decides. A connection cut without a word (a network path gone
without a FIN or RST) is found by the request's first query instead, as one failed
request, where `SELECT 1` would have waited for the same TCP time-out.
"""

import select

from django.contrib.gis.db.backends.postgis.base import DatabaseWrapper as PostGISWrapper
from django.db.backends.postgresql.base import Database


class DatabaseWrapper(PostGISWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        try:
            readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError, Database.Error):
            return False
        return not readable or super().is_usable()
