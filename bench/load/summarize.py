"""Turn locust's --csv statistics of bench/load/run.sh into a RESULTS.md section."""

import argparse
import csv
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
    parser.add_argument("--workers", default="3")
    parser.add_argument("--command", default="bench/load/run.sh")
    args = parser.parse_args()
    levels = sorted(int(p.name[1:].split("_")[0]) for p in args.out.glob("u*_stats.csv"))
    print(f"\n## Load: mixed public traffic ({date.today().isoformat()})\n")
    print(f"```sh\n{args.command}\n```\n")
    print(
        f"gunicorn {args.workers} sync workers on 127.0.0.1, demo data, locust "
        f"(bench/.venv-locust), {args.duration} per level, 2-core machine shared with other "
        "jobs. Mix per user: tiles 10, OGC items 4, locate 3, /map/ 2, / 1, report POST 1 "
        "(30% with a photo), waits 0.5–1.5 s.\n"
    )
    for users in levels:
        print("\n".join(_level(args.out, users)))


if __name__ == "__main__":
    main()
