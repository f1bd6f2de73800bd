"""Caching by dependency: cached HTML is dropped when, and only when, what it shows changes.

Everything cached (a whole page, a fragment of one) records the *tags* of what it shows —
``article:42``, ``section:3``, ``list:tag:7``, ``settings`` — and when its rendering began.
A change calls ``expire(*tags)``, which records when those tags changed; an entry showing a
tag that changed after its rendering began is a miss. Checking an entry costs one
``get_many`` of its tags' change times, however many tags it has.

Rendering code says what it shows with ``depends(*tags)`` (templates: ``{% depends %}``,
``{% cached %}`` in newsroom/templatetags/cachetags.py): the tags go to every enclosing
collector, so a page knows the tags of the fragments inside it, cached or not.
Which change expires which tags is decided in one place: newsroom/expiry.py.

Time also changes what readers may see: a scheduled article becomes public, a breaking story
leaves the ticker. No entry outlives the next such moment (``next_content_change()``), so
none of it needs a save or a cron job.
"""

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

CHANGE_PREFIX = "changed:"
CLOCK_SKEW_NS = 50_000_000  # how far apart the clocks of two web hosts may be
KEPT_ENTRIES_CHARACTERS = 300_000  # of HTML entries a process keeps (KeptEntries): some 600 kB

# Sent with `tags` after they were marked changed: what this process keeps itself drops them.
tags_expired = Signal()
# Sent when everything cached was forgotten (`clear`): nothing changed, nothing may be kept.
cleared = Signal()

_collectors: ContextVar[tuple[set[str], ...]] = ContextVar("cachetag_collectors", default=())
_request_memo: ContextVar[dict | None] = ContextVar("cachetag_request_memo", default=None)


# --- Versions -------------------------------------------------------------------------------
def expire(*tags: str) -> None:
    """Mark `tags` as changed now: every entry rendered before this moment that shows one of
    them becomes a miss. Inside a transaction it is done again at commit, so that a render
    which read the old rows in between cannot pass for current."""
    if not tags:
        return
    tags = set(tags)
    _stamp(tags)
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _stamp(tags))


def clear() -> None:
    """Forget everything cached: the shared cache, and what this process keeps of it (its kept
    entries, and its recent pages through `cleared`). For tests, benchmarks, a restore."""
    cache.clear()
    kept_entries.clear()
    cleared.send(sender=None)


def _stamp(tags: set[str]) -> None:
    cache.set_many(dict.fromkeys((CHANGE_PREFIX + tag for tag in tags), time.time_ns()), None)
    tags_expired.send(sender=None, tags=tags)


def fetch(keys: Iterable[str], tags: Iterable[str]) -> tuple[dict[str, Any], dict[str, int]]:
    """In one round trip: the cached values at `keys`, and when each of `tags` last changed
    (ns; 0 for a tag that never changed). Entries this process keeps (`kept_entries`) are not
    fetched again, only their tags' change times: a kept entry that turns out stale is fetched.

    Change records are stored without expiry. The shared cache must not evict them (Redis:
    `maxmemory-policy volatile-lru`, which evicts only keys with a timeout; see the README).
    """
    kept = kept_entries.get_many(keys)
    found, changes = _fetch(
        [key for key in keys if key not in kept], set(tags).union(*(e.tags for e in kept.values()))
    )
    if stale := [key for key, entry in kept.items() if not entry.is_current(changes)]:
        kept_entries.drop(stale)  # the shared cache may hold a newer render
        found |= _fetch(stale, ())[0]
    kept_entries.keep(found)
    return kept | found, changes


def _fetch(keys: list[str], tags: Iterable[str]) -> tuple[dict[str, Any], dict[str, int]]:
    change_keys = {CHANGE_PREFIX + tag: tag for tag in tags}
    wanted = [*keys, *change_keys]
    found = cache.get_many(wanted) if wanted else {}
    changes = {tag: found.pop(key, 0) for key, tag in change_keys.items()}
    return found, changes


# --- Collecting what a render shows --------------------------------------------------------
def depends(*tags: str) -> None:
    """Declare that what is being rendered shows `tags` (no-op outside a collector)."""
    for collector in _collectors.get():
        collector.update(tags)


