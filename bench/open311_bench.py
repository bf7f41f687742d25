"""Benchmark of Open311 GeoReport v2: 10,000 reports POSTed, then paged through (not a test).

    DATABASE_URL=postgis://hromada@%2Fwork%2Fmain%2Fvar%2Fpgsocket/hromada \\
        .venv/bin/python -u bench/open311_bench.py [--reports 10000] [--clients 4] [--workers 3]

Works in a database of its own (DATABASE_URL's server, database `<name>_bench_open311`:
created, migrated and given the demo territory, villages, addresses and categories when
missing; its reports, API keys and the keys' hourly counters are emptied on every run), so
the dev database is not touched. Steps, each bounded by --max-seconds:

1. start our gunicorn (`--workers` sync workers, like `./hromada up`) on a loopback port,
   with a cache directory and a dummy e-mail backend of its own (templates are rendered,
   nothing is sent), and create an API key for the bench client;
2. POST `--reports` service requests to /open311/v2/requests.json from `--clients`
   concurrent clients (requests, keep-alive): seeded points in the villages (80%) and
   anywhere in the territory (20%), every demo service with valid attribute[…] answers,
   contact data; requests/s, p50/p95;
3. page through /open311/v2/requests.json the way an Open311 client can: the
   specification has no page parameter, only end_date/start_date (90-day window) and at
   most 1,000 requests per answer, newest first; so each page asks for end_date = the
   oldest requested_datetime of the previous page + 1 s (the output has whole seconds),
   dropping the repeats. `--walks` complete walks, shared by the clients; it checks that a
   walk returns every report filed;
4. the same work as bare SQL through psycopg, in as many threads as clients, in the same
   run: the SELECT of every page (Django's own SQL for the very same queryset), and the
   rows one POST writes (report, its number, the "filed" history entry, the key's
   last_used_at; in one transaction) without and with the lookups the service makes
   first (api key, category, questions, territory, village, nearest address).

Results: a Markdown table on stdout and bench/out/open311-<time>.json.

The API key's own hourly limit (reports/models.py ApiKey.reports_per_hour, default 300)
stays on in the product: the bench creates its key with a limit above --reports, as staff
would for a trusted system that forwards many residents' reports.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import serving  # noqa: E402

OUT = ROOT / "bench" / "out"
SEED = 311
BENCH_KEY = "open311-bench-" + secrets.token_hex(8)
BOUNDARY = "hromada-bench-" + secrets.token_hex(8)
DESCRIPTIONS = [
    "Яма на дорозі біля зупинки, глибока, після дощу не видно",
    "Не горить ліхтар на розі вулиці вже тиждень",
    "Стихійне сміттєзвалище за ставком",
    "Немає мобільного інтернету в цій частині села",
    "Прорив водогону, вода тече на дорогу",
]


# ---------------------------------------------------------------- set-up
def setup(url: str) -> None:
    """Create the benchmark database when missing, set Django up on it, migrate, load the
    demo (idempotent) and empty its reports, its API keys and their hourly counters."""
    serving.migrated_database(url, ("postgis", "pg_trgm"))
    from django.core.management import call_command
    from django.db import connection

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    with connection.cursor() as cursor:  # the benchmark database only
        cursor.execute("TRUNCATE reports_report, reports_apikey RESTART IDENTITY CASCADE")
        # The keys' ids restart at 1, and the hourly limit is counted under the key's id
        # (reports/open311/views.py _key_rate_limit): an earlier run's count would throttle
        # this run's key.
        cursor.execute("DELETE FROM core_counter WHERE key LIKE %s", ["reports:create:api_key:%"])
        # Earlier runs' queued work (mail, photos' stored copies) is not this run's.
        cursor.execute("TRUNCATE django_tasks_database_dbtaskresult")
        cursor.execute("VACUUM ANALYZE reports_report")


def api_key_create(reports: int) -> int:
    """An API key for the bench client, its hourly limit above the run's report count."""
    from reports.models import ApiKey

    key = ApiKey.objects.create(
        name="open311 bench",
        prefix=BENCH_KEY[:8],
        key_hash=hashlib.sha256(BENCH_KEY.encode()).hexdigest(),
        reports_per_hour=max(reports * 2, 1000),
    )
    return key.pk


