import json
import re
import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import popularity
from articles.models import Article, ArticleViewCount
from newsroom import cachetags
from newsroom.cachetags import CLOCK_SKEW_NS
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, MediaImageFactory, SectionFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    cachetags.clear()  # measure the uncached page every time
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def grow(section, author, count=12):
    """More articles, each with several tags, in the same section and by the same author."""
    for n in range(count):
        ArticleFactory(section=section, author=author, tags=[f"وسم {n}", "مشترك", f"آخر {n}"])


@pytest.mark.parametrize("page", ["home", "section", "tag", "author", "search", "archive", "article", "feed"])
def test_a_page_costs_the_same_queries_whatever_the_number_of_articles_and_tags(client, page):
    section, author = SectionFactory(name="اقتصاد"), AuthorFactory()
    article = ArticleFactory(
        section=section, author=author, title="خبر الاقتصاد الأول", tags=["مشترك", "سوق"]
    )
    grow(section, author, count=2)
    now = timezone.localtime()
    urls = {
        "home": "/",
        "section": section.get_absolute_url(),
        "tag": "/tag/مشترك/",
        "author": author.get_absolute_url(),
        "search": "/search/?q=خبر",
        "archive": reverse("articles:archive_month", args=[now.year, now.month]),
        "article": article.get_absolute_url(),
        "feed": "/feed/",
    }
    queries_for(client, urls[page])  # first request: one-off work such as creating the site settings row
    few = queries_for(client, urls[page])
    grow(section, author, count=12)
    assert queries_for(client, urls[page]) == few


def test_home_shows_the_lead_latest_section_blocks_and_most_read(client):
    lead = ArticleFactory(title="القصة الرئيسية اليوم", is_featured=True)
    popular = ArticleFactory(title="الخبر الأكثر قراءة")
    ArticleViewCount.objects.create(
        article=popular, hour=timezone.now().replace(minute=0, second=0, microsecond=0), views=40
    )
    html = client.get("/").content.decode()
    assert html.index("القصة الرئيسية اليوم") < html.index("الأحدث")
    assert str(lead.section) in html
    most_read = html[html.index("الأكثر قراءة") :]
    assert "الخبر الأكثر قراءة" in most_read
    assert "40 قراءة" in most_read


def test_drafts_and_scheduled_articles_never_reach_public_pages(client):
    section = SectionFactory()
    ArticleFactory(section=section, title="مسودة لم تنشر", status=Article.Status.DRAFT)
    ArticleFactory(section=section, title="خبر مجدول للغد", publish_at=timezone.now() + timedelta(days=1))
    for url in ["/", section.get_absolute_url(), "/search/?q=خبر", "/feed/", "/ticker/"]:
        html = client.get(url).content.decode()
        assert "مسودة لم تنشر" not in html
        assert "خبر مجدول للغد" not in html


def test_the_ticker_lists_breaking_news_first_and_its_fragment_refreshes(client):
    ArticleFactory(title="خبر عادي")
    ArticleFactory(title="خبر عاجل مهم", is_breaking=True)
    page = client.get("/").content.decode()
    ticker = page[page.index('class="ticker"') :]
    assert ticker.index("خبر عاجل مهم") < ticker.index("خبر عادي")
    fragment = client.get(reverse("articles:ticker"))
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert "خبر عاجل مهم" in fragment.content.decode()


def test_article_page_has_what_a_reader_and_a_search_engine_need(client):
    article = ArticleFactory(
        title="افتتاح مطار جديد",
        dek="المطار يستقبل أول رحلة.",
        body="<h2>التفاصيل</h2><p>نص</p>",
        tags=["نقل", "مطارات"],
    )
    related = ArticleFactory(title="توسعة الطرق المؤدية إلى المطار", tags=["مطارات"])
    html = client.get(article.get_absolute_url()).content.decode()
    for expected in [
        "افتتاح مطار جديد",
        "المطار يستقبل أول رحلة.",
        str(article.author),
        str(article.section),
        "دقيقة قراءة واحدة",
        'href="#top"',
        "الذهاب إلى الأعلى",
        'rel="tag"',
        "اقرأ أيضاً",
        related.title,
        'property="og:title"',
        'name="twitter:card"',
        '"@type": "NewsArticle"',
        'rel="canonical"',
        "wa.me",
    ]:
        assert expected in html, expected
    assert '<script src="https://' not in html  # share links are plain links


def test_article_links_to_its_english_version_only_when_it_exists(client):
    article = ArticleFactory(title="خبر بالعربية فقط")
    assert 'hreflang="en"' not in client.get(article.get_absolute_url()).content.decode()
    article.set_current_language("en")
    article.title = "Now in English too"
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'hreflang="en"' in html
    english = client.get("/en/news/now-in-english-too/")
    assert english.status_code == 200
    assert '<html lang="en" dir="ltr">' in english.content.decode()
    assert "Now in English too" in english.content.decode()


