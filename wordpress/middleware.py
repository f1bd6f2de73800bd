"""Old WordPress addresses answer with a permanent redirect to the imported article.

Ordinary requests cost nothing: the database is asked only about a request that would
otherwise be a 404, or one whose query string has WordPress's "p" or "page_id" (the
"/?p=123" form of a post's address, which WordPress accepts on any path).
"""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.utils import translation

from articles.models import Article
from wordpress.models import QUERY_KEYS, LegacyRedirect, normalize_path, query_path


class LegacyRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.method in ("GET", "HEAD") and request.META.get("QUERY_STRING")
        if query and (response := self.process_request(request)):
            return response
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            return self.redirect_to(normalize_path(request.path)) or response
        return response

    def process_request(self, request):
        for key in QUERY_KEYS:
            value = request.GET.get(key, "")
            if value.isdigit():
                return self.redirect_to(query_path(key, value))
        return None

    @staticmethod
    def redirect_to(old_path: str):
        # Nothing was imported under an address PostgreSQL could not store (too long, a NUL).
        if len(old_path) > LegacyRedirect._meta.get_field("old_path").max_length or "\x00" in old_path:
            return None
        published = Article.objects.published(any_language=True).values("pk")
        legacy = (
            LegacyRedirect.objects.filter(old_path=old_path, article__in=published)
            .select_related("article")
            .first()
        )
        if legacy is None:
            return None
        with translation.override(settings.PARLER_DEFAULT_LANGUAGE_CODE):
            return HttpResponsePermanentRedirect(legacy.article.get_absolute_url())
