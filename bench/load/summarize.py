"""Turn locust's --csv statistics of bench/load/run.sh into a RESULTS.md section."""

import argparse
import csv
import os
from datetime import date
from pathlib import Path

WATCHED = ("/tiles/{z}/{x}/{y}.pbf", "/ogc/collections/{id}/items")


def _rows(path: Path) -> list[dict]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _level(out: Path, users: int) -> list[str]:
    uptime = (out / f"uptime-{users}.txt").read_text().split("load average:")
    loads = [part.strip().splitlines()[0] for part in uptime[1:]]
    lines = [
        f"**{users} users** — load average before / after: {' / '.join(loads)}",
        "",
        "| endpoint | requests | req/s | median ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in _rows(out / f"u{users}_stats.csv"):
        name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
        lines.append(
            f"| {row['Type']} {name} | {row['Request Count']} | {float(row['Requests/s']):.1f} "
            f"| {row['50%']} | {row['95%']} | {row['99%']} | {row['Failure Count']} |"
        )
    verdict = [
        f"{row['Name']} p95 {row['95%']} ms"
        for row in _rows(out / f"u{users}_stats.csv")
        if row["Name"] in WATCHED
    ]
    return [*lines, "", f"Target p95 < 300 ms for tiles and items: {', '.join(verdict)}.", ""]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--duration", default="60s")
    parser.add_argument("--workers", default="2")
    parser.add_argument("--profile", default=os.environ.get("PROFILE", "Visitor"))
    parser.add_argument("--command", default="bench/load/run.sh")
    args = parser.parse_args()
    levels = sorted(int(p.name[1:].split("_")[0]) for p in args.out.glob("u*_stats.csv"))
    print(f"\n## Load: mixed public traffic ({date.today().isoformat()})\n")
    print(f"```sh\n{args.command}\n```\n")
    print(
        f"gunicorn {args.workers} gthread workers (gis/gunicorn.py) on 127.0.0.1, demo data, "
        f"locust (bench/.venv-locust), {args.duration} per level, 2-core machine shared with "
        f"other jobs. Traffic: the {args.profile} profile of bench/load/locustfile.py "
        "(bench/load/README.md says what it requests and why).\n"
    )
    for users in levels:
        print("\n".join(_level(args.out, users)))


if __name__ == "__main__":
    main()
