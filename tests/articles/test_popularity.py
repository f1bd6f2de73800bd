import itertools
import threading
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from articles import popularity
from articles.models import Article, ArticleViewCount
from newsroom import cachetags
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:143.0) Gecko/20100101 Firefox/143.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1"
)
CHROME_ANDROID_CUBOT = (
    "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture(autouse=True)
def empty_view_buffer():
    """Every test starts and ends with nothing pending (written into its rolled-back transaction)."""
    popularity.flush()
    yield
    popularity.flush()


@pytest.fixture(autouse=True)
def empty_cache():
    cachetags.clear()
    yield
    cachetags.clear()


_addresses = (f"198.51.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))


def another_reader() -> str:
    """The address of a reader no test has counted yet."""
    return next(_addresses)


def this_hour() -> datetime:
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def stored_views(article) -> dict[datetime, int]:
    return dict(ArticleViewCount.objects.filter(article=article).values_list("hour", "views"))


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "   ",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0",
        "curl/8.5.0",
        "Wget/1.21.4",
        "python-requests/2.32.3",
        "python-httpx/0.28.1",
        "Go-http-client/2.0",
        "WhatsApp/2.23.20.0",
        "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
        "Mozilla/5.0 (Linux; Android 11; moto g power) Chrome-Lighthouse",
    ],
)
def test_bots_and_tools_are_not_counted(user_agent):
    article = ArticleFactory()

    assert popularity.is_bot(user_agent)
    assert popularity.record_view(article.pk, user_agent, another_reader()) is False
    popularity.flush()

    assert not ArticleViewCount.objects.exists()


@pytest.mark.parametrize("user_agent", [CHROME, FIREFOX, SAFARI_IPHONE, CHROME_ANDROID_CUBOT])
def test_readers_in_real_browsers_are_counted(user_agent):
    article = ArticleFactory()

    assert not popularity.is_bot(user_agent)
    assert popularity.record_view(article.pk, user_agent, another_reader()) is True
    popularity.flush()

    assert stored_views(article) == {this_hour(): 1}


@pytest.mark.parametrize("article_id", [0, -1, 2**63])
def test_ids_no_article_can_have_are_refused_before_they_reach_the_buffer(article_id):
    assert popularity.record_view(article_id, CHROME, another_reader()) is False
    assert popularity.flush() == 0


def test_recording_views_runs_no_query_until_a_flush(django_assert_num_queries):
    first, second = ArticleFactory(), ArticleFactory()

    with django_assert_num_queries(0):
        for _ in range(30):
            popularity.record_view(first.pk, CHROME, another_reader())
        for _ in range(20):
            popularity.record_view(second.pk, SAFARI_IPHONE, another_reader())

    assert not ArticleViewCount.objects.exists()


def test_a_flush_writes_one_row_per_article_and_hour_in_one_query(django_assert_num_queries):
    first, second = ArticleFactory(), ArticleFactory()
    for _ in range(30):
        popularity.record_view(first.pk, CHROME, another_reader())
    for _ in range(20):
        popularity.record_view(second.pk, FIREFOX, another_reader())

    with django_assert_num_queries(1):
        assert popularity.flush() == 2

    assert stored_views(first) == {this_hour(): 30}
    assert stored_views(second) == {this_hour(): 20}


def test_flushing_again_adds_to_the_stored_count_as_another_worker_would():
    article = ArticleFactory()
    for _ in range(3):
        popularity.record_view(article.pk, CHROME, another_reader())
    popularity.flush()
    for _ in range(4):
        popularity.record_view(article.pk, FIREFOX, another_reader())

    assert popularity.flush() == 1
    assert stored_views(article) == {this_hour(): 7}


def test_an_empty_flush_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert popularity.flush() == 0


def test_views_are_bucketed_by_their_utc_clock_hour():
    article = ArticleFactory()
    with time_machine.travel(datetime(2026, 3, 1, 10, 59, 59, tzinfo=UTC), tick=False):
        popularity.record_view(article.pk, CHROME, another_reader())
    with time_machine.travel(datetime(2026, 3, 1, 11, 0, 0, tzinfo=UTC), tick=False):
        popularity.record_view(article.pk, CHROME, another_reader())
        popularity.record_view(article.pk, FIREFOX, another_reader())

    popularity.flush()

    assert stored_views(article) == {
        datetime(2026, 3, 1, 10, tzinfo=UTC): 1,
        datetime(2026, 3, 1, 11, tzinfo=UTC): 2,
    }


