"""Read replicas: what anonymous readers of public pages read comes from a PostgreSQL streaming
replica; everything else from the primary.

Every database alias besides ``default`` is a replica (``DATABASE_REPLICA_URLS`` in
settings). A request reads from one, chosen at its first query, only inside
`public_reads(request)` — the views marked by `cache_public_page` — and only when:

- it is a GET or HEAD without a personal cookie (no session: staff and editors always read the
  primary, and so does the admin);
- its client wrote nothing moments ago: any POST (a comment, a login) is answered with a
  short-lived cookie (`ReadYourWritesMiddleware`) that keeps its next requests on the primary;
- the query is not inside a transaction, and is not of the cache, sessions or task tables;
- the request has written nothing yet (a singleton row created on first use, a counter);
- the replica has replayed the last change of published content. A page rendered from an older
  replica would be kept by the page cache as current, since its rendering began after that
  change was recorded: every change records the primary's WAL position (`note_content_change`,
  on `cachetags.tags_expired`), and a replica that has not replayed that far is not used.

A replica that cannot be reached is skipped for the request (with a warning): the primary
answers instead.
"""

import logging
import random
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from newsroom import cachetags

logger = logging.getLogger(__name__)

STICKY_COOKIE = "midad_primary"
CHANGE_LSN_KEY = "replicas:content-change-lsn"
# Tables a replica may not answer for: the cache (a page cache reading old change times would
# keep stale pages), sessions and the task queue (written and read back at once).
PRIMARY_ONLY_APPS = {"django_cache", "sessions", "django_tasks_db"}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def replicas() -> list[str]:
    return [alias for alias in connections if alias != DEFAULT_DB_ALIAS]


@dataclass
class _Reads:
    alias: str | None = None  # the replica this request reads, once chosen
    chosen: bool = False


_reads: ContextVar[_Reads | None] = ContextVar("replica_reads", default=None)


@contextmanager
def public_reads(request, *, anonymous: bool):
    """Within the block, reads may come from a replica if `request` (`anonymous`: without a
    personal cookie) is a reader's, not a writer's."""
    allowed = anonymous and bool(replicas()) and STICKY_COOKIE not in request.COOKIES
    token = _reads.set(_Reads() if allowed else None)
    try:
        yield
    finally:
        _reads.reset(token)


def _fresh_replica() -> str | None:
    """A replica that has replayed the last content change, or None (the primary)."""
    alias = random.choice(replicas())
    wanted = cache.get(CHANGE_LSN_KEY)
    try:
        with connections[alias].cursor() as cursor:
            # A test mirror or a promoted replica is not in recovery: it is as fresh as it gets.
            cursor.execute(
                "SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= %s::pg_lsn", [wanted or "0/0"]
            )
            fresh = cursor.fetchone()[0]
    except DatabaseError as error:
        logger.warning("Replica %s unreachable, reading from the primary: %s", alias, error)
        return None
    return alias if fresh else None


def note_content_change(**_signal) -> None:
    """Record how far the primary's WAL has gone: replicas must replay that far to serve pages."""
    if not replicas():
        return
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        # Only ever raised; two writers recording at the same instant may keep the lower of
        # their positions, as two may keep the earlier of their change times (cachetags).
        cursor.execute(
            # Where the WAL is being written, past the change's commit even when commits do not
            # wait for the disk (synchronous_commit = off).
            "SELECT greatest(pg_current_wal_insert_lsn(), %s::pg_lsn)::text",
            [cache.get(CHANGE_LSN_KEY, "0/0")],
        )
        cache.set(CHANGE_LSN_KEY, cursor.fetchone()[0], None)


cachetags.tags_expired.connect(note_content_change, dispatch_uid="db_router.note_content_change")


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        reads = _reads.get()
        if (
            reads is None
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return None
        if not reads.chosen:
            reads.alias, reads.chosen = _fresh_replica(), True
        return reads.alias

    def db_for_write(self, model, **hints):
        reads = _reads.get()
        if reads is not None and model._meta.app_label not in PRIMARY_ONLY_APPS:
            reads.alias, reads.chosen = None, True  # what it wrote, a request reads back
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias is the same database

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReadYourWritesMiddleware:
    """Keeps the next requests of a client that just wrote (any POST) on the primary, for
    `REPLICA_STICKY_SECONDS`, longer than replicas lag behind."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and replicas():
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=settings.REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
