"""Counting attempts where every worker and host sees the same count, so that limits hold.

Redis counts them (`add`, then `incr`: atomic, and no load on the database). Other caches
cannot: DatabaseCache's `incr` reads then writes, so two workers may both read 1. Then, and
while Redis is down (`CacheUnavailable`), PostgreSQL counts, in one atomic upsert.

The upsert belongs to the caller's transaction. Concurrent attempts on one key wait for each
other on its row, which is what makes the count exact; and an attempt whose transaction rolls
back (a refused comment) is not counted. Rows of windows that ended are deleted once the
transaction commits, a few at a time, skipping rows others hold: pruning inside it could
take rows another request is about to count, and two such requests would deadlock.
"""

from contextlib import suppress
from datetime import timedelta
from functools import partial

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.utils import timezone

from comments.models import RateLimitCounter
from newsroom.cache_backend import CacheUnavailable

TABLE = RateLimitCounter._meta.db_table
COUNT = f"""
    INSERT INTO {TABLE} AS counter (key, attempts, window_ends) VALUES (%(key)s, 1, %(window_ends)s)
    ON CONFLICT (key) DO UPDATE SET
        attempts = CASE WHEN counter.window_ends > %(now)s THEN counter.attempts + 1 ELSE 1 END,
        window_ends = CASE WHEN counter.window_ends > %(now)s THEN counter.window_ends ELSE excluded.window_ends END
    RETURNING attempts
"""
PRUNE = f"""
    DELETE FROM {TABLE} WHERE key IN (
        SELECT key FROM {TABLE} WHERE window_ends <= %s LIMIT 100 FOR UPDATE SKIP LOCKED
    )
"""


def over_limit(key: str, *, limit: int, seconds: int) -> bool:
    """Count one attempt for `key`; True once more than `limit` happened within the window."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        with suppress(CacheUnavailable):  # PostgreSQL counts until Redis is back
            return _count_in_cache(cache, key, seconds) > limit
    return _count_in_database(key, seconds) > limit


def _count_in_cache(cache, key: str, seconds: int) -> int:
    key = f"ratelimit:{key}"
    if cache.add(key, 1, seconds):  # atomic: only the first attempt of a window creates it
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, seconds)
        return 1


def _count_in_database(key: str, seconds: int) -> int:
    now = timezone.now()  # the application's clock, like the cache's expiry
    with connection.cursor() as cursor:
        cursor.execute(COUNT, {"key": key, "now": now, "window_ends": now + timedelta(seconds=seconds)})
        (attempts,) = cursor.fetchone()
    if attempts == 1:  # a new window, maybe a new row: make room
        transaction.on_commit(partial(_prune, now))
    return attempts


def _prune(now) -> None:
    with connection.cursor() as cursor:
        cursor.execute(PRUNE, [now])
