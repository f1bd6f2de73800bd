import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from io import BytesIO
from urllib.parse import unquote, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone, translation
from PIL import Image

from articles import sitemaps
from articles.models import Article, MediaImage, Section, Tag, TagRedirect
from articles.seo import news_article_jsonld
from newsroom import cachetags
from tests.factories import ArticleFactory, AuthorFactory, MediaImageFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "media": "http://search.yahoo.com/mrss/",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
SECRET_EMAIL = "secret@example.com"
HOSTILE_TITLE = "</script><script>alert(1)</script>"


def hours_ago(hours: float) -> datetime:
    return timezone.now() - timedelta(hours=hours)


def photo() -> MediaImage:
    """A stored 900×600 JPEG with an Arabic file name; saving it writes its 480w and 800w renditions."""
    buffer = BytesIO()
    Image.new("RGB", (900, 600), (20, 90, 160)).save(buffer, format="JPEG")
    upload = SimpleUploadedFile("صورة-الخبر.jpg", buffer.getvalue(), content_type="image/jpeg")
    return MediaImage.objects.create(file=upload, alt_text="صورة الخبر")


def wide_photo() -> MediaImage:
    """A stored 1700×1000 JPEG: its renditions are 480 to 1600 pixels wide."""
    return MediaImageFactory(file__width=1700, file__height=1000)


def shared_url(image: MediaImage) -> str:
    """The absolute URL of the rendition that link previews, search engines and feed readers get."""
    assert image.share_url.endswith("/1200w.jpg")
    return f"http://testserver{image.share_url}"


def slug_of(obj: Article | Section) -> str:
    return obj.safe_translation_getter("slug", any_language=True)


