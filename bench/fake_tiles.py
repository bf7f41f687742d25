"""A local tile server standing in for OpenStreetMap's (an http.server thread on a free
loopback port; never the internet), for the basemap proxy's tests, the browser tests and
the benchmarks alike:

    with FakeTileServer(noise_png()) as upstream:
        settings.BASEMAP_UPSTREAM = upstream.template
        ...
        upstream.requests  # what the proxy asked for: path and headers

It answers every GET with `body` (a PNG), `Cache-Control` and, when set, an `ETag`
(304 to a matching If-None-Match); `status` other than 200 and `delay_s` make it fail
or be slow, as a real upstream may.
"""

from __future__ import annotations

import contextlib
import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def noise_png(size_px: int = 256, *, levels: int = 4, noisy_rows: int | None = None) -> bytes:
    """A deterministic PNG tile. Noise of `levels` grey levels in the first `noisy_rows`
    rows (all by default), the rest flat: 4 levels over every row compress like a busy
    map tile (20-30 kB), half the rows like a rural one (about 12 kB); 256 levels do not
    compress at all."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(1)
    step = max(1, 256 // levels)
    pixels = (rng.integers(0, levels, (size_px, size_px)) * step).clip(0, 255).astype("uint8")
    rows = size_px if noisy_rows is None else noisy_rows
    pixels[rows:, :] = 200
    buffer = io.BytesIO()
    Image.fromarray(pixels, "L").save(buffer, format="PNG")
    return buffer.getvalue()


class FakeTileServer:
    """A fake upstream tile server; start it with `with` (or `start()`/`stop()`)."""

    def __init__(self, body: bytes, *, cache_control: str = "max-age=3600", etag: str = ""):
        self.body = body
        self.status = 200
        self.delay_s = 0.0
        self.cache_control = cache_control
        self.etag = etag
        self.requests: list[dict] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def template(self) -> str:
        """The XYZ URL template of this server, for BASEMAP_UPSTREAM."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"

    def start(self) -> FakeTileServer:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeTileServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _handler(state: FakeTileServer):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            state.requests.append({"path": self.path, **dict(self.headers.items())})
            time.sleep(state.delay_s)
            if state.status != 200:
                self.send_response(state.status)
                self.end_headers()
                return
            if state.etag and self.headers.get("If-None-Match") == state.etag:
                self.send_response(304)
                self.send_header("Cache-Control", state.cache_control)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(state.body)))
            self.send_header("Cache-Control", state.cache_control)
            if state.etag:
                self.send_header("ETag", state.etag)
            self.end_headers()
            # The proxy may have given up waiting (the timeout tests).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(state.body)

        def log_message(self, *args):
            pass

    return Handler
