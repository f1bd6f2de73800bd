from django.core.cache import cache
from django.utils.translation import get_language

from articles.models import Article, Section

TICKER_SIZE = 8
TICKER_SECONDS = 60


def ticker_articles() -> list[Article]:
    """Breaking news first, topped up with the latest headlines; cached for a minute."""
    key = f"articles:ticker:{get_language()}"
    items = cache.get(key)
    if items is None:
        breaking = list(Article.objects.breaking().for_listing()[:TICKER_SIZE])
        latest = Article.objects.published().exclude(pk__in=[a.pk for a in breaking]).for_listing()
        items = breaking + list(latest[: TICKER_SIZE - len(breaking)])
        cache.set(key, items, TICKER_SECONDS)
    return items


def navigation(request):
    """Sections for the header menu and the ticker, on every page."""
    key = f"articles:navigation:{get_language()}"
    sections = cache.get(key)
    if sections is None:
        sections = list(Section.objects.filter(in_navigation=True).prefetch_related("translations"))
        cache.set(key, sections, 300)
    return {"navigation_sections": sections, "ticker_articles": ticker_articles}
