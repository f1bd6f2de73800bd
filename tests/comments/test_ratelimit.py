"""Comment limits are counted in PostgreSQL when the cache cannot count (comments/ratelimit.py).

The tests' cache is the database cache, whose `incr` is not atomic: PostgreSQL counts. With
`dead_redis` (tests/conftest.py) the cache is a Redis that refuses every connection.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from comments.models import Comment, RateLimitCounter
from comments.ratelimit import over_limit
from newsroom import formstamp
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def attempts(key, n, *, limit=2, seconds=60) -> list[bool]:
    return [over_limit(key, limit=limit, seconds=seconds) for _ in range(n)]


def test_attempts_beyond_the_limit_are_over_it_until_the_window_ends(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    assert attempts("flood:ip:a", 4) == [False, False, True, True]
    assert attempts("flood:ip:b", 1) == [False]  # each key counts for itself
    time_machine.shift(59)
    assert attempts("flood:ip:a", 1) == [True]  # the window began with the first attempt
    time_machine.shift(1)
    assert attempts("flood:ip:a", 3) == [False, False, True]
    assert RateLimitCounter.objects.get(key="flood:ip:a").attempts == 3


def test_an_attempt_whose_transaction_rolls_back_does_not_count():
    with transaction.atomic():
        attempts("flood:ip:a", 2)
        transaction.set_rollback(True)  # the comment was refused after all
    assert attempts("flood:ip:a", 3) == [False, False, True]


def test_rows_of_ended_windows_are_deleted_when_a_new_window_starts(
    time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(timezone.now(), tick=False)
    with django_capture_on_commit_callbacks(execute=True):  # the test's transaction never commits
        attempts("rate:ip:old", 1, seconds=60)
        attempts("rate:ip:recent", 1, seconds=600)
        time_machine.shift(120)
        attempts("rate:ip:new", 1)
    assert set(RateLimitCounter.objects.values_list("key", flat=True)) == {"rate:ip:recent", "rate:ip:new"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_attempts_are_counted_exactly():
    def attempt(_):
        try:
            return over_limit("flood:ip:a", limit=5, seconds=60)
        finally:
            connection.close()  # each thread has a connection of its own

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(attempt, range(40)))
    assert answers.count(False) == 5


def test_while_redis_is_down_postgresql_counts(dead_redis):
    assert attempts("flood:ip:a", 3) == [False, False, True]
    assert RateLimitCounter.objects.get(key="flood:ip:a").attempts == 3


def post_comment(client, article, email, **fields):
    written = (timezone.now() - timedelta(minutes=1)).timestamp()  # a person's writing time
    form = {"name": "هدى", "email": email, "text": f"رأي {email}", "rendered_at": formstamp.issue(at=written)}
    return client.post(f"/news/{article.slug}/comment/", form | fields)


@pytest.fixture
def article():
    return ArticleFactory(title="خبر يعلّق عليه القراء")


def test_comments_are_posted_and_limited_while_redis_is_down(article, dead_redis, client):
    assert post_comment(client, article, "first@example.com").status_code == 302
    refused = post_comment(client, article, "second@example.com")  # same address, seconds later
    assert refused.status_code == 429
    assert "تمهّل قليلاً" in refused.content.decode()
    bot = post_comment(client, article, "bot@example.com", homepage="https://spam.example")
    assert bot.status_code == 302  # turned away silently; not counted, and no error either
    assert list(Comment.objects.values_list("email", flat=True)) == ["first@example.com"]
