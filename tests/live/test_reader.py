"""What readers get: the coverage on its article's page, the poll endpoint a shared cache can
serve, the Atom feed, and the «مباشر» mark in the ticker and on the home page."""

import re
import time
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from live.models import LiveCoverage
from newsroom.cachetags import CLOCK_SKEW_NS
from tests.factories import ArticleFactory, MediaImageFactory
from tests.live.conftest import post_entry

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def updates_url(coverage, after) -> str:
    return f"{reverse('live:updates', kwargs={'pk': coverage.pk})}?after={after}"


def page(client, coverage) -> str:
    return client.get(coverage.get_absolute_url()).content.decode()


# --- The article's page -----------------------------------------------------------------------
def test_the_page_shows_pinned_key_events_and_the_stream_newest_first(client, coverage, staff):
    key = post_entry(coverage, staff["editor"], "انهيار جسر قديم", headline="انهيار الجسر", is_key_event=True)
    pinned = post_entry(coverage, staff["editor"], "ما نعرفه حتى الآن")
    pinned.set_pinned(True)
    post_entry(coverage, staff["journalist"], "أحدث تحديث")
    html = page(client, coverage)

    pinned_at, key_events_at = html.index('class="live__pinned"'), html.index("أبرز الأحداث")
    stream = html[html.index("data-live-stream") :]
    assert key_events_at < pinned_at < html.index("data-live-stream")
    assert f'<a href="#{key.anchor}">' in html  # the summary links to its entry
    assert stream.index("أحدث تحديث") < stream.index("انهيار جسر قديم") < stream.index("التحديث رقم 1")
    assert "ما نعرفه حتى الآن" not in stream  # on top, not twice
    assert f'id="{key.anchor}"' in html
    assert f'href="{key.get_absolute_url()}"' in html  # its own share link


def test_deleted_entries_leave_the_page_and_edits_show_their_correction(client, coverage, staff):
    first, second = coverage.entries.order_by("pk")[:2]
    page(client, coverage)  # cached now
    first.remove(staff["editor"])
    second.edit(staff["editor"], body="<p>الرقم الصحيح 12</p>", correction_note="كان الرقم 21 خطأ.")
    html = page(client, coverage)
    assert "التحديث رقم 1 " not in html
    assert "الرقم الصحيح 12" in html
    assert "كان الرقم 21 خطأ." in html


def test_a_live_page_polls_an_ended_one_does_not(client, coverage, staff):
    html = page(client, coverage)
    assert f'data-updates-url="{reverse("live:updates", kwargs={"pk": coverage.pk})}"' in html
    assert f'data-cursor="{coverage.entries.latest("pk").pk}"' in html
    assert 'class="badge badge--live"' in html
    coverage.end(staff["editor"])
    html = page(client, coverage)
    assert "data-updates-url" not in html
    assert "انتهت التغطية في" in html


def test_the_page_costs_the_same_queries_however_many_entries(client, coverage, staff):
    def queries() -> int:
        post_entry(coverage, staff["journalist"], "تحديث يجدد الصفحة")  # the coverage is rendered again
        time.sleep(CLOCK_SKEW_NS / 1e9)  # pages rendered from now on are after that change
        with CaptureQueriesContext(connection) as captured:
            client.get(coverage.get_absolute_url(), HTTP_COOKIE="sessionid=bypass")  # not the page cache
        return len(captured)

    queries()  # the shared fragments (menu, ticker, …) are cached from here on
    queries()  # and the page's next render knows what to fetch ahead (cachetags.planned)
    few = queries()
    for number in range(15):
        post_entry(coverage, staff["journalist"], f"تحديث إضافي {number}", image=MediaImageFactory())
    assert queries() == few


# --- The poll endpoint ------------------------------------------------------------------------
def test_the_poll_endpoint_answers_entries_after_the_cursor(client, coverage, staff):
    first, second, third = coverage.entries.order_by("pk")
    answer = client.get(updates_url(coverage, first.pk)).json()
    assert (answer["state"], answer["cursor"], answer["count"]) == ("live", third.pk, 2)
    assert answer["label"] == "تحديثان جديدان"  # Arabic counts: one, two, few, many
    assert answer["html"].index(f'id="{third.anchor}"') < answer["html"].index(f'id="{second.anchor}"')
    assert client.get(updates_url(coverage, third.pk)).json()["count"] == 0


