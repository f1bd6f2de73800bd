"""Feeds, one set per edition: /feed/ in Arabic, /en/feed/ in English (inside i18n_patterns)."""

from django.urls import path

from articles.feeds import LatestArticlesAtomFeed, LatestArticlesFeed, SectionFeed, TagFeed
from newsroom.pagecache import cache_public_page

urlpatterns = [
    path("feed/", cache_public_page(LatestArticlesFeed()), name="feed_latest"),
    path("feed/atom/", cache_public_page(LatestArticlesAtomFeed()), name="feed_atom"),
    path("section/<uslug:slug>/feed/", cache_public_page(SectionFeed()), name="feed_section"),
    path("tag/<uslug:slug>/feed/", cache_public_page(TagFeed()), name="feed_tag"),
]
