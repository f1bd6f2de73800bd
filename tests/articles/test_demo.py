import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from articles import demo, popularity
from articles.models import Article, ArticleViewCount, AuthorProfile, MediaImage, Section, Tag
from articles.richtext import sanitize_body
from newsroom.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.newsroom.test_planner import times_articles_were_analysed

SECTIONS = demo.load_sections()
AUTHORS = demo.load_authors()
ARTICLES = demo.load_articles()
# Planted in two spellings each; the site must merge every pair into one tag.
PLANTED_TAG_SPELLINGS = [
    ("الاقتصاد", "الإقتصاد"),
    ("أمن غذائي", "امن غذائي"),
    ("الذكاء الاصطناعي", "الذكاء الإصطناعي"),
    ("الطاقة", "الطاقـة"),
    ("السياحة", "السياحه"),
    ("الصحة العامة", "الصّحة العامّة"),
]
EDITORIAL_TAGS = {"p", "h2", "h3", "strong", "em", "a", "ul", "ol", "li", "blockquote"}
each_article = pytest.mark.parametrize("article", ARTICLES, ids=lambda article: article.key)


def words(html: str) -> int:
    return len(re.sub(r"<[^>]+>", " ", html).split())


# --- The files -----------------------------------------------------------------------------
def test_every_demo_file_is_read():
    translations = [article.en for article in ARTICLES if article.en]
    files = list(demo.CONTENT.rglob("*.html"))
    assert len(files) == len(ARTICLES) + len(translations), (
        "a file outside a section folder, or a lone .en.html"
    )


def test_demo_articles_have_unique_keys_and_titles():
    # The title is how seed_demo knows an article is there already.
    assert len({article.key for article in ARTICLES}) == len(ARTICLES)
    assert len({article.title for article in ARTICLES}) == len(ARTICLES)
    assert all(re.fullmatch(r"[a-z0-9-]+", article.key) for article in ARTICLES)


@each_article
def test_demo_article_is_by_a_demo_author(article):
    assert article.author in {author["username"] for author in AUTHORS}


@each_article
def test_demo_article_keeps_its_html_through_the_sanitiser(article):
    for text in filter(None, (article, article.en)):
        assert sanitize_body(text.body) == text.body
        assert set(re.findall(r"</?([a-z0-9]+)", text.body)) <= EDITORIAL_TAGS
        assert all(
            href.startswith("https://example.com/") for href in re.findall(r'href="([^"]*)"', text.body)
        )


@each_article
def test_demo_article_reads_like_news(article):
    assert 250 <= words(article.body) <= 600
    assert 6 <= len(article.title.split()) <= 14
    assert 2 <= len(article.tags) <= 5
    assert article.body.count("<h2>") >= 2
    assert "<strong>" in article.body
    assert 0 <= article.image_hue <= 359
    if article.breaking:  # still on the ticker when the demo is loaded
        assert 0 < article.hours_ago < demo.BREAKING_HOURS
        assert 1 <= article.breaking_priority <= 10
    if article.en:
        assert words(article.en.body) >= 150
        assert "<h2>" in article.en.body


def test_demo_shows_every_kind_of_story():
    for section in SECTIONS:
        assert sum(article.section == section["key"] for article in ARTICLES) >= 5, section["key"]
    assert sum(article.featured for article in ARTICLES) == 1  # the home page's lead story
    assert sum(article.breaking for article in ARTICLES) >= 4
    assert sum(article.hours_ago < 0 for article in ARTICLES) >= 3  # scheduled
    assert sum(0 < article.hours_ago <= 24 for article in ARTICLES) >= 6
    assert sum(article.en is not None for article in ARTICLES) >= 4


@pytest.mark.parametrize("spellings", PLANTED_TAG_SPELLINGS)
def test_demo_plants_both_spellings_of_a_tag(spellings):
    used = {tag for article in ARTICLES for tag in article.tags}
    assert set(spellings) <= used