def db_params() -> dict:
    from django.db import connection

    params = connection.get_connection_params()
    return {k: v for k, v in params.items() if k not in ("cursor_factory", "context")}


def seeded_points(count: int, seed: int) -> list[tuple[float, float]]:
    """`count` (lon, lat) points: 80% inside the villages, 20% anywhere in the territory."""
    from django.db import connection

    wanted, count = count, count + count // 20 + 10  # ST_GeneratePoints may give fewer
    in_villages = int(count * 0.8)
    sql = """
        SELECT ST_X(p.geom), ST_Y(p.geom) FROM ST_Dump(ST_GeneratePoints(
            (SELECT ST_Union(boundary) FROM layers_settlement WHERE boundary IS NOT NULL),
            %s, %s)) AS p
        UNION ALL
        SELECT ST_X(p.geom), ST_Y(p.geom) FROM ST_Dump(ST_GeneratePoints(
            (SELECT ST_Union(boundary) FROM layers_territory), %s, %s)) AS p
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [in_villages, seed, count - in_villages, seed + 1])
        points = cursor.fetchall()
    random.Random(seed).shuffle(points)
    return points[:wanted]


def start_server(port: int, workers: int, cache_dir: str) -> subprocess.Popen:
    env = {
        "LOG_LEVEL": "WARNING",
        "CACHE_DIR": cache_dir,
        # Templates of the e-mails are rendered; nothing is sent or printed 10,000 times.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        # The photo step files every report from one address: its per-address limit off.
        "REPORTS_RATE_LIMIT": "1000000000",
        # The photos (2 MB each, kept for the task worker) in the run's own directory,
        # removed with it, never in the project's var/media.
        "MEDIA_ROOT": str(Path(cache_dir) / "media"),
    }
    return serving.start_gunicorn(port, workers, env)


# ---------------------------------------------------------------- measuring
def stats(latencies_ms: list[float], count: int, seconds: float) -> dict:
    values = sorted(latencies_ms)
    if not values:
        return {"count": 0, "rps": 0.0, "p50_ms": None, "p95_ms": None, "seconds": seconds}
    return {
        "count": count,
        "seconds": round(seconds, 1),
        "rps": round(count / seconds, 1),
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": round(values[min(len(values) - 1, int(len(values) * 0.95))], 1),
    }


def run_parallel(clients: int, total: int, work, max_seconds: float, label: str) -> dict:
    """Run work(session_state, i) for i in 0..total-1 in `clients` threads, until done or
    `max_seconds` pass; print progress every 10%; return timing stats and failures."""
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[str] = []
    deadline = time.monotonic() + max_seconds
    step = max(1, total // 10)
    begin = time.monotonic()

    def loop(state) -> None:
        while time.monotonic() < deadline:
            i = next(counter)
            if i >= total:
                return
            start = time.perf_counter()
            error = work(state, i)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                if error:
                    failures.append(error)
                done = len(latencies)
            if done % step == 0:
                rate = done / (time.monotonic() - begin)
                print(f"  {label}: {done}/{total} ({rate:.0f}/s)", flush=True)

    threads = [threading.Thread(target=loop, args=({},)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - begin
    result = stats(latencies, len(latencies), seconds)
    result["failures"] = len(failures)
    result["first_failures"] = failures[:3]
    result["stopped_by_time"] = len(latencies) < total
    return result


def service_forms(base: str) -> list[tuple[str, dict]]:
    """Every service with a valid attribute[…] answer to each of its questions."""
    import requests

    forms = []
    for service in requests.get(f"{base}/open311/v2/services.json", timeout=30).json():
        code = service["service_code"]
        definition = requests.get(f"{base}/open311/v2/services/{code}.json", timeout=30).json()
        answers = {}
        for attribute in definition["attributes"]:
            name, kind = f"attribute[{attribute['code']}]", attribute["datatype"]
            if kind == "singlevaluelist":
                answers[name] = attribute["values"][0]["key"]
            elif kind == "multivaluelist":
                answers[name + "[]"] = [value["key"] for value in attribute["values"][:2]]
            elif kind == "number":
                answers[name] = "3"
            elif kind == "datetime":
                answers[name] = "2026-11-20T08:00:00+02:00"
            else:
                answers[name] = "так"
        forms.append((code, answers))
    return forms


def post_reports(base: str, points, forms, clients: int, max_seconds: float) -> dict:
    import requests

    rng = random.Random(SEED)
    plan = [(points[i], rng.choice(forms), rng.choice(DESCRIPTIONS)) for i in range(len(points))]
    url = f"{base}/open311/v2/requests.json"

    def work(state, i):
        session = state.setdefault("session", requests.Session())
        (lon, lat), (code, answers), text = plan[i]
        data = {
            "api_key": BENCH_KEY,
            "service_code": code,
            "lat": f"{lat:.6f}",
            "long": f"{lon:.6f}",
            "description": f"{text} (№{i})",
            "email": f"resident{i}@example.org",
            "first_name": "Мешканець",
            "last_name": str(i),
            "phone": f"+38050{i:07d}",
            **answers,
        }
        response = session.post(url, data=data, timeout=60)
        if response.status_code != 201:
            return f"{response.status_code}: {response.text[:200]}"
        return None

    return run_parallel(clients, len(plan), work, max_seconds, "POST")


WRK_POST_LUA = r"""
-- Each thread POSTs the bodies of WRK_BODIES (one urlencoded form a line) in turn,
-- starting at its own share of them, so that no two threads send the same report.
local bodies, index = {}, 0
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  for line in io.lines(os.getenv("WRK_BODIES")) do bodies[#bodies + 1] = line end
  index = math.floor(id * #bodies / 2)
end
function request()
  index = index % #bodies + 1
  return wrk.format("POST", os.getenv("WRK_PATH"),
    {["Content-Type"] = "application/x-www-form-urlencoded"}, bodies[index])
end
"""


def post_reports_wrk(base: str, points, forms, seconds: int, connections: int, workdir) -> dict:
    """POST service requests with wrk (C, two threads) for `seconds`: the client's own CPU
    is then a small part of the two cores the server shares with it (the requests-based
    step's Python client costs about as much as a quarter of them at 200 POSTs/s)."""
    from urllib.parse import urlencode

    from bench.ogc_bench import parse_wrk

    rng = random.Random(SEED + 1)
    lines = []
    for i, (lon, lat) in enumerate(points):
        code, answers = rng.choice(forms)
        data = {"api_key": BENCH_KEY, "service_code": code, "lat": f"{lat:.6f}",
                "long": f"{lon:.6f}", "description": f"{rng.choice(DESCRIPTIONS)} (wrk №{i})",
                "email": f"wrk{i}@example.org", "first_name": "Мешканець", "last_name": str(i),
                **answers}  # fmt: skip
        lines.append(urlencode(data, doseq=True))
    bodies, script = Path(workdir) / "bodies.txt", Path(workdir) / "post.lua"
    bodies.write_text("\n".join(lines) + "\n")
    script.write_text(WRK_POST_LUA)
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(script),
        base,
    ]
    env = os.environ | {"WRK_BODIES": str(bodies), "WRK_PATH": "/open311/v2/requests.json"}
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True,
                         timeout=seconds + 60).stdout  # fmt: skip  # noqa: S603
    result = parse_wrk(out)
    done = int(re.search(r"(\d+) requests in", out).group(1))
    return {"count": done, "seconds": seconds, "rps": round(result["rps"], 1),
            "p50_ms": result["p50_ms"], "p95_ms": None, "p99_ms": result["p99_ms"],
            "failures": result["non_2xx"], "socket_errors": result["socket_errors"]}  # fmt: skip


def phone_photo(megabytes: float) -> bytes:
    """A 12-megapixel JPEG (4000 × 3000) of about `megabytes` MB: a gradient under noise,
    whose strength sets the size, as a phone camera's grain does (seeded)."""
    import io

    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(SEED)
    base = (
        np.linspace(0, 200, 4000)[None, :, None] * 0.6
        + np.linspace(0, 200, 3000)[:, None, None] * 0.4
    )
    for sigma in (4, 6, 8, 10, 12, 15, 18, 22):
        pixels = np.clip(base + rng.normal(0, sigma, (3000, 4000, 3)), 0, 255).astype("uint8")
        out = io.BytesIO()
        Image.fromarray(pixels).save(out, "JPEG", quality=80)
        if out.tell() >= megabytes * 1_000_000:
            break
    return out.getvalue()


def worker_run(url: str, media_dir: str) -> dict:
    """Run the task worker (`manage.py db_worker --batch`, one process, as `./hromada up`
    starts it) over the run's queue: the mail of every report and the photos' stored
    copies. Return its wall and CPU seconds and the photos made."""
    from reports.models import Photo

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": media_dir,
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    waiting = Photo.everything.exclude(upload="").count()
    command = [sys.executable, str(ROOT / "manage.py"), "db_worker", "--batch",
               "--interval", "0", "--no-startup-delay"]  # fmt: skip
    begin, usage = time.monotonic(), os.times()
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)  # noqa: S603
    wall, after = time.monotonic() - begin, os.times()
    cpu = (after.children_user - usage.children_user) + (
        after.children_system - usage.children_system
    )
    made = waiting - Photo.everything.exclude(upload="").count()
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "photos_made": made,
            "photos_per_s": round(made / wall, 2) if wall else None}  # fmt: skip


