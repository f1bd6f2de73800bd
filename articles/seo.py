"""What search engines read about an article: its dates and JSON-LD description."""

import json
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from articles.models import Article

PUBLISHER_NAME = "مداد"
LOGO_PATH = "img/logo.png"

# What must not appear literally inside <script>…</script>: the same escapes as Django's json_script.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def last_modified(article: Article) -> datetime | None:
    """When the article's content last changed for readers: its update time, else its publication."""
    return article.content_updated_at if article.was_updated else article.publish_at


def w3c_datetime(moment: datetime) -> str:
    """An aware datetime as W3C/ISO 8601 in the newsroom's time zone, e.g. 2026-05-01T09:30:00+03:00."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def news_article_jsonld(article: Article, request: HttpRequest) -> SafeString:
    """A schema.org NewsArticle for `article`, safe to put between <script type="application/ld+json"> tags."""
    return script_json(news_article_data(article, request))


def news_article_data(article: Article, request: HttpRequest) -> dict[str, Any]:
    """The schema.org NewsArticle of `article` as a dictionary, for types built on it."""
    absolute = request.build_absolute_uri
    published, modified = article.publish_at, last_modified(article)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.safe_translation_getter("title", any_language=True),
        "description": article.safe_translation_getter("seo_description", any_language=True)
        or article.safe_translation_getter("dek", any_language=True),
        "datePublished": w3c_datetime(published) if published else None,
        "dateModified": w3c_datetime(modified) if modified else None,
        "author": [
            {
                "@type": "Person",
                "name": article.author.display_name,
                "url": absolute(article.author.get_absolute_url()),
            }
        ],
        "publisher": {
            "@type": "Organization",
            "name": PUBLISHER_NAME,
            "logo": {"@type": "ImageObject", "url": absolute(static(LOGO_PATH))},
        },
        "image": [absolute(article.featured_image.share_url)] if article.featured_image else None,
        "mainEntityOfPage": {"@type": "WebPage", "@id": absolute(article.get_absolute_url())},
        "articleSection": str(article.section),
        "keywords": [tag.name for tag in article.tags.all()],
        "inLanguage": get_language(),
    }
    return {key: value for key, value in data.items() if value}


def script_json(data: dict[str, Any]) -> SafeString:
    """`data` as JSON that is safe between <script type="application/ld+json"> tags."""
    text = json.dumps(data, ensure_ascii=False)
    # Safe: with <, > and & escaped, no text can close the <script> element or open another.
    return mark_safe(text.translate(_SCRIPT_ESCAPES))


def breadcrumbs(article: Article) -> list[tuple[str, str]]:
    """Where the article sits, as (name, path) from the home page to it: shown above the
    article and described to search engines by breadcrumb_jsonld()."""
    return [
        (gettext("الرئيسية"), reverse("articles:home")),
        (str(article.section), article.section.get_absolute_url()),
        (article.safe_translation_getter("title", any_language=True), article.get_absolute_url()),
    ]


def breadcrumb_jsonld(trail: list[tuple[str, str]], request: HttpRequest) -> SafeString:
    """A schema.org BreadcrumbList of `trail` (see breadcrumbs())."""
    return script_json(
        {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "name": name,
                    "item": request.build_absolute_uri(path),
                }
                for position, (name, path) in enumerate(trail, start=1)
            ],
        }
    )
