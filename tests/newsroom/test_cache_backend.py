"""Redis being down makes the site slower, never broken (newsroom/cache_backend.py).

`dead_redis` (tests/conftest.py) is a Redis on a loopback port nothing listens on: every
connection is refused at once.
"""

import asyncio
import logging
import socket
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache

from newsroom import cache_backend
from newsroom.cache_backend import RETRY_SECONDS, WARN_SECONDS, CacheUnavailable
from tests.factories import ArticleFactory


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def shift(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    """The backend's monotonic clock, moved by the test."""
    clock = Clock()
    monkeypatch.setattr(cache_backend, "monotonic", clock)
    return clock


@pytest.fixture
def connection_attempts(monkeypatch) -> Counter:
    """TCP connections attempted, by port."""
    attempts, real_connect = Counter(), socket.socket.connect

    def connect(sock, address):
        attempts[address[1]] += 1
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


EMPTY_CACHE_ANSWERS = [  # what an empty cache, or one that could not store anything, answers
    ("get", ("key", "default"), "default"),
    ("get_many", (["a", "b"],), {}),
    ("has_key", ("key",), False),
    ("get_or_set", ("key", lambda: 42), 42),
    ("set", ("key", 1), None),
    ("set_many", ({"a": 1, "b": 2},), ["a", "b"]),
    ("touch", ("key",), False),
    ("delete", ("key",), False),
    ("delete_many", (["a", "b"],), None),
    ("clear", (), False),
    ("aget", ("key", "default"), "default"),
    ("aget_or_set", ("key", 42), 42),
]


def awaited(method):
    """The async `method`, run to its end in a thread of its own: the browser tests may leave
    an event loop in this one, where async_to_sync refuses to run."""

    def call(*args):
        with ThreadPoolExecutor(max_workers=1) as thread:
            return thread.submit(asyncio.run, method(*args)).result()

    return call


@pytest.mark.parametrize(
    ("method", "args", "answer"), EMPTY_CACHE_ANSWERS, ids=[m for m, *_ in EMPTY_CACHE_ANSWERS]
)
def test_reads_miss_and_writes_do_nothing(dead_redis, method, args, answer):
    call = getattr(cache, method)
    if method.startswith("a"):
        call = awaited(call)
    assert call(*args) == answer  # Redis refuses the connection
    assert call(*args) == answer  # the open breaker answers without trying


@pytest.mark.parametrize("method", ["add", "incr", "decr"])
def test_counting_operations_raise_instead_of_pretending(dead_redis, method):
    args = ("counter", 1) if method == "add" else ("counter",)
    for _ in range(2):  # Redis refusing, then the open breaker
        with pytest.raises(CacheUnavailable):
            getattr(cache, method)(*args)


def test_a_dead_redis_costs_one_connection_attempt_per_retry_interval(dead_redis, clock, connection_attempts):
    for _ in range(100):
        cache.get("key")
        cache.set("key", 1)
    assert connection_attempts[dead_redis] == 1
    clock.shift(RETRY_SECONDS - 0.1)
    cache.get("key")
    assert connection_attempts[dead_redis] == 1
    clock.shift(0.1)  # time to see whether it is back
    cache.get("key")
    cache.get("key")
    assert connection_attempts[dead_redis] == 2


def test_the_outage_is_logged_once_per_interval_with_the_cache_but_not_its_password(
    dead_redis, clock, caplog
):
    caplog.set_level(logging.WARNING, logger="newsroom.cache_backend")
    for _ in range(WARN_SECONDS // RETRY_SECONDS):  # a failed attempt every RETRY_SECONDS
        for _ in range(50):
            cache.get("key")
        clock.shift(RETRY_SECONDS)
    assert len(caplog.records) == 1
    (warning,) = caplog.records
    assert warning.levelno == logging.WARNING
    assert f"redis://127.0.0.1:{dead_redis}/0 is unavailable" in warning.getMessage()
    assert "s3cret" not in warning.getMessage()

    cache.get("key")  # WARN_SECONDS after the first warning
    assert len(caplog.records) == 2


def test_a_redis_that_never_answers_holds_one_call_for_the_read_timeout_only(redis_at):
    with socket.socket() as black_hole:
        black_hole.bind(("127.0.0.1", 0))
        black_hole.listen()  # the kernel accepts connections; nothing ever answers
        redis_at(black_hole.getsockname()[1])
        started = time.monotonic()
        for _ in range(20):
            assert cache.get("key") is None
        assert time.monotonic() - started < 1.5


TITLE = "خبر يُقرأ والذاكرة المؤقتة معطلة"


@pytest.fixture
def article(db):
    return ArticleFactory(title=TITLE)


def test_pages_are_served_while_redis_is_down(article, dead_redis, client):
    pages = {"/": TITLE, article.get_absolute_url(): TITLE, "/admin/login/": 'id="login-form"'}
    for path, shown in pages.items():
        for _ in range(2):  # nothing was cached the first time either
            response = client.get(path)
            assert response.status_code == 200, path
            assert shown in response.content.decode(), path