def post_photo_reports(base: str, points, photo: bytes, clients: int, max_seconds: float) -> dict:
    """File reports through /api/v1/reports/ (multipart), each with `photo`."""
    import requests

    from reports.models import Category

    codes = list(Category.objects.filter(is_active=True, questions__isnull=True)
                 .values_list("code", flat=True))  # fmt: skip
    url = f"{base}/api/v1/reports/"

    def work(state, i):
        session = state.setdefault("session", requests.Session())
        lon, lat = points[i]
        data = {
            "category": codes[i % len(codes)],
            "lat": f"{lat:.6f}",
            "lon": f"{lon:.6f}",
            "description": f"{DESCRIPTIONS[i % len(DESCRIPTIONS)]} (фото №{i})",
        }
        # The body joined here, not by requests' multipart encoder: the client shares the
        # machine's two cores with the server, and its encoder costs more than a join.
        body = b"".join(
            [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             .encode() for name, value in data.items()]
            + [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photos"; '
               f'filename="photo{i}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode(),
               photo, f"\r\n--{BOUNDARY}--\r\n".encode()]
        )  # fmt: skip
        headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
        response = session.post(url, data=body, headers=headers, timeout=60)
        if response.status_code != 201:
            return f"{response.status_code}: {response.text[:200]}"
        return None

    return run_parallel(clients, len(points), work, max_seconds, "POST with a photo")


