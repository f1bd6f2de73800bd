"""The pieces of `make bench` that run inside Django (newsroom/benchmark.py and its
commands), and the gunicorn settings it measures."""

import random
import runpy
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article
from comments.models import Comment, ModerationDecision
from newsroom import benchmark
from tests.factories import ArticleFactory, SectionFactory

ROOT = Path(__file__).resolve().parents[2]


def test_filler_articles_have_distinct_titles_and_the_same_text_every_time():
    fillers = [benchmark.filler(index) for index in range(300)]
    assert len({filler["title"] for filler in fillers}) == 300
    assert benchmark.filler(7) == benchmark.filler(7)
    assert "<h2>" in fillers[0]["body"]
    assert "lorem" not in fillers[0]["body"].lower()


@pytest.mark.django_db
def test_bench_content_creates_what_is_missing_and_nothing_twice():
    SectionFactory()
    assert benchmark.ensure_articles(4) == 4
    assert benchmark.ensure_articles(4) == 0
    assert benchmark.ensure_articles(5) == 1
    articles = benchmark.bench_articles()
    assert articles.count() == Article.objects.published().count() == 5
    assert {article.author.user.username for article in articles} == {benchmark.USERNAME}
    assert not any(article.author.user.is_active for article in articles)
    assert benchmark.ensure_pending_comments(3) == 3
    assert benchmark.ensure_pending_comments(3) == 0
    assert benchmark.ensure_draft() == benchmark.ensure_draft()


@pytest.mark.django_db
def test_bench_content_remove_deletes_only_what_the_bench_made():
    SectionFactory()
    other = ArticleFactory()
    benchmark.ensure_articles(3)
    benchmark.ensure_draft()
    benchmark.ensure_pending_comments(2)
    assert "deleted" in _call("bench_content", "--remove")
    assert list(Article.objects.all()) == [other]
    assert not benchmark.bench_comments().exists()


@pytest.mark.django_db
def test_the_urls_file_puts_home_first_and_holds_every_public_article_and_section(tmp_path):
    sections = [SectionFactory() for _ in range(2)]
    benchmark.ensure_articles(12)
    ArticleFactory(status=Article.Status.DRAFT, section=sections[0])
    urls = tmp_path / "urls.txt"
    output = _call("bench_content", "--articles", "12", "--urls", str(urls))
    ranked = urls.read_text().split()
    assert ranked[0] == "/"
    assert len(ranked) == len(set(ranked)) == 1 + 12 + 2
    assert {section.get_absolute_url() for section in sections} <= set(ranked)
    assert all(url.isascii() for url in ranked)
    assert f"urls {len(ranked)}" in output
    assert "article /news/" in output
    assert "static /static/" in output


@pytest.mark.django_db
def test_the_newsroom_writes_through_the_models_and_the_moderators_service():
    SectionFactory()
    demo = ArticleFactory(body="<p>خبر من الديمو.</p>")
    benchmark.ensure_articles(6)
    benchmark.ensure_pending_comments(2)
    newsroom = benchmark.Newsroom(benchmark.popularity_order(), random.Random(1))

    newsroom.save_draft(1)
    newsroom.save_draft(2)
    draft = Article.objects.get(pk=newsroom.draft.pk)
    assert draft.status == Article.Status.DRAFT
    assert draft.body.count(benchmark.AUTOSAVE_MARK) == 1  # replaced, not piling up
    assert "النسخة 2" in draft.body

    newsroom.edit_published(1)
    edited = [article for article in benchmark.bench_articles() if benchmark.UPDATE_MARK in article.body]
    assert len(edited) == 1
    assert edited[0].content_updated_at is not None  # the model's own save noticed a content edit
    assert Article.objects.get(pk=demo.pk).body == "<p>خبر من الديمو.</p>"  # the demo is never edited

    newsroom.approve_comment(1)
    newsroom.approve_comment(2)
    newsroom.approve_comment(3)  # none left pending: one is written, then approved
    approved = benchmark.bench_comments().approved()
    assert approved.count() == 3
    assert ModerationDecision.objects.filter(to_status=Comment.Status.APPROVED).count() == 3
    for comment in approved:
        assert comment.article.comment_count == approved.filter(article=comment.article).count()


def test_the_newsroom_keeps_its_schedule_and_stops_on_time():
    calls = []

    class Stub:
        def jobs(self):
            return [
                benchmark.Job("often", 0.05, lambda number: calls.append(("often", number))),
                benchmark.Job("slow", 0.2, lambda number: time.sleep(0.06)),
            ]

    began = time.monotonic()
    jobs = benchmark.run_newsroom(Stub(), 0.5)
    assert time.monotonic() - began < 1.5  # generous: the machine may be busy
    often, slow = jobs
    assert 3 <= often.done <= 11  # never more turns than the time allows: no catching up in bursts
    assert 1 <= slow.done <= 3
    assert calls[:2] == [("often", 1), ("often", 2)]
    assert "often" in often.summary()


@pytest.mark.django_db
def test_a_failing_job_is_counted_and_reported_without_stopping_the_others():
    def fail(number):
        raise RuntimeError("database gone")

    class Stub:
        def jobs(self):
            return [benchmark.Job("broken", 0.05, fail), benchmark.Job("fine", 0.05, lambda number: None)]

    broken, fine = benchmark.run_newsroom(Stub(), 0.2)
    assert broken.failed >= 2
    assert broken.done == 0
    assert fine.done >= 2
    assert "FAILED" in broken.summary()
    assert "database gone" in broken.summary()


@pytest.mark.django_db
def test_bench_render_prints_cold_and_warm_times_of_a_page_with_the_page_cache_bypassed():
    SectionFactory()
    ArticleFactory()
    output = _call("bench_render", "--iterations", "2")
    lines = output.splitlines()
    assert lines[0].startswith("in-process render (ms)")
    assert [line.split()[0] for line in lines[1:]] == ["home", "article"]


def _call(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- gunicorn.conf.py ------------------------------------------------------------------------
def _gunicorn_settings(monkeypatch, **environ) -> dict:
    for name in (
        "GUNICORN_MAX_REQUESTS",
        "GUNICORN_MAX_REQUESTS_JITTER",
        "GUNICORN_PRELOAD",
        "GUNICORN_CONTROL_SOCKET",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_does_not_recycle_workers_unless_told_to(monkeypatch):
    assert _gunicorn_settings(monkeypatch)["max_requests"] == 0
    told = _gunicorn_settings(monkeypatch, GUNICORN_MAX_REQUESTS="5000")
    assert (told["max_requests"], told["max_requests_jitter"]) == (5000, 500)


def test_gunicorn_preloads_the_app_unless_told_not_to(monkeypatch):
    assert _gunicorn_settings(monkeypatch)["preload_app"] is True
    assert _gunicorn_settings(monkeypatch, GUNICORN_PRELOAD="0")["preload_app"] is False


def test_two_gunicorn_masters_on_one_host_get_their_own_control_sockets(monkeypatch):
    first = _gunicorn_settings(monkeypatch, GUNICORN_BIND="127.0.0.1:8000")["control_socket"]
    second = _gunicorn_settings(monkeypatch, GUNICORN_BIND="127.0.0.1:8799")["control_socket"]
    assert first != second
    chosen = _gunicorn_settings(monkeypatch, GUNICORN_CONTROL_SOCKET="/run/midad/gunicorn.ctl")
    assert chosen["control_socket"] == "/run/midad/gunicorn.ctl"
    off = _gunicorn_settings(monkeypatch, GUNICORN_CONTROL_SOCKET="off")
    assert off["control_socket_disable"] is True
    assert "control_socket" not in off
