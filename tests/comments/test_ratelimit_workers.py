"""The flood limit holds across gunicorn workers, whatever state the cache is in.

Real gunicorn servers with two workers each run against the test database: one counts in a
Redis the test starts (tests/servers.py; skipped where Redis is not installed), the others in
PostgreSQL, because their Redis is down or they have none. The comments of a batch are posted
at once, so both workers answer some; each worker's pid is in the access log, so a test knows
that they did.
"""

import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.urls import reverse

from comments.models import RateLimitCounter
from tests.factories import ArticleFactory
from tests.servers import Gunicorn, database_url, free_port, production_env

ATTEMPTS = 6
RUN = secrets.token_hex(4)  # keys of this run (pages, counters) differ from any other run's


class Server(Gunicorn):
    """Two workers on the test database, whose access log names the worker of each request."""

    def __init__(self, redis_url: str | None, access_log: Path):
        env = production_env(database_url(connection.settings_dict)) | {
            "GUNICORN_ACCESSLOG": str(access_log),
            "GUNICORN_CMD_ARGS": "--access-logformat '%(p)s %(m)s %(s)s'",
        }
        if redis_url:
            env["REDIS_URL"] = redis_url
        super().__init__(env, workers=2)
        self.access_log = access_log

    def comments_answered_by(self) -> set[str]:
        """The pids of the workers that answered a comment post."""
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        return {line.split()[0] for line in lines if " POST " in line}

    def post_batch(self, article, batch: int) -> list[int]:
        """Six comments from one address at once, each with its own email and text, written
        for longer than a bot would take (stamps of forms opened seconds ago: no waiting)."""
        status, _html = self.request(article.get_absolute_url())
        assert status == 200
        url = reverse("comments:post", kwargs={"slug": article.slug})  # percent-encoded
        forms = [
            self.comment_form(name="قارئ", email=f"r{batch}-{n}-{RUN}@example.com", text=f"رأي {batch}-{n}")
            for n in range(ATTEMPTS)
        ]
        with ThreadPoolExecutor(ATTEMPTS) as posting:
            return [status for status, _html in posting.map(lambda form: self.request(url, form), forms)]


def check_flood_limit(article, access_log, redis_url) -> None:
    """Batches of comments from one address, until both workers have answered some: one
    comment is accepted in all, the others are refused."""
    server = Server(redis_url, access_log)
    statuses = []
    try:
        server.wait_until_ready()
        assert len(server.workers()) == 2
        for batch in range(3):  # in case one worker took a whole batch
            statuses += server.post_batch(article, batch)
            if len(server.comments_answered_by()) == 2:
                break
    finally:
        log = server.log_tail()  # cache warnings, errors
        server.stop()
    assert len(server.comments_answered_by()) == 2, f"one worker answered all: nothing shared\n{log}"
    assert sorted(statuses) == [302] + [429] * (len(statuses) - 1), f"{statuses}\n{log}"
    assert article.comments.count() == 1


@pytest.fixture
def article():
    return ArticleFactory(title=f"خبر يعلّق عليه الجميع {RUN}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_comment_in_the_flood_window_across_two_workers_sharing_redis(article, redis_url, tmp_path):
    check_flood_limit(article, tmp_path / "access.log", redis_url)
    with redis.Redis.from_url(redis_url) as shared:
        assert shared.keys("*ratelimit:flood:ip:*")  # the count lived in Redis
    assert not RateLimitCounter.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("redis_is", ["down", "absent"])
def test_one_comment_in_the_flood_window_across_two_workers_counting_in_postgresql(
    article, tmp_path, redis_is
):
    redis_url = f"redis://127.0.0.1:{free_port()}/0" if redis_is == "down" else None  # nothing listens there
    check_flood_limit(article, tmp_path / "access.log", redis_url)
    assert RateLimitCounter.objects.filter(key__startswith="flood:ip:").exists()
