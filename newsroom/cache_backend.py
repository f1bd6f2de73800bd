"""The two caches Midad runs on: Redis in production, a table of PostgreSQL without it.

Django's Redis cache, failing soft: the cache makes pages fast, it must never make them fail.

When Redis is down or unreachable, reads miss and writes do nothing, as if the cache were
empty. `add`, `incr` and `decr` raise `CacheUnavailable` instead: their callers count with
them (rate limits), and a count that silently never happened would let everything through.

A failure also opens a circuit breaker: for RETRY_SECONDS no call tries Redis at all, so a
dead server costs one connection attempt every few seconds, not one per cache call; and the
warning is logged once per WARN_SECONDS, not once per request. Short socket timeouts in the
cache's OPTIONS (settings.py) bound what a black-holed server costs the call that tries it.
"""

import base64
import logging
import pickle
import re
import threading
from datetime import UTC, datetime
from time import monotonic

import redis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import BaseDatabaseCache, DatabaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import connections, router
from django.utils.module_loading import import_string
from django.utils.timezone import now

logger = logging.getLogger(__name__)

CONNECTION_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
RETRY_SECONDS = 5
WARN_SECONDS = 30


class CacheUnavailable(Exception):
    """The cache cannot be reached, where pretending it answered would be wrong."""


class Breaker:
    """What this process knows about one Redis. Django makes a cache object per thread; they
    share this, so a threaded server also tries and warns once per interval, not per thread."""

    def __init__(self, name: str):
        self.name = name
        self.retry_at = 0.0
        self.warned_at = float("-inf")
        self.lock = threading.Lock()

    def is_open(self) -> bool:
        return monotonic() < self.retry_at

    def trip(self, error: Exception) -> None:
        now = monotonic()
        with self.lock:
            self.retry_at = now + RETRY_SECONDS
            warn = now - self.warned_at >= WARN_SECONDS
            if warn:
                self.warned_at = now
        if warn:
            logger.warning(
                "Cache %s is unavailable (%s): serving without it, trying again every %d s.",
                self.name, error, RETRY_SECONDS,
            )  # fmt: skip


_breakers: dict[str, Breaker] = {}


class ReusedClients(RedisCacheClient):
    """Django's client, without a new redis-py client for every cache call: making one copies
    some 170 response callbacks (a third of a millisecond, most of a page-cache hit). One per
    connection pool is enough; redis-py clients are safe to share between threads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if pool not in self._clients:
            self._clients[pool] = self._client(connection_pool=pool)
        return self._clients[pool]


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, failing soft as the module's docstring says."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients
        name = ", ".join(re.sub(r"//[^/@]*@", "//", server) for server in self._servers)  # no password
        self._breaker = _breakers.setdefault(name, Breaker(name))

    def validate_key(self, key):
        """Nothing to check: the base class warns about keys memcached would refuse, a cost per
        key (a tenth of a page-cache hit) for a limit Redis does not have."""

    def _call(self, operation, *args):
        """`operation(*args)`, or CacheUnavailable if Redis fails now or failed moments ago."""
        if self._breaker.is_open():
            raise CacheUnavailable(self._breaker.name)
        try:
            return operation(*args)
        except CONNECTION_ERRORS as error:
            self._breaker.trip(error)
            raise CacheUnavailable(self._breaker.name) from error

    def _call_or(self, fallback, operation, *args):
        """`operation(*args)`, or `fallback` (what an empty cache or a failed write answers)."""
        try:
            return self._call(operation, *args)
        except CacheUnavailable:
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, key, value, timeout, version)

    def incr(self, key, delta=1, version=None):  # decr() too
        return self._call(super().incr, key, delta, version)

    def get(self, key, default=None, version=None):
        return self._call_or(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._call_or({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call_or(False, super().has_key, key, version)

    def get_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        """BaseCache's, except that a value that could not be stored is still returned."""
        value = self.get(key, self._missing_key, version=version)
        if value is not self._missing_key:
            return value
        value = default() if callable(default) else default
        try:
            self.add(key, value, timeout=timeout, version=version)
        except CacheUnavailable:
            return value
        return self.get(key, value, version=version)  # another process may have added first

    async def aget_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        return await sync_to_async(self.get_or_set, thread_sensitive=True)(key, default, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call_or(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call_or(list(data), super().set_many, data, timeout, version)  # keys not stored

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call_or(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call_or(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        self._call_or(None, super().delete_many, keys, version)

    def clear(self):
        return self._call_or(False, super().clear)


class PostgresCache(DatabaseCache):
    """Django's database cache, writing in one statement: the cache of development and of the
    test suite, shared by every process using the database.

    DatabaseCache counts the table, reads the key, then updates or inserts it: four round trips
    for each key, repeated per key by `set_many`, and every save expires a dozen tags. Here a
    `set` or `set_many` is one statement, `INSERT … ON CONFLICT DO UPDATE`, which also deletes
    a few expired rows: the table holds what is live (pages and fragments live a minute) and
    the change records of tags, instead of being counted against MAX_ENTRIES and culled.
    """

    EXPIRED_DELETED_PER_WRITE = 10

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        timeout = self.get_backend_timeout(timeout)
        expires = datetime.max if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        connection = connections[router.db_for_write(self.cache_model_class)]
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        keys = [self.make_and_validate_key(key, version=version) for key in data]
        rows = [
            field
            for key, value in zip(keys, data.values(), strict=True)
            for field in (key, self._encode(value), expires)
        ]
        table = connection.ops.quote_name(self._table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH expired AS (
                    DELETE FROM {table} WHERE cache_key = ANY(ARRAY(
                        SELECT cache_key FROM {table} WHERE expires < %s AND cache_key <> ALL(%s)
                        LIMIT {self.EXPIRED_DELETED_PER_WRITE} FOR UPDATE SKIP LOCKED
                    ))
                )
                INSERT INTO {table} (cache_key, value, expires)
                VALUES {", ".join(["(%s, %s, %s)"] * len(keys))}
                ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires
                """,
                [connection.ops.adapt_datetimefield_value(now()), keys, *rows],
            )
        return []

    def _encode(self, value) -> str:
        """As DatabaseCache stores values, so that its reads understand them."""
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")


def database_tables() -> set[str]:
    """The tables that hold a cache: rebuilt on demand, so backups skip them."""
    return {
        cache["LOCATION"]
        for cache in settings.CACHES.values()
        if issubclass(import_string(cache["BACKEND"]), BaseDatabaseCache)
    }
