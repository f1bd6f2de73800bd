"""The flood limit holds across gunicorn workers, whatever state the cache is in.

Real gunicorn servers with two workers each run against the test database: one counts in a
Redis the test starts (tests/servers.py; skipped where Redis is not installed), the others in
PostgreSQL, because their Redis is down or they have none. The comments of a batch are posted
at once, so both workers answer some; each worker's pid is in the access log, so a test knows
that they did.
"""

import http.cookiejar
import json
import os
import secrets
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse

from comments.models import RateLimitCounter
from comments.moderation import MIN_FILL_SECONDS
from newsroom import formstamp
from tests.factories import ArticleFactory
from tests.servers import free_port, stop

ROOT = Path(__file__).resolve().parents[2]
ATTEMPTS = 6
RUN = secrets.token_hex(4)  # keys of this run (pages, counters) differ from any other run's


def database_url() -> str:
    """A URL to the test database the test runs in (host may be a unix socket folder)."""
    db = connection.settings_dict
    host = db["HOST"] or db.get("OPTIONS", {}).get("host", "")
    port = db["PORT"] or db.get("OPTIONS", {}).get("port", "")
    user = urllib.parse.quote(db["USER"] or "", safe="")
    password = f":{urllib.parse.quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = urllib.parse.quote(host, safe="") if host.startswith("/") else host
    return f"postgres://{user}{password}@{host}{f':{port}' if port else ''}/{db['NAME']}"


def production_env() -> dict:
    """The environment of a production-like process on the test database."""
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_URL"}}
    return env | {
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
        "DATABASE_URL": database_url(),
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # the servers accept the form stamps this process signs
        "ALLOWED_HOSTS": "127.0.0.1",
    }


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to look at, not to follow


class Server:
    """`gunicorn newsroom.wsgi` with two workers on a free loopback port."""

    def __init__(self, redis_url: str | None, access_log: Path):
        self.url = f"http://127.0.0.1:{free_port()}"
        self.access_log = access_log
        env = production_env() | {
            "GUNICORN_BIND": self.url.removeprefix("http://"),
            "WEB_CONCURRENCY": "2",
            "GUNICORN_ACCESSLOG": str(access_log),
            "GUNICORN_CMD_ARGS": "--access-logformat '%(p)s %(m)s %(s)s'",
        }
        if redis_url:
            env["REDIS_URL"] = redis_url
        # A file, not a pipe (a full pipe would stall the server); closed by stop().
        self.log = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "newsroom.wsgi", "-c", "gunicorn.conf.py"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log,
        )  # fmt: skip
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects
        )

    def wait_until_ready(self, seconds=15):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log_tail()
            try:
                if urllib.request.urlopen(self.url + "/robots.txt", timeout=2).status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"gunicorn did not answer on {self.url} within {seconds} s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-3000:]

    def workers(self) -> int:
        return len(psutil.Process(self.process.pid).children())

    def comments_answered_by(self) -> set[str]:
        """The pids of the workers that answered a comment post."""
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        return {line.split()[0] for line in lines if " POST " in line}

    def request(self, path, data=None) -> tuple[int, str]:
        """One request on a new connection (urllib never reuses one), so either worker may answer."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.url + path, data=body, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode()

    def post_batch(self, article, batch: int) -> list[int]:
        """Six comments from one address at once, each with its own email and text, written
        for longer than a bot would take (stamps of forms opened seconds ago: no waiting)."""
        status, _html = self.request(article.get_absolute_url())
        assert status == 200
        # The page is the same for every reader: the token (and its cookie) comes from /csrf/,
        # as the page's script fetches it.
        token = json.loads(self.request("/csrf/")[1])["token"]
        opened = time.time() - MIN_FILL_SECONDS - 1
        url = reverse("comments:post", kwargs={"slug": article.slug})  # percent-encoded
        forms = [
            {"csrfmiddlewaretoken": token, "rendered_at": formstamp.issue(at=opened)}
            | {"name": "قارئ", "email": f"r{batch}-{n}-{RUN}@example.com", "text": f"رأي {batch}-{n}"}
            for n in range(ATTEMPTS)
        ]
        with ThreadPoolExecutor(ATTEMPTS) as posting:
            return [status for status, _html in posting.map(lambda form: self.request(url, form), forms)]

    def stop(self):
        stop(self.process)
        self.log.close()


def check_flood_limit(article, access_log, redis_url) -> None:
    """Batches of comments from one address, until both workers have answered some: one
    comment is accepted in all, the others are refused."""
    server = Server(redis_url, access_log)
    statuses = []
    try:
        server.wait_until_ready()
        assert server.workers() == 2
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