def test_enough_pending_views_trigger_a_flush_by_themselves(monkeypatch):
    monkeypatch.setattr(popularity, "FLUSH_EVERY_VIEWS", 5)
    article = ArticleFactory()

    for _ in range(4):
        popularity.record_view(article.pk, CHROME, another_reader())
    assert not ArticleViewCount.objects.exists()

    popularity.record_view(article.pk, CHROME, another_reader())
    assert stored_views(article) == {this_hour(): 5}


def test_a_view_after_the_flush_interval_triggers_a_flush(monkeypatch):
    article = ArticleFactory()
    popularity.record_view(article.pk, CHROME, another_reader())
    monkeypatch.setattr(popularity, "FLUSH_EVERY_SECONDS", 0)

    popularity.record_view(article.pk, CHROME, another_reader())

    assert stored_views(article) == {this_hour(): 2}


def test_views_of_a_deleted_article_are_dropped_at_flush_without_error():
    kept, deleted = ArticleFactory(), ArticleFactory()
    popularity.record_view(kept.pk, CHROME, another_reader())
    popularity.record_view(deleted.pk, CHROME, another_reader())
    deleted_pk = deleted.pk
    deleted.delete()

    assert popularity.flush() == 1
    assert stored_views(kept) == {this_hour(): 1}
    assert not ArticleViewCount.objects.filter(article_id=deleted_pk).exists()


def test_counts_that_failed_to_write_are_kept_for_the_next_flush(monkeypatch):
    article = ArticleFactory()
    for _ in range(3):
        popularity.record_view(article.pk, CHROME, another_reader())

    def database_down(counts):
        raise DatabaseError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(popularity, "_write", database_down)
        with pytest.raises(DatabaseError):
            popularity.flush()

    assert popularity.flush() == 1
    assert stored_views(article) == {this_hour(): 3}


def test_a_failing_database_neither_fails_the_beacon_nor_is_retried_on_every_view(monkeypatch):
    monkeypatch.setattr(popularity, "FLUSH_EVERY_VIEWS", 2)
    article = ArticleFactory()
    attempts = []

    def database_down(counts):
        attempts.append(counts.total())
        raise DatabaseError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(popularity, "_write", database_down)
        for _ in range(10):
            assert popularity.record_view(article.pk, CHROME, another_reader()) is True

    assert attempts == [2]  # one try; the next waits for FLUSH_EVERY_SECONDS
    popularity.flush()
    assert stored_views(article) == {this_hour(): 10}


