"""What search engines read about a live coverage: a schema.org LiveBlogPosting built on the
article's NewsArticle, with its entries as `liveBlogUpdate`."""

from typing import Any

from django.http import HttpRequest

from articles.seo import news_article_data, w3c_datetime
from live.models import LiveCoverage

JSONLD_UPDATES = 50  # the newest entries described; the page shows them all


def live_blog_data(coverage: LiveCoverage, request: HttpRequest) -> dict[str, Any]:
    absolute = request.build_absolute_uri
    data = news_article_data(coverage.article, request)
    data["@type"] = "LiveBlogPosting"
    data["coverageStartTime"] = w3c_datetime(coverage.started_at)
    if coverage.ended_at:
        data["coverageEndTime"] = w3c_datetime(coverage.ended_at)
    data["dateModified"] = w3c_datetime(max(coverage.last_update, coverage.ended_at or coverage.started_at))
    data["liveBlogUpdate"] = [_update(entry, absolute) for entry in coverage.visible_entries[:JSONLD_UPDATES]]
    return data


def _update(entry, absolute) -> dict[str, Any]:
    update = {
        "@type": "BlogPosting",
        "headline": entry.summary,
        "articleBody": entry.text,
        "datePublished": w3c_datetime(entry.published_at),
        "dateModified": w3c_datetime(entry.edited_at or entry.published_at),
        "url": absolute(entry.get_absolute_url()),
        "author": {"@type": "Person", "name": entry.author_name},
    }
    if entry.image:
        update["image"] = absolute(entry.image.share_url)
    return update
