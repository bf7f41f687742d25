"""Where the time of one Open311 POST goes, in-process (not a test, not a throughput figure).

    DATABASE_URL=postgis://hromada@%2Fwork%2Fmain%2Fvar%2Fpgsocket/hromada \\
        .venv/bin/python -u bench/open311_profile.py [--posts 200] [--top 30]

Uses the database of bench/open311_bench.py (`<name>_bench_open311`, created and given the
demo when missing) and Django's test client with the product's middleware and settings
(a dummy e-mail backend: the letters are rendered, not sent). After a few warm-up POSTs it
files `--posts` service requests, half without and half under cProfile, and prints: the
SQL statements of one POST (CaptureQueriesContext: count, time and first words), the wall
and this process's CPU time per POST, and the functions with the most cumulative and own
time. The reports it files stay in the
bench database (the bench empties them on its next run).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import open311_bench, serving  # noqa: E402


def _form(i: int, point, forms) -> dict:
    lon, lat = point
    code, answers = forms[i % len(forms)]
    return {
        "api_key": open311_bench.BENCH_KEY,
        "service_code": code,
        "lat": f"{lat:.6f}",
        "long": f"{lon:.6f}",
        "description": f"{open311_bench.DESCRIPTIONS[i % 5]} (№{i})",
        "email": f"resident{i}@example.org",
        "first_name": "Мешканець",
        "last_name": str(i),
        "phone": f"+38050{i:07d}",
        **answers,
    }


def _service_forms(client) -> list[tuple[str, dict]]:
    """bench/open311_bench.service_forms through the test client instead of HTTP."""

    class _Requests:  # the one call service_forms makes, answered by the test client
        @staticmethod
        def get(url, timeout):
            return client.get(url.removeprefix("http://testserver"))

    sys.modules["requests"], saved = _Requests, sys.modules.get("requests")
    try:
        return open311_bench.service_forms("http://testserver")
    finally:
        sys.modules["requests"] = saved


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    open311_bench.setup(serving.bench_database_url("bench_open311"))
    open311_bench.api_key_create(args.posts + 100)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    client = Client(HTTP_HOST="127.0.0.1")
    forms = _service_forms(client)
    points = open311_bench.seeded_points(args.posts + 20, open311_bench.SEED)
    url = "/open311/v2/requests.json"
    for i in range(10):  # warm-up: imports, templates, PROJ in the server process
        assert client.post(url, _form(i, points[i], forms)).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, _form(10, points[10], forms))
    assert response.status_code == 201, response.content
    print(f"SQL statements of one POST: {len(queries.captured_queries)}")
    for query in queries.captured_queries:
        print(f"  {float(query['time']) * 1000:6.2f} ms  {' '.join(query['sql'].split())[:110]}")
    begin, cpu = time.perf_counter(), time.process_time()
    for i in range(20, 20 + args.posts // 2):  # without the profiler's own cost
        client.post(url, _form(i, points[i], forms))
    seconds, cpu = time.perf_counter() - begin, time.process_time() - cpu
    n = args.posts // 2
    print(f"\n{n} POSTs unprofiled: {seconds / n * 1000:.1f} ms wall, {cpu / n * 1000:.1f} ms CPU")
    print(f"of this process each (the rest: PostgreSQL and waiting); load {os.getloadavg()}")
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(20 + n, 20 + args.posts):
        client.post(url, _form(i, points[i], forms))
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(args.top)
    if os.environ.get("PROFILE_CALLEES"):
        stats.print_callees(os.environ["PROFILE_CALLEES"])
    stats.sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