@contextmanager
def collecting():
    """Collect the tags declared while the block runs (outer collectors get them too)."""
    collected: set[str] = set()
    token = _collectors.set((*_collectors.get(), collected))
    try:
        yield collected
    finally:
        _collectors.reset(token)


# --- Entries --------------------------------------------------------------------------------
@dataclass
class Entry:
    """A cached value, the tags it shows, when its rendering began and until when it may live."""

    value: Any
    tags: frozenset[str]
    rendered_at: int  # ns
    until: float  # epoch seconds

    def is_current(self, changes: dict[str, int]) -> bool:
        # A change within CLOCK_SKEW of the render counts as after it: hosts' clocks differ.
        limit = self.rendered_at - CLOCK_SKEW_NS
        return time.time() < self.until and all(changes[tag] < limit for tag in self.tags)


class KeptEntries:
    """Entries of HTML this process fetched or rendered lately, kept so that the next lookup
    fetches only their tags' change times, not the HTML again (most of a personal page's
    round trip). They are checked like fetched ones, so they are as current; only immutable
    values (strings) are kept, at most `budget` characters, the least recently used go first."""

    def __init__(self, budget: int):
        self.budget = budget
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get_many(self, keys: Iterable[str]) -> dict[str, Entry]:
        with self.lock:
            kept = {key: self.entries[key] for key in keys if key in self.entries}
            for key in kept:
                self.entries.move_to_end(key)
        return kept

    def keep(self, found: dict[str, Any]) -> None:
        keepable = {
            key: entry
            for key, entry in found.items()
            if isinstance(entry, Entry) and isinstance(entry.value, str) and len(entry.value) <= self.budget
        }
        with self.lock:
            for key, entry in keepable.items():
                self._forget(key)
                self.entries[key] = entry
                self.size += len(entry.value)
            while self.size > self.budget:
                self._forget(next(iter(self.entries)))

    def drop(self, keys: Iterable[str]) -> None:
        with self.lock:
            for key in keys:
                self._forget(key)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0

    def _forget(self, key: str) -> None:
        if (old := self.entries.pop(key, None)) is not None:
            self.size -= len(old.value)


kept_entries = KeptEntries(budget=KEPT_ENTRIES_CHARACTERS)


# The tags each key's entry showed when this process last read it: asked for together with
# the entry, they make a lookup one round trip instead of two. Tags of a key rarely change;
# when they do, the new ones are fetched in a second round trip.
_tags_seen: dict[str, frozenset[str]] = {}
TAGS_SEEN_LIMIT = 20_000


def lookup(key: str) -> Entry | None:
    """The entry at `key` if nothing it shows changed since it was rendered."""
    found, changes = fetch_planned([key], _tags_seen.get(key, ()))
    entry = found.get(key)
    if not isinstance(entry, Entry):
        return None
    if unseen := entry.tags - changes.keys():
        changes |= fetch_planned((), unseen)[1]
    if len(_tags_seen) >= TAGS_SEEN_LIMIT:
        _tags_seen.clear()
    _tags_seen[key] = entry.tags
    if entry.is_current(changes):
        depends(*entry.tags)
        return entry
    return None


def remember(key: str, render: Callable[[], Any], seconds: int, tags: Iterable[str] = ()) -> Any:
    """The value at `key`; `render()` (declaring what it shows) makes it when missing or stale."""
    if (entry := lookup(key)) is not None:
        return entry.value
    return store(key, render, seconds, tags).value


def store(key: str, render: Callable[[], Any], seconds: int, tags: Iterable[str] = ()) -> Entry:
    """Render and cache the result with every tag declared while rendering."""
    started = time.time_ns()
    with collecting() as shown:
        depends(*tags)
        value = render()
    return save(key, value, shown, started, seconds)


def save(key: str, value: Any, tags: Iterable[str], started: int, seconds: int) -> Entry:
    """Cache `value`, rendered from `started` on, showing `tags`, for at most `seconds`."""
    if (plan := _plan.get()) is not None:
        plan.keys.discard(key)  # what was fetched ahead for it is older now
    entry = Entry(value, frozenset(tags), started, valid_until(seconds))
    cache.set(key, entry, max(1, math.ceil(entry.until - time.time())))
    kept_entries.keep({key: entry})
    return entry


