"""The rural phone of the benchmark and what is measured on it (bench/phone_bench.py).

Kept apart from the runner so that the numbers (throttling, targets, verdicts) are
tested cheaply in tests/bench/ without a browser.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Issue #15, "Performance": 1.6 Mbit/s down, 0.75 Mbit/s up, 150 ms round trip, 4x CPU.
DOWN_MBIT, UP_MBIT, RTT_MS, CPU_SLOWDOWN = 1.6, 0.75, 150, 4
VIEWPORT = {"width": 360, "height": 740}
TARGET_SECONDS, TARGET_COLD_BYTES, TARGET_WARM_BYTES = 3.0, 1_000_000, 100_000


def network_conditions(down_mbit=DOWN_MBIT, up_mbit=UP_MBIT, rtt_ms=RTT_MS) -> dict:
    """CDP `Network.emulateNetworkConditions` parameters: throughputs in bytes/s."""
    return {
        "offline": False,
        "latency": rtt_ms,
        "downloadThroughput": down_mbit * 1_000_000 / 8,
        "uploadThroughput": up_mbit * 1_000_000 / 8,
    }


@dataclass
class NetworkLog:
    """The requests of one page load, from the Chrome DevTools Protocol's Network events:
    bytes as transferred (headers and compressed bodies; 0 for a cache hit), and the
    protocol's own monotonic timestamps (seconds), not Python's, which a loaded machine
    would delay."""

    started: dict[str, float] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    finished: dict[str, float] = field(default_factory=dict)
    transferred: dict[str, int] = field(default_factory=dict)
    document: str = ""
    # Python's monotonic clock at the last event: how long the network has been quiet.
    last_event: float = field(default_factory=time.monotonic)

    def copy(self) -> NetworkLog:
        return NetworkLog(
            dict(self.started),
            dict(self.urls),
            dict(self.finished),
            dict(self.transferred),
            self.document,
        )

    def reset(self) -> None:
        """Forget every request (before a reload measured on its own)."""
        for part in (self.started, self.urls, self.finished, self.transferred):
            part.clear()
        self.document = ""

    def attach(self, cdp) -> None:
        cdp.on("Network.requestWillBeSent", self.on_request)
        cdp.on("Network.loadingFinished", self.on_finished)
        cdp.on("Network.loadingFailed", self.on_finished)

    def on_request(self, event: dict) -> None:
        if event["request"]["url"].startswith(("data:", "blob:")):
            return
        self.last_event = time.monotonic()
        self.started.setdefault(event["requestId"], event["timestamp"])
        self.urls[event["requestId"]] = event["request"]["url"]
        if event.get("type") == "Document" and not self.document:
            self.document = event["requestId"]

    def on_finished(self, event: dict) -> None:
        if event["requestId"] not in self.started:
            return
        self.last_event = time.monotonic()
        self.finished[event["requestId"]] = event["timestamp"]
        self.transferred[event["requestId"]] = int(event.get("encodedDataLength", 0))

    def add_unseen(self, url: str, size: int) -> None:
        """A request the page's DevTools session never saw: a dedicated worker's (the
        DevTools Network domain of a page reports only the page's own), as Playwright
        reports it. Counted in bytes and requests;
        without the protocol's timestamps, it is left out of the busy time."""
        request_id = f"unseen-{len(self.urls)}"
        self.urls[request_id] = url
        self.transferred[request_id] = size

    def in_flight(self) -> int:
        """Requests started and not yet finished (or failed)."""
        return len(self.started.keys() - self.finished.keys())

    def quiet_for(self) -> float:
        """Seconds since the last request started or ended (0 while one is in flight)."""
        return 0.0 if self.in_flight() else time.monotonic() - self.last_event

    def breakdown(self) -> dict[str, tuple[int, int]]:
        """Bytes and requests by kind: the page, static files, basemap tiles, our vector
        tiles and style, the API's data."""
        kinds: dict[str, tuple[int, int]] = {}
        for request_id, url in self.urls.items():
            kind = kind_of(url, request_id == self.document)
            size, count = kinds.get(kind, (0, 0))
            kinds[kind] = (size + self.transferred.get(request_id, 0), count + 1)
        return kinds

    def requests(self) -> int:
        return len(self.urls)

    def bytes(self) -> int:
        return sum(self.transferred.values())

    def busy_seconds(self) -> float:
        """Seconds during which at least one request was in flight (the union of the
        requests' intervals): the network's share of a load, without the gaps where the
        page was computing."""
        spans = sorted(
            (start, self.finished[request_id])
            for request_id, start in self.started.items()
            if request_id in self.finished
        )
        busy, end = 0.0, float("-inf")
        for start, finish in spans:
            if finish <= end:
                continue
            busy += finish - max(start, end)
            end = finish
        return busy

    def seconds_to_quiet(self) -> float:
        """From the document's request to the end of the last request that finished."""
        start = self.started.get(self.document, min(self.started.values(), default=0))
        return max(self.finished.values(), default=start) - start


KINDS = (("/static/", "static"), ("/basemap/", "basemap"), ("/tiles/", "tiles"), ("/api/", "data"))


def kind_of(url: str, document: bool = False) -> str:
    """The kind of a request for `NetworkLog.breakdown` (by its path)."""
    if document:
        return "page"
    path = urlsplit(url).path
    return next((kind for prefix, kind in KINDS if path.startswith(prefix)), "other")


def breakdown_text(kinds: dict[str, tuple[int, int]]) -> str:
    """`static 270.1 kB/9, basemap 150.2 kB/12, …` (bytes and requests by kind)."""
    order = ["page", "static", "basemap", "tiles", "data", "other"]
    parts = [
        f"{kind} {kinds[kind][0] / 1000:.1f} kB/{kinds[kind][1]}" for kind in order if kind in kinds
    ]
    return ", ".join(parts)


@dataclass(frozen=True)
class PageResult:
    name: str
    usable_s: float
    detector: str
    cold_bytes: int
    cold_requests: int
    warm_bytes: int
    warm_requests: int
    html_bytes: int
    html_s: float
    cold_kinds: dict = field(default_factory=dict)
    warm_kinds: dict = field(default_factory=dict)
    # Seconds with a request in flight during the cold load (DevTools' clock): the
    # network's share of `usable_s`, which a loaded machine's CPU does not stretch.
    cold_network_s: float = 0.0


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def verdicts(result: PageResult) -> dict[str, bool]:
    return {
        "time": result.usable_s < TARGET_SECONDS,
        "cold": result.cold_bytes < TARGET_COLD_BYTES,
        "warm": result.warm_bytes < TARGET_WARM_BYTES,
    }


HEADER = (
    f"{'page':<11} {'usable':>10} {'cold kB':>10} {'req':>4} {'warm kB':>10} {'req':>4}"
    f" {'HTML kB':>8} {'HTML s':>7} {'cold/HTML':>9}  drawn by"
)


def row(result: PageResult) -> str:
    """One line of the table: figures with ✓/✗ against the targets, then the baseline."""
    ok = verdicts(result)
    ratio = result.cold_bytes / result.html_bytes if result.html_bytes else float("nan")
    return (
        f"{result.name:<11} {result.usable_s:>7.2f} s{mark(ok['time'])}"
        f" {result.cold_bytes / 1000:>8.1f} {mark(ok['cold'])} {result.cold_requests:>4}"
        f" {result.warm_bytes / 1000:>8.1f} {mark(ok['warm'])} {result.warm_requests:>4}"
        f" {result.html_bytes / 1000:>8.1f} {result.html_s:>7.2f} {ratio:>8.1f}x  {result.detector}"
    )


def floor_line(floor: PageResult, pages: list[PageResult]) -> str:
    """The floor (no target applies to it) and each page's time above it."""
    above = ", ".join(f"{page.name} {page.usable_s - floor.usable_s:+.2f} s" for page in pages)
    return (
        f"{'floor':<11} {floor.usable_s:>7.2f} s  {floor.cold_bytes / 1000:>8.1f}   "
        f"{floor.cold_requests:>4}  Leaflet and the basemap alone, cold; above it: {above}"
    )
