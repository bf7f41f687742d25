"""Counters over a time window, for rate limits and login lock-outs.

Counters live in Django's default cache, which every web worker of one machine shares
(a file cache under var/). A counter starts at its first hit and expires `window_s`
seconds later; the window is fixed, not sliding.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def hashed(*parts: str) -> str:
    """Return a keyed hash of `parts` (a client address…), so keys never hold them in clear."""
    text = "\x1f".join([settings.SECRET_KEY, *parts])
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def counter_value(key: str) -> int:
    """Return the current count under `key` (0 when none or expired)."""
    return cache.get(key, 0)


def counter_incr(key: str, window_s: int) -> int:
    """Add one to the counter under `key`, which expires `window_s` s after its first hit.

    Return the new count.
    """
    if cache.add(key, 1, timeout=window_s):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_s)
        return 1


def flag_set(key: str, window_s: int) -> None:
    """Raise a flag (a lock-out) under `key` for `window_s` seconds."""
    cache.set(key, 1, timeout=window_s)


def counter_clear(key: str) -> None:
    """Forget the counter or flag under `key`."""
    cache.delete(key)
