"""What readers get of a live coverage besides its article page: the poll endpoint the page
asks every 20 s, and the Atom feed of its entries. Both are pages of the page cache
(newsroom/pagecache.py): thousands of readers polling cost one render per change."""

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext, ngettext

from live.models import LiveCoverage, LiveEntry
from newsroom.cachetags import depends
from newsroom.templatetags.news_dates import digits, news_datetime

FEED_SIZE = 50


def public_coverage(pk: int) -> LiveCoverage:
    coverage = get_object_or_404(LiveCoverage.objects.public().select_related("article"), pk=pk)
    depends(*coverage.cache_tags, f"article:{coverage.article_id}")
    return coverage


def ended_status(coverage: LiveCoverage) -> str:
    return gettext("انتهت التغطية في %(ended)s.") % {"ended": news_datetime(coverage.ended_at)}


def updates(request, pk: int):
    """Entries newer than the reader's `after` cursor, as HTML ready to insert, with the
    coverage's state. The same URL answers every reader at the same cursor."""
    after = request.GET.get("after", "0")
    if not after.isascii() or not after.isdigit() or len(after) > 12:
        return HttpResponseBadRequest()
    coverage = public_coverage(pk)
    new = [entry for entry in coverage.stream if entry.pk > int(after)]
    count = len(new)
    return JsonResponse(
        {
            "state": coverage.state,
            "cursor": max(coverage.cursor, int(after)),
            "count": count,
            "label": ngettext("تحديث جديد واحد", "%(shown)s تحديثات جديدة", count) % {"shown": digits(count)},
            "html": render_to_string(
                "live/entries.html", {"entries": new, "coverage": coverage}, request
            ).strip(),
            "status": "" if coverage.is_live else ended_status(coverage),
        },
        json_dumps_params={"ensure_ascii": False},
    )


class CoverageFeed(Feed):
    """A coverage's entries, newest first, as Atom: each links to its own anchor."""

    feed_type = Atom1Feed

    def get_object(self, request, pk: int) -> LiveCoverage:
        return public_coverage(pk)

    def title(self, coverage: LiveCoverage) -> str:
        return gettext("مداد — %(title)s") % {"title": coverage}

    def subtitle(self, coverage: LiveCoverage) -> str:
        return gettext("آخر تحديثات التغطية المباشرة «%(title)s».") % {"title": coverage}

    def link(self, coverage: LiveCoverage) -> str:
        return coverage.get_absolute_url()

    def items(self, coverage: LiveCoverage) -> list[LiveEntry]:
        return coverage.visible_entries[:FEED_SIZE]

    def item_title(self, entry: LiveEntry) -> str:
        return entry.summary

    def item_description(self, entry: LiveEntry) -> str:
        return entry.body

    def item_link(self, entry: LiveEntry) -> str:
        return entry.get_absolute_url()

    def item_guid(self, entry: LiveEntry) -> str:
        return f"tag:midad,live-entry:{entry.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, entry: LiveEntry):
        return entry.published_at

    def item_updateddate(self, entry: LiveEntry):
        return entry.edited_at or entry.published_at

    def item_author_name(self, entry: LiveEntry) -> str:
        return entry.author_name
