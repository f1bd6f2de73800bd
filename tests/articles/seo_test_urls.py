"""The site's URLs with the feeds, sitemaps and robots.txt included at the root, as newsroom/urls.py will."""

from django.urls import include, path

from newsroom.urls import urlpatterns as site_urlpatterns

urlpatterns = [*site_urlpatterns, path("", include("articles.seo_urls"))]