def valid_until(seconds: int) -> float:
    """Now + `seconds`, or earlier if published content changes by itself before then."""
    until = time.time() + seconds
    upcoming = next_content_change()
    return min(until, upcoming.timestamp()) if upcoming else until


def read(key: str) -> Any:
    """`cache.get(key)`, from the page's round trip ahead when it fetched `key` (see `planned`)."""
    return fetch_planned([key], ())[0].get(key)


# --- One round trip ahead for a page ----------------------------------------------------------
@dataclass
class Plan:
    """What a page's render fetched ahead (the keys and tags its previous render asked for), and
    what this render asks for."""

    keys: set[str]
    found: dict[str, Any]
    changes: dict[str, int]
    keys_asked: list[str]
    tags_asked: set[str]
    also: frozenset[str]  # keys of this request only, never remembered for the next render


_plan: ContextVar[Plan | None] = ContextVar("cachetag_plan", default=None)
# Per process: page → the keys and tags its last render asked for.
_asked_by_page: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {}
PAGES_PLANNED_LIMIT = 5_000


@contextmanager
def planned(page: str, also: Iterable[str] = ()):
    """Render `page` with every entry and tag its previous render in this process asked for
    fetched ahead in one round trip, instead of one round trip each; with the keys `also`,
    which this request will read but the next one will not (a reader's session)."""
    keys, tags = _asked_by_page.get(page, ((), frozenset()))
    also = frozenset(also)
    keys = (*keys, *also)
    found, changes = fetch(keys, tags) if keys or tags else ({}, {})
    token = _plan.set(Plan(set(keys), found, changes, [], set(), also))
    try:
        yield
    finally:
        plan = _plan.get()
        _plan.reset(token)
        if len(_asked_by_page) >= PAGES_PLANNED_LIMIT:
            _asked_by_page.clear()
        _asked_by_page[page] = (tuple(dict.fromkeys(plan.keys_asked)), frozenset(plan.tags_asked))


def fetch_planned(keys: Iterable[str], tags: Iterable[str]) -> tuple[dict[str, Any], dict[str, int]]:
    """`fetch(keys, tags)`, answered from the page's plan for what it fetched ahead: a round trip
    only for the rest."""
    plan = _plan.get()
    if plan is None:
        return fetch(keys, tags)
    keys, tags = list(keys), set(tags)
    plan.keys_asked.extend(key for key in keys if key not in plan.also)
    plan.tags_asked.update(tags)
    ahead = {key: plan.found[key] for key in keys if key in plan.keys and key in plan.found}
    rest = [key for key in keys if key not in plan.keys]
    missing = tags - plan.changes.keys()
    found, changes = fetch(rest, missing) if rest or missing else ({}, {})
    return ahead | found, plan.changes | changes


# --- Once per request ----------------------------------------------------------------------
def request_memo() -> dict:
    """A dictionary that lives as long as the current request; outside one (a management
    command, a background worker) a new one on every call, so nothing is remembered there."""
    memo = _request_memo.get()
    return {} if memo is None else memo


def per_request(function: Callable[[], Any]) -> Callable[[], Any]:
    """Memoise a zero-argument function for the current request."""

    def memoised():
        memo = request_memo()
        if function not in memo:
            memo[function] = function()
        return memo[function]

    memoised.__doc__ = function.__doc__
    return memoised


def request_begins(**kwargs) -> None:
    _request_memo.set({})


def request_ends(**kwargs) -> None:
    _request_memo.set(None)


request_started.connect(request_begins, dispatch_uid="newsroom.cachetags.request_begins")
request_finished.connect(request_ends, dispatch_uid="newsroom.cachetags.request_ends")


@per_request
def next_content_change() -> datetime | None:
    """The next time published content changes by itself: a scheduled article going public
    or a breaking story leaving the ticker."""
    from articles.models import Article

    return Article.objects.next_change(timezone.now())
