"""Counters over a time window, for rate limits and login lock-outs.

Counters live in PostgreSQL (core.models.Counter), so every web worker and every
process of every machine counts in one place, and each change is one atomic statement
(INSERT … ON CONFLICT DO UPDATE … RETURNING): under concurrency a limit of N lets
exactly N through (`counter_hit`). A counter starts at its first hit and expires
`window_s` seconds later; the window is fixed, not sliding. Times come from Python's
clock, so tests may move it.

A counter written inside a transaction that rolls back is rolled back with it: callers
that must count a failure count it outside their transaction.
"""

import hashlib
import random
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

TABLE = "core_counter"
PURGE_CHANCE = 0.01  # about one hit in a hundred deletes long-expired counters


def hashed(*parts: str) -> str:
    """Return a keyed hash of `parts` (a client address…), so keys never hold them in clear."""
    text = "\x1f".join([settings.SECRET_KEY, *parts])
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def counter_value(key: str) -> int:
    """Return the current count under `key` (0 when none or expired)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count FROM {TABLE} WHERE key = %s AND expires_at > %s",  # noqa: S608
            [key, timezone.now()],
        )
        row = cursor.fetchone()
    return row[0] if row else 0


def counter_incr(key: str, window_s: int) -> int:
    """Add one to the counter under `key`, which expires `window_s` s after its first hit.

    Return the new count (atomic: concurrent callers each get a different count).
    """
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {TABLE} (key, count, expires_at) VALUES (%s, 1, %s)
                ON CONFLICT (key) DO UPDATE SET
                  count = CASE WHEN {TABLE}.expires_at <= %s THEN 1
                               ELSE {TABLE}.count + 1 END,
                  expires_at = CASE WHEN {TABLE}.expires_at <= %s THEN EXCLUDED.expires_at
                                    ELSE {TABLE}.expires_at END
                RETURNING count""",  # noqa: S608 — the table name is a constant
            [key, now + timedelta(seconds=window_s), now, now],
        )
        count = cursor.fetchone()[0]
        if random.random() < PURGE_CHANCE:  # noqa: S311 — not for security
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE expires_at < %s",  # noqa: S608
                [now - timedelta(hours=1)],
            )
    return count


def counter_hit(key: str, limit: int, window_s: int) -> bool:
    """Count one hit under `key`; return True while at most `limit` hits fell in the window.

    One statement: of any number of concurrent callers exactly `limit` get True.
    """
    return counter_incr(key, window_s) <= limit


def counter_decr(key: str) -> None:
    """Give back one hit (a request counted ahead that then failed for another reason)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET count = GREATEST(count - 1, 0) WHERE key = %s",  # noqa: S608
            [key],
        )


def flag_set(key: str, window_s: int) -> None:
    """Raise a flag (a lock-out) under `key` for `window_s` seconds."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {TABLE} (key, count, expires_at) VALUES (%s, 1, %s)
                ON CONFLICT (key) DO UPDATE SET count = 1, expires_at = EXCLUDED.expires_at
            """,  # noqa: S608
            [key, now + timedelta(seconds=window_s)],
        )


def counter_hold(key: str, window_s: int) -> None:
    """Keep the counter under `key` at its count until `window_s` seconds from now.

    A lock-out holds its failure count for as long as the lock lasts, instead of clearing
    it: an attempt that passed the lock check a moment before the lock was raised then
    still counts past the limit, rather than starting again from one.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET expires_at = %s WHERE key = %s",  # noqa: S608
            [timezone.now() + timedelta(seconds=window_s), key],
        )


def counter_clear(key: str) -> None:
    """Forget the counter or flag under `key`."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE key = %s", [key])  # noqa: S608
