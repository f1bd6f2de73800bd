"""Sitemaps and robots.txt, at the site root outside the language prefix (feeds: feed_urls.py)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from articles.sitemaps import SITEMAPS, news_sitemap, robots_txt, sitemap_or_index, sitemap_shows_everything
from newsroom.pagecache import cache_public_page

urlpatterns = [
    path(
        "sitemap.xml",
        cache_public_page(sitemap_or_index),
        {"sitemaps": SITEMAPS, "template_name": "articles/sitemap.xml"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",  # the pages an index names (?p=2, …)
        cache_public_page(sitemap_shows_everything(sitemap)),
        {"sitemaps": SITEMAPS, "template_name": "articles/sitemap.xml"},
        name="sitemap_section",
    ),
    path("news-sitemap.xml", cache_public_page(news_sitemap), name="news_sitemap"),
    path("robots.txt", cache_public_page(robots_txt), name="robots_txt"),
]
