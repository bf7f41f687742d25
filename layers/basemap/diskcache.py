"""Proxied basemap tiles on disk, bounded in size, least recently used evicted first.

One file per tile, `<root>/<z>/<x>/<y>.tile`: a JSON header line (content type, our
ETag, the upstream's validators, when it goes stale) then the tile bytes. Written to a
temporary name and renamed, so a reader never sees half a tile. A hit sets the file's
mtime, which is the "last used" time eviction sorts by. Every web worker shares the
folder; each keeps an estimate of its size and scans it only when the estimate passes
the cap.
"""

import contextlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

# Eviction frees down to this share of the cap, so it does not run on every write.
EVICT_TO = 0.9
SUFFIX = ".tile"


@dataclass(frozen=True)
class StoredTile:
    """A tile on disk: bytes, content type, our ETag, the upstream's validators and the
    Unix time (s) when it goes stale."""

    body: bytes
    content_type: str
    etag: str
    upstream_etag: str
    last_modified: str
    stale_at: float

    def is_fresh(self, now: float) -> bool:
        return now < self.stale_at

    def header(self) -> bytes:
        fields = {k: v for k, v in self.__dict__.items() if k != "body"}
        return json.dumps(fields).encode() + b"\n"


_lock = threading.Lock()
_usage: dict[Path, int] = {}


class TileStore:
    """The tiles of one upstream under `root`, at most `max_bytes` in all."""

    def __init__(self, root: Path, max_bytes: int):
        self.root = Path(root)
        self.max_bytes = max_bytes

    def path(self, z: int, x: int, y: int) -> Path:
        return self.root / str(z) / str(x) / f"{y}{SUFFIX}"

    def read(self, z: int, x: int, y: int) -> StoredTile | None:
        """Return the stored tile, or None when absent or unreadable."""
        path = self.path(z, x, y)
        try:
            with path.open("rb") as file:
                fields = json.loads(file.readline())
                return StoredTile(body=file.read(), **fields)
        except (OSError, ValueError, TypeError):
            return None

    def touch(self, z: int, x: int, y: int) -> None:
        """Mark the tile as just used (eviction goes by this time)."""
        with contextlib.suppress(OSError):
            os.utime(self.path(z, x, y))

    def write(self, z: int, x: int, y: int, tile: StoredTile) -> None:
        """Store (or replace) a tile, then evict the least recently used past the cap."""
        path = self.path(z, x, y)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        data = tile.header() + tile.body
        temporary.write_bytes(data)
        os.replace(temporary, path)
        self._count(len(data))

    def _count(self, added: int) -> None:
        with _lock:
            if self.root not in _usage:
                _usage[self.root] = self.size_bytes()
            else:
                _usage[self.root] += added
            if _usage[self.root] > self.max_bytes:
                _usage[self.root] = self.evict()

    def _files(self) -> list[tuple[float, int, Path]]:
        files = []
        for folder, _dirs, names in os.walk(self.root):
            for name in names:
                if name.endswith(SUFFIX) and not name.startswith("."):
                    try:
                        stat = os.stat(os.path.join(folder, name))
                    except OSError:
                        continue
                    files.append((stat.st_mtime, stat.st_size, Path(folder, name)))
        return files

    def size_bytes(self) -> int:
        """Return the bytes of every stored tile (a scan of the folder)."""
        return sum(size for _mtime, size, _path in self._files())

    def evict(self) -> int:
        """Delete the least recently used tiles until under EVICT_TO of the cap; return
        the bytes left."""
        files = sorted(self._files())
        total = sum(size for _mtime, size, _path in files)
        target = self.max_bytes * EVICT_TO
        for _mtime, size, path in files:
            if total <= target:
                break
            try:
                path.unlink()
                total -= size
            except OSError:
                continue
        return total