def test_illustrations_are_full_size_jpegs():
    with Image.open(io.BytesIO(demo.illustration("port-expansion", 205))) as image:
        assert (image.format, image.size) == ("JPEG", demo.IMAGE_SIZE)


# --- The seeded database ---------------------------------------------------------------------
def counts():
    models = [get_user_model(), Article, Section, AuthorProfile, Tag, MediaImage, ArticleViewCount]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture(scope="module")
def seeded(module_transaction):
    """seed_demo run once for this module's tests, rolled back after them. Small illustrations:
    the renditions of 45 full-size ones take most of the seeding time."""
    with override_settings(DEBUG=True), pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "IMAGE_SIZE", (160, 90))
        analysed = times_articles_were_analysed()
        call_command("seed_demo", verbosity=0)
        analyses = times_articles_were_analysed() - analysed
    return {"analyses": analyses, "counts": counts()}


@pytest.mark.django_db
def test_seeding_ends_with_analyze(seeded):
    assert seeded["analyses"] == 1  # a fresh database searches fast at once


@pytest.mark.django_db
def test_seeding_again_duplicates_nothing(seeded, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    assert counts() == seeded["counts"]


@pytest.mark.django_db
def test_seeding_loads_every_demo_file(seeded):
    assert Section.objects.count() == len(SECTIONS)
    assert AuthorProfile.objects.count() == len(AUTHORS) + len(demo.STAFF_WRITERS)
    articles = Article.objects.filter(live_coverage__isnull=True)  # live coverages: tests/live/test_demo.py
    assert articles.count() == len(ARTICLES)
    assert articles.filter(featured_image__isnull=True).count() == 0
    published = articles.published()
    assert published.count() == sum(article.hours_ago > 0 for article in ARTICLES)
    assert published.filter(is_featured=True).count() == sum(article.featured for article in ARTICLES)
    assert published.breaking().count() == sum(article.breaking for article in ARTICLES)
    assert articles.translated("en").count() == sum(article.en is not None for article in ARTICLES)
    assert articles.filter(status=Article.Status.PUBLISHED).count() == len(ARTICLES)  # some scheduled


@pytest.mark.django_db
def test_seeded_articles_read_as_written(seeded):
    section_names = {section["key"]: section["name_ar"] for section in SECTIONS}
    for data in ARTICLES:
        article = Article.objects.translated("ar", title=data.title).get()
        assert (
            article.section.safe_translation_getter("name", language_code="ar") == section_names[data.section]
        )
        assert article.author.user.username == data.author
        for language, text in (("ar", data), ("en", data.en)):
            if text:
                article.set_current_language(language)
                assert (article.dek, article.body, article.image_caption) == (
                    text.dek,
                    text.body,
                    text.image_caption,
                )


@pytest.mark.django_db
@pytest.mark.parametrize("spellings", PLANTED_TAG_SPELLINGS)
def test_planted_tag_spellings_end_up_as_one_tag(seeded, spellings):
    tag = Tag.objects.get(name__in=spellings)  # exactly one of the two
    tagged = set(
        Article.objects.filter(tags=tag).translated("ar").values_list("translations__title", flat=True)
    )
    assert tagged == {article.title for article in ARTICLES if set(spellings) & set(article.tags)}


@pytest.mark.django_db
def test_seeding_creates_the_demo_accounts(seeded):
    for account in DEMO_ACCOUNTS:
        user = get_user_model().objects.get(username=account.username)
        assert user.is_staff
        assert user.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_most_read_is_full_on_a_fresh_demo_with_counts_that_differ(seeded, client):
    day, week = popularity.most_read(hours=24), popularity.most_read(hours=24 * 7)
    assert len(day) == len(week) == 5
    assert len({article.recent_views for article in week}) == 5  # not one flat number
    assert all(article.recent_views >= 10 for article in day)
    assert not ArticleViewCount.objects.filter(article__publish_at__gt=timezone.now()).exists()  # scheduled
    most_read = client.get("/").content.decode().split('id="most-read-heading"', 1)[1]
    assert "لا توجد قراءات مسجلة" not in most_read
    assert str(day[0]) in most_read