def test_link_previews_show_the_1200_pixel_jpeg_rendition_of_the_featured_image(client):
    image = MediaImageFactory(file__width=1700, file__height=1000)  # renditions 480 to 1600 wide
    article = ArticleFactory(featured_image=image)

    html = client.get(article.get_absolute_url()).content.decode()

    shared = f"http://testserver{image.share_url}"
    assert shared.endswith("/1200w.jpg")
    assert f'<meta property="og:image" content="{shared}">' in html
    assert f'<meta name="twitter:image" content="{shared}">' in html


def language_switch(client, url) -> list[str]:
    """Where the header's language switch leads from `url`."""
    html = client.get(url).content.decode()
    switch = re.search(r'<nav class="language-switch".*?</nav>', html, re.S).group()
    return re.findall(r'href="([^"]*)"', switch)


def test_the_language_switch_leads_to_an_articles_own_translations_only(client):
    article = ArticleFactory(title="خبر بالعربية أولاً")
    arabic, english = (
        f"http://testserver{article.get_absolute_url()}",
        "http://testserver/en/news/now-in-english/",
    )
    assert language_switch(client, arabic) == []
    article.set_current_language("en")
    article.title = "Now in English"
    article.save()

    assert language_switch(client, arabic) == [english]
    assert language_switch(client, english) == [arabic]
    assert f'<link rel="alternate" hreflang="en" href="{english}">' in client.get(arabic).content.decode()


def test_the_language_switch_keeps_the_page_and_its_query(client):
    section = SectionFactory().get_absolute_url()
    arabic_search = f"{reverse('articles:search')}?{urlencode({'q': 'نفط'})}"

    assert language_switch(client, section) == [f"/en{section}"]
    assert language_switch(client, arabic_search) == [f"/en{arabic_search}"]
    assert language_switch(client, f"/en{arabic_search}") == [arabic_search]
    assert language_switch(client, "/en/no-such-page/") == ["/"]


def test_pagination_keeps_the_search_and_gives_page_one_its_plain_address(client):
    ArticleFactory.create_batch(14, title="أسعار النفط اليوم")
    search = reverse("articles:search")

    first = client.get(search, {"q": "النفط"}).content.decode()
    second = client.get(search, {"q": "النفط", "page": 2}).content.decode()

    query = urlencode({"q": "النفط"})
    assert f'rel="next" href="?{query}&amp;page=2"' in first
    assert f'rel="prev" href="?{query}"' in second


def test_a_list_page_is_canonical_without_its_query_string(client):
    section = SectionFactory()
    ArticleFactory.create_batch(14, section=section)

    html = client.get(section.get_absolute_url(), {"page": 2, "utm_source": "x"}).content.decode()

    assert f'<link rel="canonical" href="http://testserver{section.get_absolute_url()}">' in html
    assert 'rel="prev" href="?utm_source=x"' in html


def test_lists_paginate(client):
    section = SectionFactory()
    ArticleFactory.create_batch(14, section=section)
    first = client.get(section.get_absolute_url()).content.decode()
    assert 'rel="next"' in first
    second = client.get(section.get_absolute_url() + "?page=2")
    assert second.status_code == 200
    assert len(second.context["articles"]) == 2