def get_xml(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    return ET.fromstring(response.content)


def rss_titles(channel: ET.Element) -> list[str]:
    return [item.findtext("title") for item in channel.iter("item")]


@pytest.fixture
def unpublished() -> list[Article]:
    """A draft and an article scheduled for tomorrow: neither may appear anywhere public."""
    return [
        ArticleFactory(title="مسودة لم تنشر", status=Article.Status.DRAFT, publish_at=None),
        ArticleFactory(title="خبر مجدول للغد", publish_at=timezone.now() + timedelta(days=1)),
    ]


# --- Feeds ------------------------------------------------------------------------------
def test_the_rss_feed_lists_published_articles_only_under_an_arabic_title(client, unpublished):
    ArticleFactory(title="الأسواق تفتح على ارتفاع")

    rss = get_xml(client, reverse("feed_latest"))

    channel = rss.find("channel")
    assert channel.findtext("title") == "مداد — آخر الأخبار"
    assert channel.findtext("language") == "ar"
    assert rss_titles(channel) == ["الأسواق تفتح على ارتفاع"]


def test_the_rss_feed_shows_the_newest_articles_first_with_their_dek_author_and_tags(client):
    older = ArticleFactory(title="الخبر الأقدم", publish_at=hours_ago(5))
    ArticleFactory(
        title="الخبر الأحدث",
        dek="المقدمة تظهر وصفاً.",
        author=AuthorFactory(display_name="سلمى حداد"),
        tags=["اقتصاد"],
    )

    items = list(get_xml(client, reverse("feed_latest")).iter("item"))

    assert [item.findtext("title") for item in items] == ["الخبر الأحدث", "الخبر الأقدم"]
    newest = items[0]
    assert newest.findtext("description") == "المقدمة تظهر وصفاً."
    assert newest.findtext("{http://purl.org/dc/elements/1.1/}creator") == "سلمى حداد"
    assert newest.findtext("category") == "اقتصاد"
    assert unquote(items[1].findtext("link")) == f"http://testserver/news/{slug_of(older)}/"


def test_the_rss_feed_holds_at_most_thirty_articles(client):
    ArticleFactory.create_batch(31)

    assert len(rss_titles(get_xml(client, reverse("feed_latest")).find("channel"))) == 30


def test_a_feed_item_keeps_its_guid_when_the_article_slug_changes(client):
    article = ArticleFactory()
    guid_before = get_xml(client, reverse("feed_latest")).find("channel/item/guid")

    article.set_current_language("ar")
    article.slug = "رابط-جديد"
    article.save()
    guid_after = get_xml(client, reverse("feed_latest")).find("channel/item/guid")

    assert guid_after.text == guid_before.text
    assert guid_after.get("isPermaLink") == "false"


def test_a_feed_item_shows_the_featured_image_at_an_absolute_url(client):
    ArticleFactory(featured_image=photo())

    content = get_xml(client, reverse("feed_latest")).find("channel/item/media:content", NS)

    assert content.get("medium") == "image"
    assert content.get("url").startswith("http://testserver/media/")
    assert content.get("url").endswith("/800w.jpg")


def test_a_feed_item_shows_the_1200_pixel_rendition_of_a_wide_image(client):
    image = wide_photo()
    ArticleFactory(featured_image=image)

    content = get_xml(client, reverse("feed_latest")).find("channel/item/media:content", NS)

    assert content.get("url") == shared_url(image)


def test_the_atom_feed_lists_published_articles_with_author_names(client, unpublished):
    ArticleFactory(title="خبر في أتوم", author=AuthorFactory(display_name="سلمى حداد"))

    feed = get_xml(client, reverse("feed_atom"))

    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"
    assert feed.findtext("atom:title", namespaces=NS) == "مداد — آخر الأخبار"
    entries = feed.findall("atom:entry", NS)
    assert [entry.findtext("atom:title", namespaces=NS) for entry in entries] == ["خبر في أتوم"]
    assert entries[0].findtext("atom:author/atom:name", namespaces=NS) == "سلمى حداد"
    assert entries[0].find("atom:author/atom:email", NS) is None


def test_a_section_feed_lists_only_that_sections_published_articles(client, unpublished):
    economy, sport = SectionFactory(name="اقتصاد"), SectionFactory(name="رياضة")
    ArticleFactory(title="البورصة اليوم", section=economy)
    ArticleFactory(title="نتيجة المباراة", section=sport)
    ArticleFactory(title="مسودة اقتصادية", section=economy, status=Article.Status.DRAFT)

    channel = get_xml(client, reverse("feed_section", kwargs={"slug": slug_of(economy)})).find("channel")

    assert channel.findtext("title") == "مداد — اقتصاد"
    assert rss_titles(channel) == ["البورصة اليوم"]


def test_a_tag_feed_lists_only_the_published_articles_with_that_tag(client):
    ArticleFactory(title="خبر عن النفط", tags=["نفط"])
    ArticleFactory(title="خبر عن الذهب", tags=["ذهب"])
    ArticleFactory(title="مسودة عن النفط", tags=["نفط"], status=Article.Status.DRAFT)
    oil = Tag.objects.get(name="نفط")

    channel = get_xml(client, reverse("feed_tag", kwargs={"slug": oil.slug})).find("channel")

    assert "نفط" in channel.findtext("title")
    assert rss_titles(channel) == ["خبر عن النفط"]


def test_feeds_of_an_unknown_section_or_tag_are_not_found(client):
    assert client.get(reverse("feed_section", kwargs={"slug": "قسم-غير-موجود"})).status_code == 404
    assert client.get(reverse("feed_tag", kwargs={"slug": "وسم-غير-موجود"})).status_code == 404


def test_the_feed_of_a_merged_tag_redirects_to_the_feed_of_the_tag_it_joined(client):
    ArticleFactory(tags=["نفط"])
    oil = Tag.objects.get(name="نفط")
    TagRedirect.objects.create(old_slug="بترول", tag=oil)

    response = client.get(reverse("feed_tag", kwargs={"slug": "بترول"}))

    assert response.status_code == 301
    assert response.url == reverse("feed_tag", kwargs={"slug": oil.slug})


def test_the_rss_feed_costs_the_same_queries_for_3_or_12_articles(client):
    image = photo()

    def feed_queries() -> list[str]:
        cachetags.clear()  # the uncached feed, every time
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("feed_latest")).status_code == 200
        return [query["sql"] for query in queries]

    ArticleFactory.create_batch(3, featured_image=image, tags=["اقتصاد", "نفط"])
    feed_queries()  # once first, so that one-off lookups (content types, caches) are not counted
    with_3 = feed_queries()
    ArticleFactory.create_batch(9, featured_image=image, tags=["ذهب"])
    with_12 = feed_queries()

    assert len(with_12) == len(with_3), "\n".join(with_12)


# --- Sitemaps ---------------------------------------------------------------------------
def test_the_sitemap_lists_published_articles_at_absolute_urls_that_resolve(client, unpublished):
    article = ArticleFactory(title="خبر عن الطاقة الشمسية")

    response = client.get(reverse("sitemap"))

    assert response["Content-Type"].startswith("application/xml")
    locs = [
        url.findtext("sm:loc", namespaces=NS) for url in ET.fromstring(response.content).findall("sm:url", NS)
    ]
    article_locs = [loc for loc in locs if "/news/" in loc]
    assert len(article_locs) == 1
    loc = article_locs[0]
    assert loc.isascii()  # the Arabic slug is percent-encoded
    assert loc.startswith("http://testserver/news/")
    match = resolve(unquote(urlsplit(loc).path))
    assert match.view_name == "articles:detail"
    assert match.kwargs["slug"] == slug_of(article)


