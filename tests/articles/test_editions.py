"""The Arabic and English editions: each lists, feeds and maps only what is written in its language."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from articles.models import Article, ArticleViewCount
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def translate(article: Article, title: str) -> Article:
    article.set_current_language("en")
    article.title = title
    article.save()
    article.set_current_language("ar")
    return article


@pytest.fixture
def editions():
    """In one section, by one author, with one tag: a translated article and an Arabic-only one."""
    section, author = SectionFactory(name="اقتصاد"), AuthorFactory()
    translated = translate(
        ArticleFactory(section=section, author=author, title="ميناء مرسى الغيث يتوسع", tags=["موانئ"]),
        "Marsa al-Ghaith port expands",
    )
    arabic_only = ArticleFactory(
        section=section, author=author, title="خبر عن الموانئ بالعربية فقط", tags=["موانئ"]
    )
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    for article in (translated, arabic_only):
        ArticleViewCount.objects.create(article=article, hour=hour, views=30)
    return {"section": section, "author": author, "translated": translated, "arabic_only": arabic_only}


def english_lists(editions) -> dict[str, str]:
    with override("en"):
        month = timezone.localtime(editions["translated"].publish_at)
        return {
            "home": reverse("articles:home"),
            "section": editions["section"].get_absolute_url(),
            "tag": editions["translated"].tags.get().get_absolute_url(),
            "author": editions["author"].get_absolute_url(),
            "archive": reverse("articles:archive_month", args=[month.year, month.month]),
            "search": reverse("articles:search") + "?q=port",
            "feed": reverse("feed_latest"),
            "ticker": reverse("articles:ticker"),
        }


def test_english_lists_show_only_articles_written_in_english(client, editions):
    for name, url in english_lists(editions).items():
        assert url.startswith("/en/"), name
        html = client.get(url).content.decode()
        assert "Marsa al-Ghaith port expands" in html, name
        assert "بالعربية فقط" not in html, name


def test_arabic_lists_still_show_every_arabic_article(client, editions):
    for url in ["/", editions["section"].get_absolute_url(), "/feed/", "/search/?q=الموانئ"]:
        html = client.get(url).content.decode()
        assert "بالعربية فقط" in html, url


def test_an_arabic_only_article_under_en_redirects_to_its_arabic_address(client, editions):
    arabic = editions["arabic_only"].get_absolute_url()
    response = client.get("/en" + arabic)
    assert response.status_code == 302
    assert response["Location"] == arabic
    assert client.get(response["Location"]).status_code == 200


def test_a_translated_article_under_the_wrong_slug_redirects_to_the_editions_own_address(client, editions):
    article = editions["translated"]
    english, arabic = article.translation_urls["en"], article.translation_urls["ar"]
    wrong = {"/en" + arabic: english, english.removeprefix("/en"): arabic}
    for url, expected in wrong.items():
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, expected)
    html = client.get(english).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert f'<link rel="canonical" href="http://testserver{english}">' in html


def test_the_english_feed_has_english_items_and_says_so(client, editions):
    feed = client.get("/en/feed/").content.decode()
    assert "<language>en</language>" in feed
    assert re.findall(r"<item><title>(.*?)</title>", feed) == ["Marsa al-Ghaith port expands"]
    assert "/en/feed/" in client.get("/en/").content.decode()  # pages name their edition's feed
    assert "<language>ar</language>" in client.get("/feed/").content.decode()


def test_the_sitemap_lists_each_language_with_hreflang_alternates(client, editions):
    sitemap = client.get("/sitemap.xml").content.decode()
    urls = dict(re.findall(r"<url><loc>(.*?)</loc>(.*?)</url>", sitemap.replace("\n", "").replace("  ", "")))
    article = editions["translated"]
    assert list(article.translation_urls) == ["ar", "en"]  # Arabic first, as LANGUAGES says
    arabic, english = (f"http://testserver{article.translation_urls[code]}" for code in ("ar", "en"))
    for location in (arabic, english):
        assert f'<xhtml:link rel="alternate" hreflang="ar" href="{arabic}"/>' in urls[location]
        assert f'<xhtml:link rel="alternate" hreflang="en" href="{english}"/>' in urls[location]
        assert f'<xhtml:link rel="alternate" hreflang="x-default" href="{arabic}"/>' in urls[location]
    only = f"http://testserver{editions['arabic_only'].get_absolute_url()}"
    assert 'hreflang="en"' not in urls[only]
    assert not any("/en/" in location and "بالعربية" in location for location in urls)


def test_translating_an_article_puts_it_on_the_cached_english_lists_at_once(client, editions):
    pages = english_lists(editions)
    del pages["search"]  # searches are not about the list of an edition
    for url in pages.values():
        client.get(url)
    translate(editions["arabic_only"], "Now also in English")
    for name, url in pages.items():
        assert "Now also in English" in client.get(url).content.decode(), name


def test_scheduled_english_translations_stay_off_the_english_edition(client, editions):
    later = ArticleFactory(section=editions["section"], publish_at=timezone.now() + timedelta(hours=2))
    translate(later, "Not yet public")
    assert "Not yet public" not in client.get("/en/").content.decode()