def page_walk(session, base: str) -> tuple[list[dict], list[tuple[str, float]]]:
    """Page through requests.json newest first by end_date; return the pages' end_dates
    and (end_date, ms) per page, and the distinct requests seen."""
    seen: dict[str, dict] = {}
    pages = []
    end = datetime.now().astimezone() + timedelta(seconds=5)
    while True:
        end_text = end.isoformat(timespec="seconds")
        query = urllib.parse.urlencode({"end_date": end_text})
        start = time.perf_counter()
        response = session.get(f"{base}/open311/v2/requests.json?{query}", timeout=120)
        pages.append((end_text, (time.perf_counter() - start) * 1000))
        response.raise_for_status()
        items = response.json()
        for item in items:
            seen[item["service_request_id"]] = item
        if len(items) < 1000:
            return list(seen.values()), pages
        oldest = datetime.fromisoformat(items[-1]["requested_datetime"]) + timedelta(seconds=1)
        if oldest >= end:
            raise RuntimeError(f"more than 1,000 requests within one second at {end_text}")
        end = oldest


def page_walks(base: str, walks: int, clients: int, max_seconds: float) -> dict:
    import requests

    lock = threading.Lock()
    results = {"pages_ms": [], "walks": [], "end_dates": None}
    counter = itertools.count()
    deadline = time.monotonic() + max_seconds
    begin = time.monotonic()

    def loop() -> None:
        session = requests.Session()
        while time.monotonic() < deadline and next(counter) < walks:
            seen, pages = page_walk(session, base)
            with lock:
                results["pages_ms"].extend(ms for _, ms in pages)
                results["walks"].append(len(seen))
                results["end_dates"] = results["end_dates"] or [end for end, _ in pages]
                print(
                    f"  GET walk {len(results['walks'])}/{walks}: {len(pages)} pages, "
                    f"{len(seen)} requests",
                    flush=True,
                )

    threads = [threading.Thread(target=loop) for _ in range(min(clients, walks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - begin
    result = stats(results["pages_ms"], len(results["pages_ms"]), seconds)
    result["walks"] = results["walks"]
    result["requests_per_s_delivered"] = round(sum(results["walks"]) / seconds, 0)
    result["end_dates"] = results["end_dates"]
    return result


# ---------------------------------------------------------------- bare SQL
def page_statements(end_dates: list[str]) -> list[tuple[str, list]]:
    """Django's own SQL of each page's queryset (the view's selector), for psycopg."""
    from django.db import connection

    from reports import selectors
    from reports.open311.params import date_range

    statements = []
    for end_text in end_dates:
        start, end = date_range(None, end_text)
        queryset = selectors.open311_requests(start=start, end=end)
        sql, params = queryset.query.get_compiler(connection=connection).as_sql()
        statements.append((sql, list(params)))
    return statements


def bare_selects(statements, walks: int, clients: int, max_seconds: float) -> dict:
    import psycopg

    plan = statements * walks
    params = db_params()

    def work(state, i):
        conn = state.get("conn") or state.setdefault(
            "conn", psycopg.connect(**params, autocommit=True)
        )
        conn.execute(plan[i][0], plan[i][1]).fetchall()
        return None

    return run_parallel(clients, len(plan), work, max_seconds, "bare SELECT")


INSERT_REPORT = """
    INSERT INTO reports_report (
        number, category_id, description, location, location_approximate, settlement_id,
        address_text, nearest_address_id, reporter_name, reporter_email, reporter_phone,
        is_anonymous, channel, status, duplicate_of_id, supporters_count, is_hidden,
        is_approved, answers, media_url, follow_token, open311_token, created_by_id, is_demo,
        is_private, is_verified, created_at, updated_at)
    VALUES (%s, %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326), false, %s, '', %s, %s, %s,
        %s, true, 'api', 'new', NULL, 0, false, true, %s, '', %s, %s, NULL, false,
        false, false, now(), now())
    RETURNING id, created_at
"""
LOOKUPS = [
    ("SELECT id, reports_per_hour FROM reports_apikey WHERE key_hash = %(hash)s "
     "AND is_active LIMIT 1", ("hash",)),
    ("SELECT id, moderate_first FROM reports_category WHERE code = %(code)s "
     "AND is_active LIMIT 1", ("code",)),
    ("SELECT code, datatype, required, choices FROM reports_question "
     "WHERE category_id = %(category)s ORDER BY \"order\", code", ("category",)),
    ("SELECT 1 FROM layers_territory WHERE ST_Intersects(boundary, "
     "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)) LIMIT 1", ("lon", "lat")),
    ("SELECT id FROM layers_settlement WHERE ST_Intersects(boundary, "
     "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)) LIMIT 1", ("lon", "lat")),
]  # fmt: skip


def bare_inserts(points, key_id: int, clients: int, max_seconds: float, lookups: bool) -> dict:
    """The rows one POST writes, in one transaction per report; with `lookups`, the reads
    the service makes first (the nearest address through the register's own SQL)."""
    import psycopg

    from addresses.selectors import REVERSE_MAX_M, address_reverse_sql
    from reports.models import Category

    categories = list(Category.objects.filter(is_active=True).values_list("id", "code"))
    settlement_id = _any_settlement_id()
    key_hash = hashlib.sha256(BENCH_KEY.encode()).hexdigest()
    params = db_params()
    tag = "L" if lookups else "W"
    rng = random.Random(SEED)
    plan = [(points[i], rng.choice(categories)) for i in range(len(points))]

    def work(state, i):
        conn = state.get("conn") or state.setdefault(
            "conn", psycopg.connect(**params, autocommit=True)
        )
        (lon, lat), (category_id, code) = plan[i]
        nearest, village = None, settlement_id
        with conn.transaction():
            conn.execute("UPDATE reports_apikey SET last_used_at = now() WHERE id = %s", [key_id])
            if lookups:
                values = {"hash": key_hash, "code": code, "category": category_id}
                values |= {"lon": lon, "lat": lat}
                for sql, _ in LOOKUPS:
                    row = conn.execute(sql, values).fetchone()
                village = row[0] if row else None
                found = conn.execute(
                    *address_reverse_sql(lat=lat, lon=lon, max_m=REVERSE_MAX_M)
                ).fetchone()
                nearest = found[1] if found else None
            report_id, created = conn.execute(
                INSERT_REPORT,
                [
                    f"sql{tag}-{i}",
                    category_id,
                    f"{DESCRIPTIONS[i % len(DESCRIPTIONS)]} (№{i})",
                    lon,
                    lat,
                    village,
                    nearest,
                    f"Мешканець {i}",
                    f"resident{i}@example.org",
                    f"+38050{i:07d}",
                    json.dumps({}),
                    secrets.token_urlsafe(32),
                    uuid.uuid4(),
                ],
            ).fetchone()
            conn.execute(
                "UPDATE reports_report SET number = %s WHERE id = %s",
                [f"{created.year}-{report_id:05d}", report_id],
            )
            conn.execute(
                "INSERT INTO reports_update (report_id, kind, old_status, new_status, note, "
                "is_public, is_pending, by_reporter, created_at) "
                "VALUES (%s, 'created', '', 'new', '', true, false, false, now())",
                [report_id],
            )
        return None

    label = "bare INSERT + lookups" if lookups else "bare INSERT"
    return run_parallel(clients, len(plan), work, max_seconds, label)


def public_count() -> int:
    from reports.models import Report

    return Report.objects.public().count()


def _any_settlement_id() -> int | None:
    from layers.models import Settlement

    return Settlement.objects.values_list("id", flat=True).first()


# ---------------------------------------------------------------- main
def ratio(ours: dict, bare: dict) -> str:
    if not ours.get("rps") or not bare.get("rps"):
        return "—"
    return f"{bare['rps'] / ours['rps']:.1f}×"


def table(results: dict) -> str:
    rows = [
        ("POST requests.json (HTTP)", results["post"], None),
        ("bare SQL: INSERTs of one POST", results["bare_insert"], results["post"]),
        ("bare SQL: INSERTs + lookups", results["bare_insert_lookups"], results["post"]),
        ("GET requests.json page of ≤1,000 (HTTP)", results["get"], None),
        ("bare SQL: SELECT of the same page", results["bare_select"], results["get"]),
    ]
    lines = [
        "| operation | done | s | per s | p50 ms | p95 ms | failures | bare SQL ÷ HTTP |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    if "post_wrk" in results:
        rows.insert(
            1,
            (
                "POST requests.json (HTTP, wrk; p99 in the p95 column)",
                {**results["post_wrk"], "p95_ms": results["post_wrk"]["p99_ms"]},
                None,
            ),
        )
    if "post_photo" in results:
        rows.insert(1, (f"POST /api/v1/reports/ with a {results['photo_mb']} MB photo (HTTP)",
                        results["post_photo"], None))  # fmt: skip
    for name, row, http in rows:
        lines.append(
            f"| {name} | {row['count']} | {row['seconds']} | {row['rps']} | {row['p50_ms']} "
            f"| {row['p95_ms']} | {row.get('failures', 0)} | {ratio(http, row) if http else ''} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP/SQL clients")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--walks", type=int, default=8, help="complete paging walks")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--max-seconds", type=float, default=600, help="bound of each step")
    parser.add_argument(
        "--photo-reports",
        type=int,
        default=0,
        help="then file this many reports with a photo through /api/v1/reports/",
    )
    parser.add_argument("--photo-mb", type=float, default=2.0, help="the photo's size, MB")
    parser.add_argument(
        "--worker", action="store_true", help="then run the task worker over the queue, timed"
    )
    parser.add_argument(
        "--wrk-seconds", type=int, default=0, help="then POST service requests with wrk this long"
    )
    args = parser.parse_args(argv)

    load_before = os.getloadavg()
    print(f"load average before: {load_before}", flush=True)
    url = serving.bench_database_url("bench_open311")
    setup(url)
    key_id = api_key_create(args.reports + args.wrk_seconds * 1000)
    points = seeded_points(args.reports, SEED)
    base = f"http://127.0.0.1:{args.port}"
    results = {"args": vars(args), "load_before": load_before}
    with tempfile.TemporaryDirectory(prefix="open311-bench-") as cache_dir:
        server = start_server(args.port, args.workers, cache_dir)
        try:
            serving.wait_for(f"{base}/open311/v2/discovery.json", seconds=90)
            forms = service_forms(base)
            print(f"{len(forms)} services; POST {args.reports} requests", flush=True)
            results["post"] = post_reports(base, points, forms, args.clients, args.max_seconds)
            filed = results["post"]["count"] - results["post"]["failures"]
            public = public_count()
            results["get"] = page_walks(base, args.walks, args.clients, args.max_seconds)
            if args.wrk_seconds:
                print(f"POST with wrk for {args.wrk_seconds} s", flush=True)
                wrk_points = seeded_points(args.wrk_seconds * 400, SEED + 3)
                results["post_wrk"] = post_reports_wrk(
                    base, wrk_points, forms, args.wrk_seconds, args.clients, cache_dir
                )
            if args.photo_reports:
                photo = phone_photo(args.photo_mb)
                results["photo_mb"] = round(len(photo) / 1_000_000, 2)
                print(f"POST {args.photo_reports} reports with a {results['photo_mb']} MB photo",
                      flush=True)  # fmt: skip
                photo_points = seeded_points(args.photo_reports, SEED + 7)
                results["post_photo"] = post_photo_reports(
                    base, photo_points, photo, args.clients, args.max_seconds
                )
        finally:
            serving.stop(server)
        if args.photo_reports and args.worker:
            print("the task worker over the queue (mail and photos)", flush=True)
            results["worker"] = worker_run(url, str(Path(cache_dir) / "media"))
    # Reports of "moderate first" services are filed but not public: not listed.
    results["get"]["public_reports"] = public
    results["get"]["every_report_found"] = all(n == public for n in results["get"]["walks"])
    statements = page_statements(results["get"].pop("end_dates"))
    results["bare_select"] = bare_selects(statements, args.walks, args.clients, args.max_seconds)
    for lookups, name in ((False, "bare_insert"), (True, "bare_insert_lookups")):
        results[name] = bare_inserts(points, key_id, args.clients, args.max_seconds, lookups)
    results["load_after"] = os.getloadavg()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"open311-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(table(results))
    print(
        f"\nfiled {filed}, {public} public; every walk found all public ones: "
        f"{results['get']['every_report_found']} "
        f"({results['get']['walks']}); requests delivered by paging: "
        f"{results['get']['requests_per_s_delivered']}/s"
    )
    if "worker" in results:
        print(f"task worker: {results['worker']}")
    print(f"load average before {load_before}, after {results['load_after']}")
    print(f"raw results: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
