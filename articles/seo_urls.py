"""Feeds, sitemaps and robots.txt, at the site root outside the language prefix."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from articles.feeds import LatestArticlesAtomFeed, LatestArticlesFeed, SectionFeed, TagFeed
from articles.sitemaps import SITEMAPS, news_sitemap, robots_txt, sitemap_shows_everything
from newsroom.pagecache import cache_public_page

urlpatterns = [
    path("feed/", cache_public_page(LatestArticlesFeed()), name="feed_latest"),
    path("feed/atom/", cache_public_page(LatestArticlesAtomFeed()), name="feed_atom"),
    path("section/<uslug:slug>/feed/", cache_public_page(SectionFeed()), name="feed_section"),
    path("tag/<uslug:slug>/feed/", cache_public_page(TagFeed()), name="feed_tag"),
    path(
        "sitemap.xml",
        cache_public_page(sitemap_shows_everything(sitemap)),
        {"sitemaps": SITEMAPS, "template_name": "articles/sitemap.xml"},
        name="sitemap",
    ),
    path("news-sitemap.xml", cache_public_page(news_sitemap), name="news_sitemap"),
    path("robots.txt", cache_public_page(robots_txt), name="robots_txt"),
]
