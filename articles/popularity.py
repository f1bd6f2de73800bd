"""Honest "most read": reader views counted in memory, written to the database in batches.

A page stays cacheable because its view is counted by a separate beacon request
(articles.views.record_view). Writing a row on every beacon would turn each reader into a
database write, so each worker process adds views to an in-memory counter and upserts the
sums every FLUSH_EVERY_SECONDS or FLUSH_EVERY_VIEWS. The upsert *adds* to the stored
count, so the buffers of many gunicorn workers (and hosts) add up.

One client (a salted hash of its address and User-Agent, never the address itself) counts
once per article per VIEW_WINDOW_SECONDS, and for at most MAX_VIEWS_PER_CLIENT articles in
that window: a script posting the beacon in a loop cannot lift a story into "most read".
Redis remembers who was counted, for every worker and host; without it (a cache table,
where each check would be a database write; or Redis down) each process remembers on its
own, in a bounded in-memory cache.
"""

import atexit
import contextlib
import logging
import re
import threading
import time
from collections import Counter
from datetime import datetime, timedelta

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, connection
from django.db.models import Sum
from django.utils import timezone

from articles.models import Article, ArticleViewCount
from newsroom.cache_backend import CacheUnavailable
from newsroom.http import keyed_hash

FLUSH_EVERY_SECONDS = 30
FLUSH_EVERY_VIEWS = 200
MOST_READ_SECONDS = 5 * 60  # views are counted all the time; the list is redone this often
MAX_ARTICLE_ID = 2**63 - 1  # a BigAutoField; a larger id from the URL would fail the whole batch
VIEW_WINDOW_SECONDS = 30 * 60
MAX_VIEWS_PER_CLIENT = 50  # articles one client may add a view to per window; a reader reads fewer

logger = logging.getLogger(__name__)

# Crawlers, link previews, uptime monitors, headless browsers and HTTP libraries.
# "bot" spares the CUBOT phone brand, whose browsers are real readers.
_BOT_USER_AGENT = re.compile(
    r"(?<!cu)bot|crawl|spider|slurp|archiver|facebookexternalhit|facebookcatalog|meta-externalagent"
    r"|embedly|preview|whatsapp|headless|phantomjs|selenium|puppeteer|playwright|lighthouse"
    r"|pagespeed|gtmetrix|pingdom|uptime|monitor|curl|wget|python-requests|python-urllib|aiohttp"
    r"|httpx|go-http-client|okhttp|java/|libwww|scrapy|axios|node-fetch",
    re.IGNORECASE,
)

ViewKey = tuple[int, datetime]  # (article id, UTC hour)


def is_bot(user_agent: str) -> bool:
    """Whether a request comes from software rather than a reader; no User-Agent counts as software."""
    return not user_agent.strip() or _BOT_USER_AGENT.search(user_agent) is not None


class _ViewBuffer:
    """This process's pending views, shared by its threads under one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[ViewKey] = Counter()
        self._pending = 0
        self._last_flush = time.monotonic()
        self._backing_off = False

    def add(self, key: ViewKey) -> bool:
        """Count one view; returns whether a flush is due."""
        with self._lock:
            self._counts[key] += 1
            self._pending += 1
            if time.monotonic() - self._last_flush >= FLUSH_EVERY_SECONDS:
                return True
            # After a failed write, wait for the timer rather than retrying on every view.
            return self._pending >= FLUSH_EVERY_VIEWS and not self._backing_off

    def take(self) -> Counter[ViewKey]:
        """Empty the buffer and return what it held; a concurrent flush then gets nothing twice."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
            self._pending = 0
            self._last_flush = time.monotonic()
            self._backing_off = False
            return counts

    def give_back(self, counts: Counter[ViewKey]) -> None:
        """Return counts whose write failed, so the next flush retries them."""
        with self._lock:
            self._counts.update(counts)
            self._pending += counts.total()
            self._backing_off = True


_buffer = _ViewBuffer()
_counted_here = LocMemCache("articles.popularity", {"OPTIONS": {"MAX_ENTRIES": 50_000}})


def _client_key(client_ip: str, user_agent: str) -> str:
    return keyed_hash("midad-view-client", f"{client_ip}\n{user_agent}")[:24]


