"""Mixed public traffic from many users while the database restarts once (issue #21).

    .venv/bin/python -m bench.load.restart_run [--users 200] [--duration 75]
        [--restart-at 35] [--mode fast] [--workers 3]

Everything runs on a throw-away PostgreSQL cluster of its own (initdb in a directory under
/tmp, tests/faults/cluster.py), never on the project's cluster: the demo database is
created, migrated and loaded there (bench/demo_site.py `demo_server`), gunicorn serves it
on a free loopback port, and locust (bench/.venv-locust, as bench/load/run.sh installs
it) sends the traffic of bench/load/locustfile.py. `--restart-at` seconds into the run
the cluster is stopped (`pg_ctl stop -m <mode>`) and started again at once, like an
operator's restart. A probe asks /healthz and a JSON API every 0.1 s throughout, to see
what requests in flight got and how long after the database was back the service
answered again. Prints a Markdown section for bench/RESULTS.md; raw files go to
bench/out/restart-<time>/. The cluster and the server are removed on leaving.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCUST = ROOT / "bench" / ".venv-locust" / "bin" / "locust"
# Locust user class of each traffic profile (bench/load/locustfile.py says what each is).
PROFILES = {"visit": "Visitor", "stress": "Stress"}
PROBE_PATHS = ("/healthz", "/api/v1/locate?lat=48.79&lon=32.72")


class Probe(threading.Thread):
    """GET each of PROBE_PATHS every `step` s, one after another; keep, for each request,
    (wall time sent, wall time answered, path, status, content type and error code)."""

    def __init__(self, base: str, step: float = 0.1):
        super().__init__(daemon=True)
        self.base, self.step = base, step
        self.samples: list[tuple[float, float, str, int, str]] = []
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            for path in PROBE_PATHS:
                sent = time.time()
                status, kind = self._get(path)
                self.samples.append((sent, time.time(), path, status, kind))
            self.stopped.wait(self.step)

    def _get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as answer:  # noqa: S310
                return answer.status, answer.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            kind = error.headers.get("Content-Type", "")
            if error.code == 503 and kind.startswith("application/json"):
                body = json.loads(error.read())
                kind += (
                    f" code={body['error']['code']} retry-after={error.headers.get('Retry-After')}"
                )
            return error.code, kind
        except OSError as error:
            return 0, type(error).__name__


def _restart(cluster, mode: str, at: float, marks: dict) -> None:
    """Stop and start the throw-away cluster `at` s from now; record the moments (wall
    time, to compare with locust's per-second history)."""
    time.sleep(at)
    marks["stop_begin"] = time.time()
    cluster.stop(mode)
    marks["stopped"] = time.time()
    cluster.start()
    marks["started"] = time.time()


def _demo_facts() -> tuple[list[str], list[str]]:
    """Public report numbers and a few address search terms of the loaded demo."""
    from addresses.models import Street
    from reports.models import Report

    public = Report.objects.filter(is_approved=True, is_hidden=False).order_by("pk")
    numbers = list(public.values_list("number", flat=True)[:40])
    names = Street.objects.order_by("pk").values_list("name", flat=True)[:20]
    terms = sorted({name.split()[0][:5] for name in names if name})
    return numbers, terms


def _recovery(samples, marks, history_csv: Path) -> dict:
    """What the probe and locust saw around the restart (seconds from `started`, the
    moment pg_ctl start returned, unless said otherwise)."""
    started = marks["started"]
    in_outage = [s for s in samples if marks["stop_begin"] <= s[1] and s[0] < started]
    after = [s for s in samples if s[0] >= started]
    first_ok = {}
    for path in PROBE_PATHS:
        ok = next((s for s in after if s[2] == path and s[3] == 200), None)
        first_ok[path] = ok and {
            "sent": round(ok[0] - started, 2),
            "answered": round(ok[1] - started, 2),
        }
    bad_after = [s for s in after if s[3] != 200]
    return {
        "stop_took_s": round(marks["stopped"] - marks["stop_begin"], 2),
        "start_took_s": round(started - marks["stopped"], 2),
        "probe_answers_overlapping_the_outage": sorted({(s[2], s[3], s[4]) for s in in_outage}),
        "probe_first_200_sent_after_start": first_ok,
        "probe_non_200_sent_after_start": sorted({(s[2], s[3], s[4]) for s in bad_after}),
        "probe_slowest_answer_s": round(max((s[1] - s[0] for s in samples), default=0), 2),
        "locust_failures_from_stop_begin_s": _failure_span(history_csv, marks["stop_begin"]),
    }


def _failure_span(history_csv: Path, stop_begin: float) -> dict:
    """First and last second (from stop_begin) in which locust's failure count rose."""
    rising, last = [], 0
    with history_csv.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] != "Aggregated":
                continue
            total = int(row["Total Failure Count"])
            if total > last:
                rising.append(int(row["Timestamp"]) - stop_begin)
            last = total
    if not rising:
        return {"failures": 0}
    return {"failures": last, "first": round(rising[0], 1), "last": round(rising[-1], 1)}