def test_unknown_pages_get_an_arabic_404_that_looks_like_the_site(client):
    response = client.get("/news/لا-يوجد-خبر-بهذا-العنوان/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "لم نجد هذه الصفحة" in html
    assert "site-header" in html


def test_a_server_error_gets_an_arabic_500_page(client, monkeypatch):
    from articles import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.HomeView, "get_context_data", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "حدث خطأ مؤقت" in html
    assert 'dir="rtl"' in html


def test_the_view_beacon_counts_readers_but_not_bots(client):
    article = ArticleFactory()
    url = reverse("articles:record_view", args=[article.pk])
    browser = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Version/18.0 Safari/604.1"
    assert client.post(url, HTTP_USER_AGENT=browser).status_code == 204
    assert client.post(url, HTTP_USER_AGENT="Googlebot/2.1").status_code == 204
    assert client.post(url, HTTP_USER_AGENT=browser, HTTP_SEC_FETCH_SITE="cross-site").status_code == 400
    assert client.get(url).status_code == 405
    popularity.flush()
    assert ArticleViewCount.objects.get(article=article).views == 1


def test_archive_lists_months_and_a_month(client):
    article = ArticleFactory(title="خبر في الأرشيف")
    now = timezone.localtime(article.publish_at)
    index = client.get(reverse("articles:archive")).content.decode()
    month_url = reverse("articles:archive_month", args=[now.year, now.month])
    assert month_url in index
    assert "خبر في الأرشيف" in client.get(month_url).content.decode()


def test_an_empty_archive_month_says_so_and_links_to_the_other_months(client):
    html = client.get(reverse("articles:archive_month", args=[2020, 1])).content.decode()

    assert "لا توجد مقالات في هذا الشهر." in html
    assert "لا توجد مقالات منشورة هنا بعد." not in html
    assert f'href="{reverse("articles:archive")}"' in html
    assert '<h1 class="list-header__title" dir="auto">أرشيف' in html


def ld_json(html: str, kind: str) -> dict:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return next(data for data in map(json.loads, scripts) if data["@type"] == kind)


def region(html: str, pattern: str) -> str:
    return re.search(pattern, html, re.S).group()


@pytest.fixture
def section_story():
    """An article with an older and a newer one in its section, and a newer one elsewhere."""
    section = SectionFactory(name="اقتصاد")
    author = AuthorFactory(display_name="رانيا خليل", bio="محررة الشؤون الاقتصادية في مداد.")
    hours_ago = lambda hours: timezone.now() - timedelta(hours=hours)  # noqa: E731
    older = ArticleFactory(section=section, title="الخبر الأقدم في القسم", publish_at=hours_ago(5))
    story = ArticleFactory(section=section, author=author, title="خبر القسم الأوسط", publish_at=hours_ago(3))
    newer = ArticleFactory(section=section, title="الخبر الأحدث في القسم", publish_at=hours_ago(1))
    elsewhere = ArticleFactory(title="خبر من قسم آخر", publish_at=hours_ago(0.5))
    ArticleViewCount.objects.create(
        article=older, hour=timezone.now().replace(minute=0, second=0, microsecond=0), views=70
    )
    return {
        "section": section,
        "author": author,
        "story": story,
        "older": older,
        "newer": newer,
        "elsewhere": elsewhere,
    }


def test_article_page_has_breadcrumbs_author_box_neighbours_and_a_sidebar(client, section_story):
    story, section, author = section_story["story"], section_story["section"], section_story["author"]
    html = client.get(story.get_absolute_url()).content.decode()

    breadcrumbs = region(html, r'<nav class="breadcrumbs".*?</nav>')
    assert re.findall(r'href="([^"]*)"', breadcrumbs) == ["/", section.get_absolute_url()]
    assert '<span aria-current="page" dir="auto">خبر القسم الأوسط</span>' in breadcrumbs
    trail = ld_json(html, "BreadcrumbList")["itemListElement"]
    assert [(item["position"], item["name"], item["item"]) for item in trail] == [
        (1, "الرئيسية", "http://testserver/"),
        (2, "اقتصاد", f"http://testserver{section.get_absolute_url()}"),
        (3, "خبر القسم الأوسط", f"http://testserver{story.get_absolute_url()}"),
    ]

    author_box = region(html, r'<section class="author-box".*?</section>')
    assert "محررة الشؤون الاقتصادية في مداد." in author_box
    assert f'href="{author.get_absolute_url()}"' in author_box
    assert ">رخ</span>" in author_box  # initials without a photo

    pager = region(html, r'<nav class="article-pager".*?</nav>')
    assert re.search(r'rel="prev">.*الخبر الأقدم في القسم', pager)
    assert re.search(r'rel="next">.*الخبر الأحدث في القسم', pager)
    assert "خبر من قسم آخر" not in pager

    aside = region(html, r'<aside class="article-aside".*?</aside>')
    assert "خبر من قسم آخر" in aside  # latest, from every section
    assert "70 قراءة" in aside[aside.index("الأكثر قراءة") :]


def test_the_newest_and_oldest_articles_of_a_section_have_one_neighbour(client, section_story):
    newest = client.get(section_story["newer"].get_absolute_url()).content.decode()
    assert 'rel="prev"' in newest
    assert 'rel="next"' not in newest
    oldest = client.get(section_story["older"].get_absolute_url()).content.decode()
    assert 'rel="next"' in oldest
    assert 'rel="prev"' not in oldest


def test_a_cached_article_page_follows_its_sections_new_article_and_the_latest(client, section_story):
    url = section_story["newer"].get_absolute_url()
    time.sleep(CLOCK_SKEW_NS / 1e9)  # a page rendered closer to the articles' creation counts as older
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    ArticleFactory(section=section_story["section"], title="خبر جديد في القسم نفسه")
    html = client.get(url).content.decode()
    assert re.search(
        r'rel="next">.*خبر جديد في القسم نفسه', region(html, r'<nav class="article-pager".*?</nav>')
    )
    assert "خبر جديد في القسم نفسه" in region(html, r'<aside class="article-aside".*?</aside>')


def test_an_article_page_costs_the_same_queries_with_more_comments_neighbours_and_latest(
    client, section_story
):
    url = section_story["story"].get_absolute_url()
    CommentFactory.create_batch(2, article=section_story["story"])
    queries_for(client, url)
    few = queries_for(client, url)
    CommentFactory.create_batch(6, article=section_story["story"])
    for hours in (4, 2):
        ArticleFactory(
            section=section_story["section"],
            tags=["وسم", f"آخر {hours}"],
            publish_at=timezone.now() - timedelta(hours=hours),
        )
    assert queries_for(client, url) == few
