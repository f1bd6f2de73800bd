"""manage.py seed_bench (newsroom/bench_archive.py): a large archive loaded with COPY that
the site reads like content written in the admin. Its tests share one seeded archive; those
that seed a database of their own are in test_bench_seeding.py."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleTranslation, MediaImage, TaggedArticle
from articles.search import search_articles
from comments.models import Comment
from newsroom import bench_archive
from tests.factories import ArticleFactory, MediaImageFactory, SectionFactory

ARTICLES, COMMENTS = 50, 200


@pytest.fixture(scope="module")
def seeded(module_transaction):
    """Three sections, two pictures and one article written the usual way, then the archive:
    seeded once for the module's tests."""
    SectionFactory.create_batch(3)
    MediaImageFactory.create_batch(2)
    ArticleFactory()
    call_command("seed_bench", "--articles", ARTICLES, "--comments", COMMENTS, verbosity=0, stdout=StringIO())


@pytest.fixture
def archive(db, seeded):
    return Article.objects.filter(author__user__username__startswith=bench_archive.WRITER_PREFIX)


def test_it_adds_the_articles_comments_and_translations_asked_for(archive):
    assert archive.count() == ARTICLES
    assert Comment.objects.filter(email__endswith=bench_archive.EMAIL_DOMAIN).count() == COMMENTS
    assert ArticleTranslation.objects.filter(master__in=archive, language_code="ar").count() == ARTICLES
    # The text is Arabic prose from the demo corpus's words, and each article's own.
    titles = set(ArticleTranslation.objects.filter(master__in=archive).values_list("title", flat=True))
    assert len(titles) > ARTICLES * 0.9
    body = ArticleTranslation.objects.filter(master__in=archive).first().body
    assert body.startswith("<p>")
    assert "ال" in body


def test_statuses_dates_tags_and_pictures_are_mixed_like_a_real_archive(archive):
    statuses = set(archive.values_list("status", flat=True))
    assert Article.Status.PUBLISHED in statuses
    years = {article.publish_at.year for article in archive.exclude(publish_at=None)}
    assert len(years) >= 3
    assert TaggedArticle.objects.filter(content_object__in=archive).count() >= ARTICLES
    pictures = set(archive.exclude(featured_image=None).values_list("featured_image", flat=True))
    assert pictures
    assert pictures <= set(MediaImage.objects.values_list("pk", flat=True))
    comment_statuses = set(Comment.objects.filter(article__in=archive).values_list("status", flat=True))
    assert {"approved", "pending"} <= comment_statuses


def test_comments_are_threaded_within_their_article_and_counted(archive):
    replies = Comment.objects.filter(article__in=archive, parent__isnull=False).select_related("parent")
    assert replies.exists()
    for reply in replies:
        assert reply.parent.article_id == reply.article_id
        assert reply.parent.status == Comment.Status.APPROVED
        assert reply.parent.created_at <= reply.created_at
    for article in archive.filter(comment_count__gt=0)[:10]:
        assert article.comment_count == article.comments.approved().count()
    assert not Comment.objects.filter(article__in=archive.exclude(status=Article.Status.PUBLISHED)).exists()


def test_what_save_would_compute_is_there_so_search_finds_the_archive(archive):
    text = ArticleTranslation.objects.filter(master__in=archive.published(), language_code="ar").first()
    loaded = [text.body, text.search_title, text.search_document, text.reading_minutes, text.slug]
    word = max(text.search_title.split(), key=len)
    assert text.master in search_articles(word)  # its search entry written by the trigger during COPY
    text.save()  # sanitises the body and computes the search columns and reading time again
    text.refresh_from_db()
    assert [text.body, text.search_title, text.search_document, text.reading_minutes, text.slug] == loaded
    assert text.master in search_articles(word)


def test_it_refuses_to_seed_the_same_database_twice(archive):
    with pytest.raises(CommandError, match="already holds the bench archive"):
        call_command("seed_bench", "--articles", 5, "--comments", 5, verbosity=0)
    assert archive.count() == ARTICLES