def _table(stats_csv: Path) -> list[str]:
    lines = [
        "| request | count | failures | median ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    with stats_csv.open(newline="") as handle:
        for row in csv.DictReader(handle):
            name = "**all**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
            lines.append(
                f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} "
                f"| {row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} |"
            )
    return lines


def _failures(failures_csv: Path) -> list[str]:
    lines = ["| request | error | occurrences |", "|---|---|---:|"]
    with failures_csv.open(newline="") as handle:
        for row in csv.DictReader(handle):
            lines.append(
                f"| {row['Method']} {row['Name']} | {row['Error']} | {row['Occurrences']} |"
            )
    return lines


def _gunicorn_master(url: str) -> int | None:
    """The pid of the gunicorn master this run started: its command line binds `url`'s
    port (bench/serving.py) and its parent's does not (the workers are its forks)."""
    bind = ("--bind=" + url.removeprefix("http://")).encode()

    def binds(pid: str) -> bool:
        try:
            return bind in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return False

    for stat in Path("/proc").glob("[0-9]*/stat"):
        pid = stat.parent.name
        try:
            parent = stat.read_text().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError):
            continue
        if binds(pid) and not binds(parent):
            return int(pid)
    return None


def _children_cpu(master_pid: int | None) -> float:
    """CPU seconds (user + system) of the gunicorn master's live workers, from /proc."""
    if master_pid is None:
        return float("nan")
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for task in Path(f"/proc/{master_pid}/task").glob("*/children"):
        for pid in task.read_text().split():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _uptime() -> str:
    # Django set TZ to the site's zone in this process; the machine's figures are in UTC.
    env = os.environ | {"TZ": "UTC"}
    answer = subprocess.run(["uptime"], capture_output=True, text=True, check=False, env=env)  # noqa: S607
    return answer.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=int, default=20)
    parser.add_argument("--duration", type=int, default=75, help="seconds of traffic")
    parser.add_argument("--restart-at", type=float, default=35, help="seconds into the run")
    parser.add_argument("--mode", default="fast", choices=("smart", "fast", "immediate"))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--threads", type=int, default=8, help="threads per worker (gthread); 0 = sync workers"
    )
    parser.add_argument(
        "--keep-alive", type=int, default=0, help="gthread keep-alive, s (0: close after each)"
    )
    parser.add_argument(
        "--profile",
        default="visit",
        choices=sorted(PROFILES),
        help="visit: residents' visits with think times; stress: the old ~1 req/s/user mix",
    )
    parser.add_argument(
        "--cpu-rounds", type=int, default=20, help="in-process CPU samples per kind (0: none)"
    )
    args = parser.parse_args()
    if not LOCUST.exists():
        sys.exit(
            f"{LOCUST} is missing: python3 -m venv bench/.venv-locust && "
            "bench/.venv-locust/bin/pip install locust==2.47.0 'Pillow>=11'"
        )
    out = ROOT / "bench" / "out" / f"restart-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    out.mkdir(parents=True)
    sys.path.insert(0, str(ROOT))
    from tests.faults.cluster import Cluster

    cluster = Cluster()
    var = Path(tempfile.mkdtemp(prefix="hromada-load-"))
    try:
        cluster.init()
        cluster.start()
        # Django in this process and gunicorn both work on the throw-away cluster only.
        os.environ.update(
            DATABASE_URL=cluster.url,
            HROMADA_VAR_DIR=str(var),
            DJANGO_SETTINGS_MODULE="gis.settings",
            LOG_LEVEL="WARNING",
            REPORTS_RATE_LIMIT="1000000",  # every simulated resident comes from 127.0.0.1
            # The basemap from our own data (the throw-away site may not reach
            # OpenStreetMap): in this process (cpu_cost) and in gunicorn alike.
            BASEMAP_URL="local",
        )
        _run(args, cluster, out)
    finally:
        cluster.remove()
        subprocess.run(["rm", "-rf", str(var)], check=False)  # noqa: S607


