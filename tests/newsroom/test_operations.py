"""/healthz, /readyz, /metrics and JSON logs: what a load balancer, Prometheus and a log
collector get from each host (newsroom/operations.py, newsroom/metrics.py, newsroom/logs.py)."""

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import RequestFactory
from django.utils import timezone
from prometheus_client import REGISTRY

from comments.models import Comment, ModerationSettings
from comments.tasks import notify_moderators
from newsroom import logs, metrics, operations
from newsroom.cachetags import CLOCK_SKEW_NS
from tests.comments.test_views import send
from tests.factories import ArticleFactory
from tests.servers import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "scrape-" + "t" * 40


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def all_migrations_unchecked(monkeypatch):
    """This process has not yet seen every migration applied (a test may have seen it before)."""
    monkeypatch.setattr(operations.migrations, "all_applied", False)


# --- /healthz -------------------------------------------------------------------------------------
def test_healthz_answers_without_touching_the_database_or_the_cache(client, settings, monkeypatch):
    """No `db` fixture: any query would fail the test; and the cache is never asked."""
    settings.SECURE_SSL_REDIRECT = True  # a probe over plain HTTP is not redirected
    monkeypatch.setattr("django.core.cache.cache.get", pytest.fail)

    response = client.get("/healthz", HTTP_HOST="10.0.3.7:8000")  # an address ALLOWED_HOSTS does not list

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]
    assert "X-Page-Cache" not in response


# --- /readyz --------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_readyz_is_ready_and_never_cached(client, all_migrations_unchecked):
    for _ in range(2):
        response = client.get("/readyz", HTTP_HOST="10.0.3.7:8000")
        assert response.status_code == 200
        assert response.json() == {"ready": True, "problems": {}}
        assert "no-store" in response["Cache-Control"]
        assert "X-Page-Cache" not in response


@pytest.mark.django_db
def test_readyz_is_503_while_a_migration_is_missing(client, all_migrations_unchecked):
    latest = MigrationRecorder.Migration.objects.filter(app="comments").latest("id")
    latest.delete()

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["ready"] is False
    assert response.json()["problems"] == {"migrations": f"1 not applied, the first comments.{latest.name}"}


@pytest.mark.django_db
def test_readyz_is_503_while_redis_is_down_though_pages_still_work(client, dead_redis):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["problems"] == {"cache": "a value written to it could not be read back"}
    assert client.get("/").status_code == 200  # the cache fails soft: readers are still served


@pytest.mark.django_db
def test_readyz_is_ready_with_a_live_redis(client, redis_at, redis_url):
    redis_at(int(redis_url.rsplit(":", 1)[1].split("/")[0]))
    assert client.get("/readyz").json() == {"ready": True, "problems": {}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readyz_is_503_while_the_database_is_unreachable(client):
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = free_port()  # nothing listens there
    try:
        response = client.get("/readyz")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port

    assert response.status_code == 503
    problems = response.json()["problems"]
    assert problems["database default"] == "unreachable (OperationalError)"
    assert "cache" in problems  # in the database here


# --- Prometheus metrics --------------------------------------------------------------------------
@pytest.mark.django_db
def test_page_cache_hits_misses_and_latency_by_view_are_counted(client):
    article = ArticleFactory()
    before = {
        "hit": sample("midad_page_cache_lookups_total", result="hit"),
        "miss": sample("midad_page_cache_lookups_total", result="miss"),
        "detail": sample("midad_request_seconds_count", view="articles:detail"),
        "cached": sample("midad_request_seconds_count", view="page-cache"),
    }

    time.sleep(CLOCK_SKEW_NS / 1e9)  # a page rendered closer to the article's creation counts as older
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"

    assert sample("midad_page_cache_lookups_total", result="miss") == before["miss"] + 1
    assert sample("midad_page_cache_lookups_total", result="hit") == before["hit"] + 1
    assert sample("midad_request_seconds_count", view="articles:detail") == before["detail"] + 1
    assert sample("midad_request_seconds_count", view="page-cache") == before["cached"] + 1


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.mark.django_db
def test_comment_posts_are_counted_by_outcome(client, clock):
    article = ArticleFactory()
    rules = ModerationSettings.load()
    rules.banned_words = "كلمة قبيحة"
    rules.save()
    pending, refused = (sample("midad_comment_posts_total", outcome=name) for name in ("pending", "refused"))

    send(client, clock, article, text="متى يبدأ التشغيل؟")
    clock.shift(60)
    send(client, clock, article, text="هذه كلمة قبيحة")

    assert Comment.objects.get().status == Comment.Status.PENDING
    assert sample("midad_comment_posts_total", outcome="pending") == pending + 1
    assert sample("midad_comment_posts_total", outcome="refused") == refused + 1


@pytest.mark.django_db
def test_metrics_are_off_in_production_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_metrics_need_the_token_and_show_the_task_queue(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    notify_moderators.enqueue(1)
    notify_moderators.enqueue(2)

    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert 'midad_task_queue_depth{queue="default"} 2.0' in text
    assert "midad_page_cache_lookups_total" in text
    assert "midad_request_seconds_bucket" in text


@pytest.mark.django_db
def test_metrics_of_every_worker_process_add_up(tmp_path, monkeypatch):
    """As under gunicorn: each process writes its samples to PROMETHEUS_MULTIPROC_DIR."""
    worker = "from newsroom.metrics import COMMENT_POSTS; COMMENT_POSTS.labels(outcome='approved').inc(3)"
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-c", worker], cwd=PROJECT_ROOT, check=True,
            env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)},
        )  # fmt: skip
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    scraped = {
        (s.name, tuple(s.labels.items())): s.value for m in metrics.Scrape().collect() for s in m.samples
    }

    assert scraped[("midad_comment_posts_total", (("outcome", "approved"),))] == 6
    assert scraped[("midad_task_queue_depth", (("queue", "default"),))] == 0


# --- JSON logs ------------------------------------------------------------------------------------
def test_with_log_format_json_each_record_is_one_json_line_with_its_request_id():
    code = "\n".join([
        "import django, logging",
        "django.setup()",
        "from django.test import RequestFactory",
        "from newsroom.logs import request_id_of",
        "request = RequestFactory().get('/', headers={'X-Request-ID': 'f3a9c2-17'})",
        "with request_id_of(request):",
        "    logging.getLogger('midad.test').warning('تعليق %s\\nبسطرين', 7)",
        "logging.getLogger('midad.test').error('بعد الطلب')",
    ])  # fmt: skip
    environment = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings", "DEBUG": "1", "LOG_FORMAT": "json",
        "DATABASE_URL": "postgres://editor@db.internal/midad",
    }  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )

    during, after = (json.loads(line) for line in result.stderr.splitlines())
    assert during["level"] == "WARNING"
    assert during["logger"] == "midad.test"
    assert during["message"] == "تعليق 7\nبسطرين"
    assert during["request_id"] == "f3a9c2-17"
    assert after["level"] == "ERROR"
    assert "request_id" not in after


def test_a_request_id_that_could_forge_a_log_line_is_dropped():
    record = logging.LogRecord("midad.test", logging.INFO, __file__, 1, "نص", None, None)
    request = RequestFactory().get("/", headers={"X-Request-ID": 'x", "level": "CRITICAL'})
    with logs.request_id_of(request):
        line = json.loads(logs.JsonFormatter().format(record))
    assert "request_id" not in line
