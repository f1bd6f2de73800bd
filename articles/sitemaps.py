"""What crawlers are told: sitemap.xml (with images; an index of sitemaps past 50,000 URLs), the Google News sitemap and robots.txt."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Greatest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article, ArticleTranslation, Section, Tag
from articles.seo import PUBLISHER_NAME, last_modified, w3c_datetime
from newsroom.cachetags import depends

NEWS_SITEMAP_WINDOW = timedelta(hours=48)  # Google News reads articles of the last two days only
NEWS_SITEMAP_LIMIT = 1000  # and at most 1000 of them per sitemap


def _latest_publication(**filters: Any) -> Subquery:
    """When the newest published article matching `filters` was published."""
    newest = Article.objects.published().filter(**filters).order_by("-publish_at")
    return Subquery(newest.values("publish_at")[:1])


class ArticleLanguages(Sequence):
    """The article sitemap's (article, language) pairs, counted and sliced in the database:
    Django's i18n sitemap lists all of them for any page, minutes of work at 100,000 articles."""

    def __init__(self, articles: QuerySet[Article]):
        self.articles = articles
        self.texts = ArticleTranslation.objects.filter(master__in=articles.values("pk")).order_by(
            "-master__publish_at", "-master_id", "language_code"
        )

    def __len__(self) -> int:
        return self.texts.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        texts = list(self.texts[index].values_list("master_id", "language_code"))
        articles = self.articles.in_bulk({article_id for article_id, _language in texts})
        return [(articles[article_id], language) for article_id, language in texts]


class ArticleSitemap(Sitemap):
    """Every published article in every language it is written in, each language's URL
    naming the others (hreflang alternates, x-default the Arabic one), with its featured
    image as link previews show it."""

    i18n = True
    alternates = True
    x_default = True

    def items(self) -> QuerySet[Article]:
        return Article.objects.published(any_language=True).for_listing().order_by("-publish_at", "-id")

    @property
    def paginator(self) -> Paginator:
        return Paginator(ArticleLanguages(self.items()), self.limit)

    def get_languages_for_item(self, article: Article) -> list[str]:
        return [text.language_code for text in article.translations.all()]

    def location(self, article: Article) -> str:
        return article.translation_urls[translation.get_language()]  # the sitemap activates each

    def lastmod(self, article: Article) -> datetime | None:
        return last_modified(article)

    def get_latest_lastmod(self) -> datetime | None:
        """What the sitemap index says of this sitemap, in one query rather than one lastmod() per article."""
        latest = Greatest("publish_at", "content_updated_at")  # last_modified(), in SQL
        return self.items().aggregate(latest=Max(latest))["latest"]

    def get_urls(
        self, page: int | str = 1, site: Any = None, protocol: str | None = None
    ) -> list[dict[str, Any]]:
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            image = url["item"][0].featured_image  # an (article, language) pair
            url["images"] = [urljoin(url["location"], image.share_url)] if image else []
        return urls


class SectionSitemap(Sitemap):
    """The sections that have published articles."""

    def items(self) -> QuerySet[Section]:
        return (
            Section.objects.annotate(last_published=_latest_publication(section=OuterRef("pk")))
            .filter(last_published__isnull=False)
            .prefetch_related("translations")
        )

    def lastmod(self, section: Section) -> datetime:
        return section.last_published


class TagSitemap(Sitemap):
    """The tags that have published articles."""

    def items(self) -> QuerySet[Tag]:
        return Tag.objects.annotate(last_published=_latest_publication(tags=OuterRef("pk"))).filter(
            last_published__isnull=False
        )

    def lastmod(self, tag: Tag) -> datetime:
        return tag.last_published


SITEMAPS = {"articles": ArticleSitemap, "sections": SectionSitemap, "tags": TagSitemap}


def sitemap_shows_everything(view):
    """Sitemaps list every published article, section and tag (see newsroom/expiry.py)."""

    @wraps(view)
    def declared(request, *args, **kwargs):
        depends("everything")
        return view(request, *args, **kwargs)

    return declared


@sitemap_shows_everything
def sitemap_or_index(
    request: HttpRequest, sitemaps: dict[str, type[Sitemap]], template_name: str
) -> HttpResponse:
    """sitemap.xml: every URL, while they fit in one sitemap (a Sitemap's `limit`, the
    protocol's 50,000); past that, the index of the pages of each (sitemap-<name>.xml?p=<n>)."""
    if all(site().paginator.num_pages <= 1 for site in sitemaps.values()):
        return sitemap_views.sitemap(request, sitemaps, template_name=template_name)
    return sitemap_views.index(
        request, sitemaps, template_name="articles/sitemap_index.xml", sitemap_url_name="sitemap_section"
    )


@sitemap_shows_everything
def news_sitemap(request: HttpRequest) -> HttpResponse:
    """The Google News sitemap: articles published in the last 48 hours, newest first, at most 1000."""
    since = timezone.now() - NEWS_SITEMAP_WINDOW
    articles = (
        Article.objects.published()
        .filter(publish_at__gte=since)
        .prefetch_related("translations")
        .order_by("-publish_at", "-id")[:NEWS_SITEMAP_LIMIT]
    )
    entries = [
        {
            "location": request.build_absolute_uri(article.get_absolute_url()),
            "publication_date": w3c_datetime(article.publish_at),
            "title": article.safe_translation_getter("title", any_language=True),
        }
        for article in articles
    ]
    context = {"entries": entries, "publication_name": PUBLISHER_NAME, "language": settings.LANGUAGE_CODE}
    return render(
        request, "articles/news_sitemap.xml", context, content_type="application/xml; charset=utf-8"
    )


def robots_txt(request: HttpRequest) -> HttpResponse:
    """robots.txt: crawl everything but the admin and search results, in every language; name the sitemaps."""
    disallowed = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            disallowed += [reverse("admin:index"), reverse("articles:search")]
    sitemaps = [request.build_absolute_uri(reverse(name)) for name in ("sitemap", "news_sitemap")]
    context = {"disallowed": disallowed, "sitemaps": sitemaps}
    return render(request, "articles/robots.txt", context, content_type="text/plain; charset=utf-8")
