"""manage.py seed_bench (newsroom/bench_archive.py) on a database of each test's own; the tests
of test_bench_archive.py share one seeded archive."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, ArticleTranslation
from newsroom import bench_archive
from newsroom.cachetags import fetch
from tests.factories import ArticleFactory, MediaImageFactory, SectionFactory
from tests.newsroom.test_bench_archive import ARTICLES, COMMENTS

BYPASS = "sessionid=bypasses-the-page-cache"


def test_some_articles_have_an_english_edition_too(db):
    # At 5%, 400 articles give English translations whatever the seed.
    SectionFactory()
    bench_archive.seed(400, 0)
    english = ArticleTranslation.objects.filter(language_code="en")
    assert english.exists()
    assert all(text.master.status == Article.Status.PUBLISHED for text in english)


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("articles:home"), HTTP_COOKIE=BYPASS)
    assert response.status_code == 200
    return len(queries)


def test_the_home_page_is_expired_and_asks_no_more_queries_of_a_large_archive(db, client):
    SectionFactory.create_batch(3)
    MediaImageFactory.create_batch(2)
    ArticleFactory.create_batch(3)
    small = _home_queries(client)
    changed_before = fetch([], ["list:latest"])[1]["list:latest"]
    bench_archive.seed(ARTICLES, COMMENTS)
    assert fetch([], ["list:latest"])[1]["list:latest"] > changed_before
    assert _home_queries(client) <= small + 2


def test_it_needs_the_sections_of_seed_demo(db):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_bench", "--articles", 5, "--comments", 5, verbosity=0)
    assert not Article.objects.exists()
