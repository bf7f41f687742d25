"""The ideal Python web server for `bench/ogc_bench.py --raw`: our items and tile SQL, no Django.

A bare WSGI application served by the same gunicorn (sync workers, `--preload`) as the
service: one psycopg connection per worker (autocommit, psycopg's own automatic prepared
statements, as the bare-SQL baseline has), the view's own page statement for the offset
asked (built once by `ogc_bench.items_statements`), the Feature texts PostGIS wrote joined
into a FeatureCollection. No middleware, no parsing beyond `offset`, no links, no count
(as the view's kept count). What it measures: how much of the bare SQL's rate an HTTP
server written in Python keeps when it does nothing else, so that the gap between it and
the service is the service's own per-request work, and the gap between it and the bare
SQL is HTTP's (gunicorn, the sockets, wrk).

It answers the bench's vector tiles too (`/tiles/facilities/{z}/{x}/{y}.pbf`, the same
paths as ours): the tile's statement as `layers.tiles.selectors` writes it, its MVT bytes
sent as they are (no ETag, no gzip, no cache). So raw tiles ÷ bare SQL tiles is the share
of a tile statement's rate any Python server keeps over HTTP.

Run only by the bench: `gunicorn bench.raw_items_app:application`, with DATABASE_URL
pointing at the bench's size-M database.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import ogc_bench  # noqa: E402

ogc_bench.django_setup()

from layers.models import Facility  # noqa: E402

_OFFSETS = ogc_bench.page_offsets(Facility.objects.count())
# {offset: (sql, params)} of the page statement, as the view runs it.
_PAGES = {
    offset: statements[0]
    for offset, statements in zip(
        _OFFSETS, ogc_bench.items_statements(_OFFSETS, with_count=False), strict=True
    )
}
_TILES = {
    f"/tiles/facilities/{z}/{x}/{y}.pbf": statements[0]
    for (z, x, y), statements in zip(
        ogc_bench.tile_list(), ogc_bench.tile_statements(ogc_bench.tile_list()), strict=True
    )
}
_connection = None


def _cursor():
    """This worker's cursor (its connection opened on first use, after the fork)."""
    global _connection
    import psycopg

    if _connection is None:
        _connection = psycopg.connect(**ogc_bench.db_params(), autocommit=True)
    return _connection.cursor()


def application(environ, start_response):
    """Answer `?offset=K` (one of the bench's offsets) with that 100-feature page, and a
    tile path of the bench with that tile."""
    if environ.get("PATH_INFO", "") in _TILES:
        return _tile(_TILES[environ["PATH_INFO"]], start_response)
    query = parse_qs(environ.get("QUERY_STRING", ""))
    try:
        sql, params = _PAGES[int(query["offset"][0])]
    except (KeyError, ValueError):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not a page of the bench\n"]
    with _cursor() as cursor:
        texts = [row[0] for row in cursor.execute(sql, params).fetchall()]
    body = (
        f'{{"type":"FeatureCollection","numberReturned":{len(texts)},"features":['
        + ",".join(texts)
        + "]}"
    ).encode()
    start_response(
        "200 OK", [("Content-Type", "application/geo+json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def _tile(statement: tuple[str, list], start_response):
    sql, params = statement
    with _cursor() as cursor:
        body = bytes(cursor.execute(sql, params).fetchone()[0] or b"")
    start_response(
        "200 OK",
        [
            ("Content-Type", "application/vnd.mapbox-vector-tile"),
            ("Content-Length", str(len(body))),
        ],
    )
    return [body]
