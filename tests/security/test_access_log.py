"""The production access log is one JSON object per line, whatever the client sends."""

import json

from gis import gunicorn_production


def test_access_log_lines_are_json_even_with_quotes_from_the_client():
    atoms = {
        "t": "[26/Nov/2026:10:00:00 +0000]", "h": "127.0.0.1", "m": "GET", "U": "/healthz",
        "q": 'a="b"', "s": "200", "B": "162", "M": "3", "a": 'evil"\\agent',
    }  # fmt: skip
    record = json.loads(gunicorn_production.access_record(atoms))
    assert record["path"] == "/healthz" and record["query"] == 'a="b"'
    assert record["user_agent"] == 'evil"\\agent'
    assert gunicorn_production.logger_class is gunicorn_production.JsonAccessLogger