def _first_view_in_window(cache, client: str, article_id: int) -> bool:
    """Whether this client's view of the article is its first in the window and within its cap."""
    if not cache.add(f"views:seen:{client}:{article_id}", 1, VIEW_WINDOW_SECONDS):
        return False
    counted = f"views:client:{client}"
    if cache.add(counted, 1, VIEW_WINDOW_SECONDS):
        return True
    try:
        return cache.incr(counted) <= MAX_VIEWS_PER_CLIENT
    except ValueError:  # the window ended between add() and incr()
        return True


def is_new_view(article_id: int, client_ip: str, user_agent: str) -> bool:
    """Whether a view is one to count: the client's first of this article in the window."""
    client = _client_key(client_ip, user_agent)
    shared = caches["default"]
    if isinstance(shared, RedisCache):
        with contextlib.suppress(CacheUnavailable):  # then this process remembers until Redis is back
            return _first_view_in_window(shared, client, article_id)
    return _first_view_in_window(_counted_here, client, article_id)


def record_view(article_id: int, user_agent: str, client_ip: str) -> bool:
    """Count one reader view unless `user_agent` is a bot or this client (`client_ip` and
    `user_agent`) was counted for the article within VIEW_WINDOW_SECONDS; returns whether it counted.

    Views accumulate in this process's memory (a thread-safe Counter keyed by (article_id,
    hour)) and are written by flush() when FLUSH_EVERY_SECONDS have passed since the last
    flush or FLUSH_EVERY_VIEWS views are pending. No query runs unless a flush is due.
    """
    if is_bot(user_agent) or not 0 < article_id <= MAX_ARTICLE_ID:
        return False
    if not is_new_view(article_id, client_ip, user_agent):
        return False
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    if _buffer.add((article_id, hour)):
        try:
            flush()
        except DatabaseError:
            # The counts are back in the buffer; the reader's beacon should not fail for it.
            logger.exception("Could not write article view counts; will retry")
    return True


def flush() -> int:
    """Write pending counts with one upsert that adds to stored counts; returns rows written.

    The buffer is swapped out under the lock and written outside it, so readers' threads
    never wait on the database. Views of articles deleted meanwhile are dropped. If the
    write fails, the counts go back into the buffer and the error propagates.
    """
    counts = _buffer.take()
    if not counts:
        return 0
    try:
        return _write(counts)
    except DatabaseError:
        _buffer.give_back(counts)
        raise


def _write(counts: Counter[ViewKey]) -> int:
    """One INSERT … ON CONFLICT that adds `counts` to the hourly rows of existing articles."""
    quote = connection.ops.quote_name
    views_table, articles_table = quote(ArticleViewCount._meta.db_table), quote(Article._meta.db_table)
    keys = list(counts)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {views_table} (article_id, hour, views)
            SELECT pending.article_id, pending.hour, pending.views
            FROM unnest(%s::bigint[], %s::timestamptz[], %s::integer[]) AS pending(article_id, hour, views)
            WHERE EXISTS (SELECT 1 FROM {articles_table} WHERE id = pending.article_id)
            ON CONFLICT (article_id, hour) DO UPDATE SET views = {views_table}.views + EXCLUDED.views
            """,
            [[article_id for article_id, _ in keys], [hour for _, hour in keys], list(counts.values())],
        )
        return cursor.rowcount


atexit.register(flush)  # a worker that exits cleanly (recycling, graceful restart) loses nothing


def most_read(hours: int = 24, limit: int = 5) -> list[Article]:
    """Published articles with the most views in the last `hours`, most first.

    Every hourly bucket that overlaps the window counts, so "24 hours" may include up to
    one extra hour. Each article carries its `recent_views`. The block that shows it is a
    shared fragment cached for MOST_READ_SECONDS (articles/fragments.py).
    """
    since = timezone.now() - timedelta(hours=hours + 1)
    return list(
        Article.objects.published()
        .for_listing()
        .filter(view_counts__hour__gt=since)
        .annotate(recent_views=Sum("view_counts__views"))
        .order_by("-recent_views", "-publish_at", "-pk")[:limit]
    )
