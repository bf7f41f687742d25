"""Fetch one tile from the upstream tile server with the standard library, within a hard
time limit.

`urllib`'s timeout bounds the connect and each socket read, not name resolution nor a
server that trickles bytes; so the request runs in a small thread pool and the caller
waits at most `timeout_s` in all. A request given up on finishes in the background
(its own socket timeout ends it) and its answer is dropped.
"""

import concurrent.futures
import urllib.error
import urllib.request
from dataclasses import dataclass, field

# Fetches that may run at once in one web worker (OSM asks for few parallel requests).
POOL_SIZE = 4
# A larger body is no map tile.
MAX_BODY_BYTES = 2 * 1024 * 1024
_pool = concurrent.futures.ThreadPoolExecutor(POOL_SIZE, thread_name_prefix="basemap-upstream")


class UpstreamError(Exception):
    """The upstream did not answer with a tile in time (network, timeout, HTTP error)."""


@dataclass(frozen=True)
class Fetched:
    """An upstream answer: 200 with a body, or 304 (the stored tile is still good).

    `headers` have lower-case names.
    """

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def _request(url: str, user_agent: str, validators: dict[str, str]) -> urllib.request.Request:
    headers = {"User-Agent": user_agent, "Accept": "image/png,image/*;q=0.9"}
    headers.update({name: value for name, value in validators.items() if value})
    # Only http(s) templates reach here (selectors.upstream_template checks the scheme).
    return urllib.request.Request(url, headers=headers)  # noqa: S310


def _fetch_now(request: urllib.request.Request, timeout_s: float) -> Fetched:
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
            body = response.read(MAX_BODY_BYTES + 1)
            headers = {name.lower(): value for name, value in response.headers.items()}
            status = response.status
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(304, headers={k.lower(): v for k, v in exc.headers.items()})
        raise UpstreamError(f"upstream answered HTTP {exc.code}") from exc
    except (OSError, ValueError) as exc:  # URLError, timeouts and resets are OSErrors
        raise UpstreamError(f"upstream unreachable: {exc}") from exc
    if status != 200 or len(body) > MAX_BODY_BYTES:
        raise UpstreamError(f"upstream answered HTTP {status} with {len(body)} bytes")
    if not headers.get("content-type", "").startswith("image/"):
        raise UpstreamError(f"upstream sent {headers.get('content-type')!r}, not an image")
    return Fetched(200, body, headers)


def fetch(
    url: str,
    *,
    user_agent: str,
    timeout_s: float,
    etag: str = "",
    last_modified: str = "",
) -> Fetched:
    """GET one tile; with `etag`/`last_modified` a conditional GET that may answer 304.

    Raise UpstreamError on any failure or when `timeout_s` seconds pass (wall clock).
    """
    validators = {"If-None-Match": etag, "If-Modified-Since": last_modified}
    request = _request(url, user_agent, validators)
    future = _pool.submit(_fetch_now, request, timeout_s)
    try:
        return future.result(timeout=timeout_s)
    except concurrent.futures.TimeoutError as exc:
        future.cancel()
        raise UpstreamError(f"upstream slower than {timeout_s:g} s") from exc
