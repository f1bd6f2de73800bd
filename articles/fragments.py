"""The reader site's shared fragments (newsroom/fragments.py): the same on every page, each
cached once per language and refreshed by the tags it shows."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from articles import popularity
from articles.models import Article, Section
from newsroom.fragments import register

TICKER_SIZE = 8
LATEST_SIZE = 5  # the article page's sidebar
FRAGMENT_SECONDS = 5 * 60  # an upper bound: tags expire them as soon as what they show changes


def ticker_articles() -> list[Article]:
    """Breaking news first, topped up with the latest headlines."""
    breaking = list(Article.objects.breaking().for_listing()[:TICKER_SIZE])
    latest = Article.objects.published().exclude(pk__in=[a.pk for a in breaking]).for_listing()
    return breaking + list(latest[: TICKER_SIZE - len(breaking)])


def _menu_sections() -> list[Section]:
    return list(Section.objects.filter(in_navigation=True).prefetch_related("translations"))


def _seconds_to_midnight() -> int:
    now = timezone.localtime()
    midnight = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=now.tzinfo)
    return max(1, int((midnight - now).total_seconds()))


@register("today", "includes/today.html", tags=(), seconds=_seconds_to_midnight)
def _today(arg: str) -> dict:
    return {}


@register("menu", "includes/menu.html", tags=("menu",), seconds=FRAGMENT_SECONDS)
def _menu(current: str) -> dict:
    """`current`: "home", a section's nav_key, or "" (no item is the current page)."""
    return {"navigation_sections": _menu_sections(), "current": current}


@register("footer", "includes/footer.html", tags=("menu",), seconds=FRAGMENT_SECONDS)
def _footer(arg: str) -> dict:
    return {"navigation_sections": _menu_sections()}


@register("ticker", "includes/ticker_items.html", tags=("ticker",), seconds=FRAGMENT_SECONDS)
def _ticker(arg: str) -> dict:
    """`arg`: "loop" for the list followed by its inert copy, which makes the moving ticker
    seamless (one query for both); "" for the list alone, as the page's refresh fetches it."""
    return {"ticker_articles": ticker_articles(), "copies": (False, True) if arg == "loop" else (False,)}


# Every change to a public article (a title edit too) expires "most_read" (newsroom/expiry.py);
# "menu", a section's new name.
@register(
    "latest", "includes/latest.html", tags=("list:latest", "most_read", "menu"), seconds=FRAGMENT_SECONDS
)
def _latest(arg: str) -> dict:
    return {"latest_articles": list(Article.objects.published().for_listing()[:LATEST_SIZE])}


@register("most_read", "includes/most_read.html", tags=("most_read",), seconds=popularity.MOST_READ_SECONDS)
def _most_read(arg: str) -> dict:
    return {
        "most_read_day": popularity.most_read(hours=24),
        "most_read_week": popularity.most_read(hours=24 * 7),
    }
