"""RSS and Atom feeds of the newest published articles: site-wide, by section and by tag.

Items carry the author's display name only, never an email, and the featured image as
Media RSS <media:content>. Each feed costs a fixed number of queries, however long it is.
"""

import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.xmlutils import SimplerXMLGenerator

from articles.models import Article, Section, Tag, TagRedirect
from articles.seo import last_modified
from newsroom.cachetags import depends

FEED_SIZE = 30
MEDIA_RSS_NS = "http://search.yahoo.com/mrss/"
# Item ids stay the same when an article's slug (so its URL) changes; see item_guid().
GUID_NAMESPACE = uuid.UUID(
    "5a506014-6497-4773-8032-c6d8c8f7e653"
)  # fixed forever: changing it re-sends every item


def _add_image(handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
    """Write the item's image, resolved against the item's absolute link, as <media:content>."""
    if item["image"]:
        handler.addQuickElement(
            "media:content", None, {"url": urljoin(item["link"], item["image"]), "medium": "image"}
        )


class ArticleRssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with Media RSS images."""

    def rss_attributes(self) -> dict[str, str]:
        return {**super().rss_attributes(), "xmlns:media": MEDIA_RSS_NS}

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        _add_image(handler, item)


class ArticleAtomFeed(feedgenerator.Atom1Feed):
    """Atom 1.0 with Media RSS images."""

    def root_attributes(self) -> dict[str, str]:
        return {**super().root_attributes(), "xmlns:media": MEDIA_RSS_NS}

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        _add_image(handler, item)


class LatestArticlesFeed(Feed):
    """The newest published articles of the whole site, as RSS 2.0."""

    feed_type = ArticleRssFeed  # in the edition's language (the active one), with its articles only
    title = _("مداد — آخر الأخبار")
    description = _("آخر ما نشره مداد من أخبار.")
    item_guid_is_permalink = False

    def link(self) -> str:
        return reverse("articles:home")

    def articles(self, obj: Any) -> QuerySet[Article]:
        """The published articles this feed is about; `obj` is what get_object() returned."""
        return Article.objects.published()

    def list_tags(self, obj: Section | Tag | None) -> list[str]:
        """Which list this feed is (see newsroom/expiry.py)."""
        return [*obj.cache_tags, obj.list_cache_tag] if obj else ["list:latest"]

    def items(self, obj: Any) -> list[Article]:
        items = list(
            self.articles(obj)
            .for_listing()
            .select_related("author")
            .prefetch_related("tags")
            .order_by("-publish_at", "-id")[:FEED_SIZE]
        )
        depends(
            *self.list_tags(obj),
            *(tag for item in items for tag in (*item.cache_tags, f"author:{item.author_id}")),
        )
        return items

    def item_title(self, article: Article) -> str:
        # Escaped, as Django does by default: many readers show titles as HTML.
        return escape(article.safe_translation_getter("title", any_language=True))

    def item_description(self, article: Article) -> str:
        return escape(article.safe_translation_getter("dek", any_language=True) or "")

    def item_guid(self, article: Article) -> str:
        return uuid.uuid5(GUID_NAMESPACE, str(article.pk)).urn

    def item_pubdate(self, article: Article) -> datetime:
        return article.publish_at

    def item_updateddate(self, article: Article) -> datetime:
        return last_modified(article)

    def item_author_name(self, article: Article) -> str:
        return article.author.display_name

    def item_categories(self, article: Article) -> list[str]:
        return [tag.name for tag in article.tags.all()]

    def item_extra_kwargs(self, article: Article) -> dict[str, Any]:
        image = article.featured_image
        return {"image": image.share_url if image else None}


class LatestArticlesAtomFeed(LatestArticlesFeed):
    """The newest published articles of the whole site, as Atom."""

    feed_type = ArticleAtomFeed
    subtitle = LatestArticlesFeed.description


class SectionFeed(LatestArticlesFeed):
    """The newest published articles of one section, found by its slug."""

    def get_object(self, request: HttpRequest, slug: str) -> Section:
        return Section.objects.filter(translations__slug=slug).distinct().get()  # any language, as the page

    def title(self, section: Section) -> str:
        return gettext("مداد — %(section)s") % {"section": section}

    def description(self, section: Section) -> str:
        return gettext("آخر أخبار قسم %(section)s في مداد.") % {"section": section}

    def link(self, section: Section) -> str:
        return section.get_absolute_url()

    def articles(self, section: Section) -> QuerySet[Article]:
        return Article.objects.published().filter(section=section)


class TagFeed(LatestArticlesFeed):
    """The newest published articles with one tag; the old slug of a merged tag redirects."""

    def __call__(self, request: HttpRequest, slug: str) -> HttpResponse:
        try:
            return super().__call__(request, slug=slug)
        except Http404:
            moved = TagRedirect.objects.select_related("tag").filter(old_slug=slug).first()
            if moved is None:
                raise
            return redirect("feed_tag", slug=moved.tag.slug, permanent=True)

    def get_object(self, request: HttpRequest, slug: str) -> Tag:
        return Tag.objects.get(slug=slug)

    def title(self, tag: Tag) -> str:
        return gettext("مداد — %(tag)s") % {"tag": tag.name}

    def description(self, tag: Tag) -> str:
        return gettext("آخر أخبار مداد الموسومة بـ«%(tag)s».") % {"tag": tag.name}

    def link(self, tag: Tag) -> str:
        return tag.get_absolute_url()

    def articles(self, tag: Tag) -> QuerySet[Article]:
        return Article.objects.published().filter(tags=tag)