def _run(args, cluster, out: Path) -> None:
    from bench.demo_site import demo_server

    # The worker model of ./hromada up (gis/gunicorn.py) unless --threads 0: gthread.
    gunicorn = (
        f"--worker-class gthread --threads {args.threads} --keep-alive {args.keep_alive}"
        if args.threads
        else ""
    )
    server_env = {"GUNICORN_CMD_ARGS": gunicorn}
    with demo_server("load", workers=args.workers, drop=False, env=server_env) as site:
        numbers, terms = _demo_facts()
        costs = []
        if args.cpu_rounds:
            from bench.load.cpu_cost import measure

            costs = measure(numbers, terms, rounds=args.cpu_rounds)
        env = os.environ | {
            "LOAD_REPORT_NUMBERS": ",".join(numbers),
            "LOAD_SEARCH_TERMS": ",".join(terms),
        }
        probe, marks = Probe(site.url), {}
        restart = threading.Thread(
            target=_restart, args=(cluster, args.mode, args.restart_at, marks), daemon=True
        )
        before = _uptime()
        probe.start()
        restart.start()
        started = time.time()
        locust = subprocess.Popen(  # noqa: S603 — our own locust and locustfile, loopback host
            [str(LOCUST), "-f", str(ROOT / "bench/load/locustfile.py"), "--headless"]
            + ["--host", site.url, "-u", str(args.users), "-r", str(args.spawn_rate)]
            + ["-t", f"{args.duration}s", "--stop-timeout", "10", "--only-summary"]
            + ["--csv", str(out / "locust"), PROFILES[args.profile]],
            env=env,
            stdout=(out / "locust.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        # wait4: the load generator's own CPU time, to say how much of the machine it took.
        _, _, usage = os.wait4(locust.pid, 0)
        locust.returncode = 0
        elapsed = time.time() - started
        cpu = {
            "run_s": round(elapsed, 1),
            "locust_cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
            "gunicorn_workers_cpu_s": round(_children_cpu(_gunicorn_master(site.url)), 1),
            "machine_cores": os.cpu_count(),
        }
        after = _uptime()
        restart.join(timeout=120)
        probe.stopped.set()
        probe.join(timeout=15)
    recovery = _recovery(probe.samples, marks, out / "locust_stats_history.csv")
    with (out / "probe.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows(
            [("sent", "answered", "path", "status", "kind"), *probe.samples]
        )
    (out / "recovery.json").write_text(json.dumps(recovery, indent=2, ensure_ascii=False))
    (out / "cpu.json").write_text(json.dumps({"run": cpu, "per_request": costs}, indent=2))
    print("\n".join(_report(args, before, after, recovery, out, len(numbers), terms)))
    print("\nLoad generator and server CPU over the run (s of CPU; share of the 2 cores):\n")
    for name in ("locust_cpu_s", "gunicorn_workers_cpu_s"):
        share = cpu[name] / (cpu["run_s"] * (cpu["machine_cores"] or 1))
        print(f"* {name}: {cpu[name]} s of {cpu['run_s']} s wall = {share:.0%} of the machine")
    if costs:
        from bench.load.cpu_cost import table

        print("\nIn-process cost per request (Django test client, before the traffic):\n")
        print("\n".join(table(costs)))


def _report(args, before, after, recovery, out, n_reports, terms) -> list[str]:
    command = (
        f".venv/bin/python -m bench.load.restart_run --users {args.users} --duration "
        f"{args.duration} --restart-at {args.restart_at:g} --mode {args.mode} --workers "
        f"{args.workers} --threads {args.threads} --keep-alive {args.keep_alive} --profile "
        f"{args.profile}"
    )
    return [
        f"```sh\n{command}\n```",
        "",
        f"uptime before: `{before}`  ",
        f"uptime after: `{after}`",
        "",
        f"{args.users} users ({args.profile} profile, spawn {args.spawn_rate}/s), "
        f"{args.duration} s, gunicorn {args.workers} workers × {args.threads or 1} threads, "
        f"{n_reports} public reports and search terms "
        f"{', '.join(terms)}; database restarted (`pg_ctl stop -m {args.mode}` + start) "
        f"{args.restart_at:g} s in. Raw files: `{out.relative_to(ROOT)}`.",
        "",
        *_table(out / "locust_stats.csv"),
        "",
        "Failures by kind:",
        "",
        *_failures(out / "locust_failures.csv"),
        "",
        "Restart, as a probe (one request at a time, every 0.1 s) and locust saw it:",
        "",
        "```json",
        json.dumps(recovery, indent=2, ensure_ascii=False),
        "```",
    ]


if __name__ == "__main__":
    main()