def test_the_sitemap_gives_an_article_its_last_modification_time(client):
    article = ArticleFactory(publish_at=hours_ago(3))
    Article.objects.filter(pk=article.pk).update(content_updated_at=hours_ago(1))
    article.refresh_from_db()

    url = get_xml(client, reverse("sitemap")).find("sm:url", NS)

    assert datetime.fromisoformat(url.findtext("sm:lastmod", namespaces=NS)) == article.content_updated_at


def test_the_sitemap_names_the_featured_image_of_an_article(client):
    ArticleFactory(title="خبر مصور", featured_image=photo())
    ArticleFactory(title="خبر بلا صورة")

    urls = get_xml(client, reverse("sitemap")).findall("sm:url", NS)

    images = [url.findtext("image:image/image:loc", namespaces=NS) for url in urls]
    assert len([image for image in images if image]) == 1
    image_url = next(image for image in images if image)
    assert image_url.startswith("http://testserver/media/")
    assert image_url.endswith("/800w.jpg")  # the largest rendition


def test_the_sitemap_names_the_1200_pixel_rendition_of_a_wide_image(client):
    image = wide_photo()
    ArticleFactory(featured_image=image)

    url = get_xml(client, reverse("sitemap")).find("sm:url", NS)

    assert url.findtext("image:image/image:loc", namespaces=NS) == shared_url(image)


def test_the_sitemap_lists_sections_and_tags_that_have_published_articles(client):
    busy, empty = SectionFactory(name="سياسة"), SectionFactory(name="قسم فارغ")
    ArticleFactory(section=busy, tags=["انتخابات"])
    ArticleFactory(tags=["وسم المسودة"], status=Article.Status.DRAFT)

    locs = {
        unquote(url.findtext("sm:loc", namespaces=NS))
        for url in get_xml(client, reverse("sitemap")).findall("sm:url", NS)
    }

    assert f"http://testserver/section/{slug_of(busy)}/" in locs
    assert f"http://testserver/section/{slug_of(empty)}/" not in locs
    assert f"http://testserver/tag/{Tag.objects.get(name='انتخابات').slug}/" in locs
    assert f"http://testserver/tag/{Tag.objects.get(name='وسم المسودة').slug}/" not in locs


def test_the_news_sitemap_lists_only_articles_published_in_the_last_48_hours(client, unpublished):
    ArticleFactory(title="خبر الساعة", publish_at=hours_ago(1))
    ArticleFactory(title="خبر الأمس", publish_at=hours_ago(47))
    ArticleFactory(title="خبر قديم", publish_at=hours_ago(49))

    response = client.get(reverse("news_sitemap"))

    assert response["Content-Type"].startswith("application/xml")
    urls = ET.fromstring(response.content).findall("sm:url", NS)
    assert [url.findtext("news:news/news:title", namespaces=NS) for url in urls] == [
        "خبر الساعة",
        "خبر الأمس",
    ]
    news = urls[0].find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "مداد"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "ar"
    assert datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS)).tzinfo is not None
    assert urls[0].findtext("sm:loc", namespaces=NS).startswith("http://testserver/news/")


