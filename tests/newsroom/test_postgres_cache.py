"""The cache of development and of the test suite: a table of PostgreSQL that every process
shares (newsroom/cache_backend.py, PostgresCache)."""

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db


def cache_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute('SELECT COUNT(*) FROM "midad_cache"')
        return cursor.fetchone()[0]


def test_many_values_are_written_in_one_statement_and_read_back_whole():
    values = {f"tag:{n}": n for n in range(12)} | {"page": ("<p>صفحة</p>", {"Content-Type": "text/html"})}
    with CaptureQueriesContext(connection) as queries:
        cache.set_many(values, 60)
    assert len(queries) == 1
    assert cache.get_many(values) == values


def test_a_second_write_replaces_the_value_and_add_keeps_the_first():
    cache.set("headline", "أولى", 60)
    cache.set("headline", "ثانية", 60)
    assert cache.add("headline", "ثالثة", 60) is False
    assert cache.get("headline") == "ثانية"
    assert cache_rows() == 1


def test_values_expire_and_writes_sweep_expired_rows_away():
    with time_machine.travel(timezone.now(), tick=False) as clock:
        cache.set_many({f"old:{n}": n for n in range(25)}, 30)
        cache.set("kept", "forever", None)
        clock.shift(31)
        assert cache.get("old:1") is None  # gone for readers at once
        cache.set("new", 1, 30)
        cache.set("newer", 2, 30)
        # Each write took up to ten expired rows with it; what is live stays.
    assert cache_rows() == 25 - 1 - 2 * 10 + 3
    assert cache.get_many(["kept", "new", "newer"]) == {"kept": "forever", "new": 1, "newer": 2}