def test_a_shared_cache_can_serve_the_poll_endpoint(client, coverage, staff):
    url = updates_url(coverage, coverage.entries.latest("pk").pk)
    time.sleep(CLOCK_SKEW_NS / 1e9)  # answers rendered from now on are after the entries were posted
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    assert "public" in first["Cache-Control"]
    assert "s-maxage=" in first["Cache-Control"]
    assert "Set-Cookie" not in first
    assert first["Vary"] == "Accept-Encoding"  # never Cookie: the same answer for every reader

    with CaptureQueriesContext(connection) as captured:
        again = client.get(url)
        unchanged = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again["X-Page-Cache"] == "hit"
    assert unchanged.status_code == 304
    assert not [query for query in captured if "live_" in query["sql"]]  # answered from the cache

    newest = post_entry(coverage, staff["journalist"], "خبر جديد يصل القراء")
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])  # the entry expired it at once
    assert changed.status_code == 200
    assert changed.json()["cursor"] == newest.pk
    assert "خبر جديد يصل القراء" in changed.json()["html"]


def test_ending_the_coverage_reaches_the_poll_endpoint(client, coverage, staff):
    url = updates_url(coverage, coverage.entries.latest("pk").pk)
    client.get(url)
    coverage.end(staff["editor"])
    answer = client.get(url).json()
    assert answer["state"] == "ended"
    assert answer["status"].startswith("انتهت التغطية في")


@pytest.mark.parametrize("after", ["x", "-1", "1e5", "٣", "1" * 13, "0\x00"])
def test_the_poll_endpoint_refuses_a_bad_cursor(client, coverage, after):
    assert (
        client.get(reverse("live:updates", kwargs={"pk": coverage.pk}), {"after": after}).status_code == 400
    )


def test_readers_cannot_poll_a_coverage_of_an_unpublished_article(client, coverage):
    Article.objects.filter(pk=coverage.article_id).update(status=Article.Status.DRAFT)
    assert client.get(updates_url(coverage, 0)).status_code == 404
    assert client.get(reverse("live:feed", kwargs={"pk": coverage.pk})).status_code == 404


# --- Feed, ticker, home -----------------------------------------------------------------------
def test_the_atom_feed_lists_entries_with_their_anchors(client, coverage, staff):
    coverage.entries.earliest("pk").remove(staff["editor"])
    response = client.get(reverse("live:feed", kwargs={"pk": coverage.pk}))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "التحديث رقم 3 من الوادي.",
        "التحديث رقم 2 من الوادي.",
    ]
    newest = coverage.entries.visible().latest("pk")
    assert entries[0].find(f"{ATOM}link").get("href").endswith(f"#{newest.anchor}")
    assert entries[0].findtext(f"{ATOM}author/{ATOM}name") == "live-journalist"
    assert "@" not in response.content.decode()


def marked_live(html: str) -> set[str]:
    """The titles that a «مباشر» mark stands before."""
    return set(re.findall(r'badge--live">مباشر</(?:span|strong)>\s*<a [^>]*>([^<]+)</a>', html))


def test_the_ticker_and_the_home_page_mark_a_live_coverage(client, coverage, staff):
    ArticleFactory(title="خبر عادي بلا تغطية")
    title = "تغطية مباشرة لفيضان وادي السدر"
    home = client.get("/").content.decode()
    assert "خبر عادي بلا تغطية" in home
    assert marked_live(home) == {title}
    assert marked_live(client.get(reverse("articles:ticker")).content.decode()) == {title}
    coverage.end(staff["editor"])
    assert marked_live(client.get(reverse("articles:ticker")).content.decode()) == set()
    assert marked_live(client.get("/").content.decode()) == set()


def test_opening_a_coverage_reaches_cached_cards(client, staff):
    article = ArticleFactory(title="حريق في سوق المدينة")
    assert marked_live(client.get("/").content.decode()) == set()
    LiveCoverage.open(article, staff["editor"])
    assert marked_live(client.get("/").content.decode()) == {"حريق في سوق المدينة"}