def test_threads_recording_and_flushing_together_lose_and_double_nothing(monkeypatch):
    """Each flush writes what it swapped out; together the writes hold every view exactly once."""
    monkeypatch.setattr(popularity, "FLUSH_EVERY_VIEWS", 7)
    written: Counter = Counter()
    written_lock = threading.Lock()

    def write_in_memory(counts):
        with written_lock:
            written.update(counts)
        return len(counts)

    monkeypatch.setattr(popularity, "_write", write_in_memory)

    def reader(article_id: int) -> None:
        for _ in range(500):
            popularity.record_view(article_id, CHROME, another_reader())

    threads = [threading.Thread(target=reader, args=(article_id,)) for article_id in (1, 2, 3, 4) * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    popularity.flush()

    assert sorted((article_id, views) for (article_id, _hour), views in written.items()) == [
        (1, 1000),
        (2, 1000),
        (3, 1000),
        (4, 1000),
    ]


# --- One client cannot inflate a story: once per article per window, a few articles at most ----
def beacon(client, article, ip="203.0.113.7", user_agent=CHROME):
    response = client.post(
        reverse("articles:record_view", args=[article.pk]), REMOTE_ADDR=ip, HTTP_USER_AGENT=user_agent
    )
    assert response.status_code == 204


@pytest.fixture
def shared_redis(settings, redis_url):
    """The default cache is a real Redis (tests/conftest.py starts one), under keys of this test only."""
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache_backend.ResilientRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-views-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture(params=["in-process", "redis"])
def counted_by(request):
    if request.param == "redis":
        request.getfixturevalue("shared_redis")
    return request.param


def test_a_thousand_beacons_from_one_client_count_once(client, counted_by):
    article = ArticleFactory()
    for _ in range(1000):
        beacon(client, article)
    popularity.flush()
    assert stored_views(article) == {this_hour(): 1}


def test_another_address_or_another_browser_behind_one_address_counts_again(client, counted_by):
    article = ArticleFactory()
    beacon(client, article, ip="203.0.113.7")
    beacon(client, article, ip="203.0.113.7")
    beacon(client, article, ip="198.51.100.20")
    beacon(client, article, ip="203.0.113.7", user_agent=FIREFOX)  # another device in the same home
    popularity.flush()
    assert stored_views(article) == {this_hour(): 3}


def test_a_client_counts_again_once_the_window_has_passed(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    article = ArticleFactory()
    beacon(client, article)
    time_machine.shift(popularity.VIEW_WINDOW_SECONDS - 1)
    beacon(client, article)
    time_machine.shift(2)
    beacon(client, article)
    popularity.flush()
    assert sum(stored_views(article).values()) == 2


def test_a_client_cycling_through_articles_counts_for_only_so_many(client, counted_by, monkeypatch):
    monkeypatch.setattr(popularity, "MAX_VIEWS_PER_CLIENT", 3)
    articles = ArticleFactory.create_batch(5)
    for article in articles:
        beacon(client, article)
    beacon(client, articles[0], ip="198.51.100.20")  # another reader is not held back
    popularity.flush()
    assert [sum(stored_views(article).values()) for article in articles] == [2, 1, 1, 0, 0]


def test_while_redis_is_down_each_worker_still_counts_a_client_once(client, dead_redis):
    article = ArticleFactory()
    for _ in range(20):
        beacon(client, article)
    popularity.flush()
    assert stored_views(article) == {this_hour(): 1}


def add_views(article, views: int, hours_ago: int) -> None:
    ArticleViewCount.objects.create(
        article=article, hour=this_hour() - timedelta(hours=hours_ago), views=views
    )


def test_most_read_ranks_by_views_within_the_window_with_their_count():
    steady, yesterday_hit, old_hit = ArticleFactory(), ArticleFactory(), ArticleFactory()
    add_views(steady, 5, hours_ago=0)
    add_views(steady, 5, hours_ago=3)
    add_views(yesterday_hit, 8, hours_ago=20)
    add_views(old_hit, 100, hours_ago=48)

    day = popularity.most_read(24)
    week = popularity.most_read(168)

    assert [(article.pk, article.recent_views) for article in day] == [(steady.pk, 10), (yesterday_hit.pk, 8)]
    assert [(article.pk, article.recent_views) for article in week] == [
        (old_hit.pk, 100),
        (steady.pk, 10),
        (yesterday_hit.pk, 8),
    ]


def test_most_read_counts_the_hour_the_window_starts_in_but_not_the_one_before():
    with time_machine.travel(datetime(2026, 3, 2, 12, 30, tzinfo=UTC), tick=False):
        overlapping, before = ArticleFactory(), ArticleFactory()
        ArticleViewCount.objects.create(
            article=overlapping, hour=datetime(2026, 3, 1, 12, tzinfo=UTC), views=1
        )
        ArticleViewCount.objects.create(article=before, hour=datetime(2026, 3, 1, 11, tzinfo=UTC), views=9)

        assert [article.pk for article in popularity.most_read(24)] == [overlapping.pk]


def test_most_read_stops_at_the_limit():
    for views in range(1, 8):
        add_views(ArticleFactory(), views, hours_ago=1)

    assert [article.recent_views for article in popularity.most_read(limit=3)] == [7, 6, 5]


def test_drafts_and_scheduled_articles_never_appear_in_most_read():
    published = ArticleFactory()
    draft = ArticleFactory(status=Article.Status.DRAFT)
    in_review = ArticleFactory(status=Article.Status.REVIEW)
    scheduled = ArticleFactory(publish_at=timezone.now() + timedelta(hours=2))
    add_views(published, 1, hours_ago=0)
    for hidden in (draft, in_review, scheduled):
        add_views(hidden, 1000, hours_ago=0)

    assert [article.pk for article in popularity.most_read(24)] == [published.pk]


def test_most_read_with_no_views_is_an_empty_list():
    ArticleFactory()

    assert popularity.most_read(24) == []
