"""gunicorn settings of the production profile (docker-compose): one JSON object per
access-log line, like Django's own logs under HROMADA_PROFILE=production."""

import json

from gunicorn.glogging import Logger

# The worker model of every profile (threads, two processes, keep-alive): why, there.
from gis.gunicorn import keepalive, preload_app, threads, timeout, worker_class, workers  # noqa: F401

accesslog = "-"

FIELDS = {
    "time": "t", "remote": "h", "method": "m", "path": "U", "query": "q",
    "status": "s", "bytes": "B", "duration_ms": "M", "user_agent": "a",
}  # fmt: skip


def access_record(atoms: dict) -> str:
    """Return one access-log line: gunicorn's atoms as a JSON object (quotes escaped)."""
    return json.dumps({name: atoms.get(atom, "-") for name, atom in FIELDS.items()})


class JsonAccessLogger(Logger):
    """gunicorn's logger with access lines written by `access_record`."""

    def access(self, resp, req, environ, request_time):
        if not self.cfg.accesslog:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        self.access_log.info(access_record(atoms))


logger_class = JsonAccessLogger
