"""Feeds, sitemaps and robots.txt, at the site root outside the language prefix."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from articles.feeds import LatestArticlesAtomFeed, LatestArticlesFeed, SectionFeed, TagFeed
from articles.sitemaps import SITEMAPS, news_sitemap, robots_txt

urlpatterns = [
    path("feed/", LatestArticlesFeed(), name="feed_latest"),
    path("feed/atom/", LatestArticlesAtomFeed(), name="feed_atom"),
    path("section/<uslug:slug>/feed/", SectionFeed(), name="feed_section"),
    path("tag/<uslug:slug>/feed/", TagFeed(), name="feed_tag"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS, "template_name": "articles/sitemap.xml"},
        name="sitemap",
    ),
    path("news-sitemap.xml", news_sitemap, name="news_sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
]