def test_the_news_sitemap_stops_at_its_limit_keeping_the_newest(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_SITEMAP_LIMIT", 2)
    for hours, title in ((3, "الثالث"), (1, "الأول"), (2, "الثاني")):
        ArticleFactory(title=title, publish_at=hours_ago(hours))

    urls = get_xml(client, reverse("news_sitemap")).findall("sm:url", NS)

    assert [url.findtext("news:news/news:title", namespaces=NS) for url in urls] == ["الأول", "الثاني"]


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_search_and_names_both_sitemaps(client):
    response = client.get(reverse("robots_txt"))

    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    for path in ("/admin/", "/search/", "/en/admin/", "/en/search/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines


# --- JSON-LD ----------------------------------------------------------------------------
def public_article(article: Article) -> Article:
    """The article as a page would load it."""
    return Article.objects.published().for_listing().prefetch_related("tags").get(pk=article.pk)


def test_the_json_ld_describes_the_news_article(rf):
    author = AuthorFactory(display_name="سلمى حداد")
    section = SectionFactory(name="اقتصاد")
    article = public_article(
        ArticleFactory(
            title="النفط يرتفع",
            dek="ارتفعت الأسعار صباح اليوم.",
            author=author,
            section=section,
            tags=["نفط", "أسواق"],
            featured_image=photo(),
        )
    )

    with translation.override("ar"):
        data = json.loads(news_article_jsonld(article, rf.get("/")))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "النفط يرتفع"
    assert data["description"] == "ارتفعت الأسعار صباح اليوم."
    published = datetime.fromisoformat(data["datePublished"])
    assert published.tzinfo is not None
    assert published == article.publish_at.replace(microsecond=0)
    assert datetime.fromisoformat(data["dateModified"]) == published
    assert data["author"][0]["@type"] == "Person"
    assert data["author"][0]["name"] == "سلمى حداد"
    assert unquote(data["author"][0]["url"]) == f"http://testserver/author/{author.slug}/"
    assert data["publisher"]["name"] == "مداد"
    assert data["publisher"]["logo"]["url"] == "http://testserver/static/img/logo.png"
    assert data["image"][0].startswith("http://testserver/media/")
    assert data["image"][0].endswith("/800w.jpg")
    assert unquote(data["mainEntityOfPage"]["@id"]) == f"http://testserver/news/{slug_of(article)}/"
    assert data["articleSection"] == "اقتصاد"
    assert sorted(data["keywords"]) == sorted(["نفط", "أسواق"])
    assert data["inLanguage"] == "ar"


def test_the_json_ld_names_the_1200_pixel_rendition_of_a_wide_image(rf):
    image = wide_photo()
    article = public_article(ArticleFactory(featured_image=image))

    data = json.loads(news_article_jsonld(article, rf.get("/")))

    assert data["image"] == [shared_url(image)]


def test_the_json_ld_gives_the_content_update_time_as_date_modified(rf):
    article = ArticleFactory(publish_at=hours_ago(3))
    Article.objects.filter(pk=article.pk).update(content_updated_at=hours_ago(1))

    article = public_article(article)
    data = json.loads(news_article_jsonld(article, rf.get("/")))

    assert datetime.fromisoformat(data["dateModified"]) == article.content_updated_at.replace(microsecond=0)


def test_a_hostile_headline_cannot_break_out_of_the_json_ld_script_element(rf):
    article = public_article(ArticleFactory(title=HOSTILE_TITLE, dek="A & B > C"))

    output = news_article_jsonld(article, rf.get("/"))

    assert "</script>" not in output.lower()
    assert not {"<", ">", "&"} & set(output)
    assert json.loads(output)["headline"] == HOSTILE_TITLE
    assert json.loads(output)["description"] == "A & B > C"


# --- No email anywhere ------------------------------------------------------------------
def test_no_feed_sitemap_or_json_ld_shows_the_authors_email(client, rf):
    author = AuthorFactory(user=UserFactory(email=SECRET_EMAIL), display_name="سلمى حداد")
    article = ArticleFactory(author=author, tags=["نفط"], featured_image=photo())
    urls = [
        reverse("feed_latest"),
        reverse("feed_atom"),
        reverse("feed_section", kwargs={"slug": slug_of(article.section)}),
        reverse("feed_tag", kwargs={"slug": Tag.objects.get(name="نفط").slug}),
        reverse("sitemap"),
        reverse("news_sitemap"),
        reverse("robots_txt"),
    ]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET_EMAIL not in response.content.decode(), url
    assert SECRET_EMAIL not in news_article_jsonld(public_article(article), rf.get("/"))


def test_the_sitemap_becomes_an_index_of_pages_past_its_limit(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    ArticleFactory(publish_at=hours_ago(3))
    assert get_xml(client, reverse("sitemap")).tag == f"{{{NS['sm']}}}urlset"  # within the limit
    newest = [ArticleFactory(publish_at=hours_ago(hours)) for hours in (2, 1)]
    cachetags.clear()
    index = get_xml(client, reverse("sitemap"))
    assert index.tag == f"{{{NS['sm']}}}sitemapindex"
    pages = [urlsplit(loc.text) for loc in index.findall("sm:sitemap/sm:loc", NS)]
    articles = [page for page in pages if page.path == reverse("sitemap_section", args=["articles"])]
    assert [page.query for page in articles] == ["", "p=2"]
    assert {page.path for page in pages} >= {"/sitemap-sections.xml", "/sitemap-tags.xml"}
    lastmod = index.find("sm:sitemap/sm:lastmod", NS).text
    assert datetime.fromisoformat(lastmod) == newest[-1].publish_at
    listed = [
        unquote(url.findtext("sm:loc", namespaces=NS))
        for page in articles
        for url in get_xml(client, f"{page.path}?{page.query}").findall("sm:url", NS)
    ]
    assert len(listed) == len(set(listed)) == 3
