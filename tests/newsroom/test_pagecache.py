"""The page cache and caching by dependency: what each change expires, and what it leaves."""

import gzip
import re
import time
from contextlib import suppress
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from articles.models import Article, AuthorProfile, Section
from comments.services import comment_moderate
from newsroom import cachetags, expiry, pagecache
from newsroom.cachetags import CLOCK_SKEW_NS
from newsroom.models import SiteSettings
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# Not the archive: the story is on the month's second page, which the tests do not warm.
EDITED_STORY_EXPIRES = {"home", "story", "story-en", "economy", "tag", "author", "feed", "sitemap"}


def state(client, url) -> str:
    """Whether the page cache answered `url` ("hit") or the page was rendered ("miss")."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response["X-Page-Cache"]


def warm(client, pages: dict[str, str]) -> None:
    for url in pages.values():
        client.get(url)
    assert {name: state(client, url) for name, url in pages.items()} == dict.fromkeys(pages, "hit")


def expired(client, pages: dict[str, str]) -> set[str]:
    return {name for name, url in pages.items() if state(client, url) == "miss"}


@pytest.fixture(scope="module")
def newsroom_rows(module_transaction):
    """Two sections, two authors, articles with tags: what a change may or may not touch.
    Written once for the module's tests."""
    economy, sport = SectionFactory(name="اقتصاد"), SectionFactory(name="رياضة")
    writer, other_writer = AuthorFactory(), AuthorFactory()
    story = ArticleFactory(section=economy, author=writer, title="خبر النفط", tags=["نفط"])
    story.set_current_language("en")
    story.title = "Oil news"
    story.save()
    story.set_current_language("ar")
    ArticleFactory(section=economy, author=writer, tags=["نفط"])
    # Published long ago: off the home page, the ticker and the first page of lists.
    unrelated = ArticleFactory(
        section=sport, author=other_writer, tags=["كرة"], publish_at=timezone.now() - timedelta(days=60)
    )
    for n in range(12):
        ArticleFactory(section=sport, author=other_writer, tags=[f"وسم {n}"])
    month = timezone.localtime(story.publish_at)
    pages = {
        "home": "/",
        "story": story.get_absolute_url(),
        "story-en": story.translation_urls["en"],
        "economy": economy.get_absolute_url(),
        "sport": sport.get_absolute_url(),
        "tag": story.tags.get().get_absolute_url(),
        "author": writer.get_absolute_url(),
        "other-author": other_writer.get_absolute_url(),
        "archive": reverse("articles:archive_month", args=[month.year, month.month]),
        "feed": reverse("feed_latest"),
        "sitemap": reverse("sitemap"),
        "unrelated": unrelated.get_absolute_url(),
    }
    time.sleep(CLOCK_SKEW_NS / 1e9)  # pages rendered from now on are after these changes
    return {
        "story": story.pk,
        "unrelated": unrelated.pk,
        "economy": economy.pk,
        "writer": writer.pk,
        "pages": pages,
    }


@pytest.fixture
def newsroom(db, newsroom_rows):
    articles = Article.objects.in_bulk([newsroom_rows["story"], newsroom_rows["unrelated"]])
    return {
        "story": articles[newsroom_rows["story"]],
        "unrelated": articles[newsroom_rows["unrelated"]],
        "economy": Section.objects.get(pk=newsroom_rows["economy"]),
        "writer": AuthorProfile.objects.get(pk=newsroom_rows["writer"]),
        "pages": newsroom_rows["pages"],
    }


def test_saving_drafts_reviews_and_scheduled_articles_expires_no_public_page(client, newsroom):
    pages = newsroom["pages"]
    warm(client, pages)
    in_section = {"section": newsroom["economy"], "author": newsroom["writer"], "tags": ["نفط"]}
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, **in_section)
    draft.title = "مسودة تتغير"
    draft.save()
    ArticleFactory(status=Article.Status.REVIEW, publish_at=None, **in_section)
    scheduled = ArticleFactory(publish_at=timezone.now() + timedelta(hours=3), **in_section)
    scheduled.delete()
    draft.delete()

    assert expired(client, pages) == set()


def test_editing_a_published_article_expires_its_pages_and_exactly_the_lists_that_show_it(client, newsroom):
    pages = newsroom["pages"]
    warm(client, pages)
    story = newsroom["story"]
    story.set_current_language("ar")
    story.title = "خبر النفط بعد التحديث"
    story.save()

    assert expired(client, pages) == EDITED_STORY_EXPIRES
    assert "خبر النفط بعد التحديث" in client.get("/").content.decode()


def test_changes_in_a_deferred_block_expire_the_same_pages_when_it_ends_not_before(client, newsroom):
    pages = newsroom["pages"]
    warm(client, pages)
    story = newsroom["story"]

    with expiry.deferred():
        with expiry.deferred():  # nested: the outer block expires
            story.title = "خبر النفط بعد التحديث"
            story.save()
        assert expired(client, pages) == set()

    assert expired(client, pages) == EDITED_STORY_EXPIRES


def test_a_deferred_block_that_fails_still_expires_what_it_changed(client, newsroom):
    pages = newsroom["pages"]
    warm(client, pages)
    story = newsroom["story"]

    with suppress(RuntimeError), expiry.deferred():
        story.title = "خبر النفط بعد التحديث"
        story.save()
        raise RuntimeError

    assert "story" in expired(client, pages)


def test_publishing_and_unpublishing_expire_the_lists_of_the_article(client, newsroom):
    pages = newsroom["pages"]
    warm(client, pages)
    ArticleFactory(section=newsroom["economy"], author=newsroom["writer"], tags=["نفط"], title="عاجل جديد")
    assert expired(client, pages) == {
        "home",
        "economy",
        "tag",
        "author",
        "archive",
        "feed",
        "sitemap",
        "story",
        "story-en",
    }  # fmt: skip  (the story's page lists related articles of its tag)

    with time_machine.travel(timezone.now() + timedelta(seconds=1)):
        warm(client, pages)
        unrelated = newsroom["unrelated"]
        unrelated.status = Article.Status.ARCHIVED
        unrelated.save()
        assert expired(client, {k: v for k, v in pages.items() if k != "unrelated"}) == {
            "home", "sport", "other-author", "feed", "sitemap",
        }  # fmt: skip
        assert client.get(pages["unrelated"]).status_code == 404


def test_a_comment_decision_expires_only_the_article_page(client, newsroom):
    story = newsroom["story"]
    comment = CommentFactory(article=story, status="pending", text="تعليق ينتظر")
    pages = newsroom["pages"]
    warm(client, pages)
    comment_moderate(
        comment=comment, moderator=UserFactory(username="mod", role="Moderator"), status="approved"
    )

    assert expired(client, pages) == {"story", "story-en"}
    assert "تعليق ينتظر" in client.get(pages["story"]).content.decode()


def test_section_author_tag_and_settings_edits_expire_what_shows_them(client, newsroom):
    pages, story = newsroom["pages"], newsroom["story"]
    warm(client, pages)
    writer = newsroom["writer"]
    writer.display_name = "اسم جديد للكاتب"
    writer.save()
    assert expired(client, pages) == {"story", "story-en", "author", "feed"}

    with time_machine.travel(timezone.now() + timedelta(seconds=1)):
        warm(client, pages)
        tag = story.tags.get()
        tag.name = "النفط الخام"
        tag.save()
        assert expired(client, pages) == {"story", "story-en", "tag", "sitemap"}

    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        warm(client, pages)
        SiteSettings.objects.update_or_create(pk=1, defaults={"digits": "arabic_indic"})
        SiteSettings.load().save()
        assert expired(client, pages) == set(pages)


def test_the_menu_follows_a_section_rename_without_expiring_pages(client, newsroom):
    pages, economy = newsroom["pages"], newsroom["economy"]
    warm(client, pages)
    economy.set_current_language("ar")
    economy.name = "المال والأعمال"
    economy.save()

    sport_page = client.get(pages["sport"])
    assert sport_page["X-Page-Cache"] == "hit"  # the page is still cached…
    assert "المال والأعمال" in sport_page.content.decode()  # …and its menu is current
    assert expired(client, pages) >= {"economy", "story"}


def test_the_ticker_follows_breaking_news_at_once_on_cached_pages(client, newsroom):
    pages = newsroom["pages"]
    warm(client, pages)
    ArticleFactory(section=newsroom["economy"], title="عاجل: انقطاع الكهرباء", is_breaking=True)

    unrelated = client.get(pages["unrelated"])
    assert unrelated["X-Page-Cache"] == "hit"
    assert "عاجل: انقطاع الكهرباء" in unrelated.content.decode()
    assert "عاجل: انقطاع الكهرباء" in client.get(reverse("articles:ticker")).content.decode()


def test_a_scheduled_article_appears_at_its_time_without_any_save(client, newsroom):
    at = timezone.now() + timedelta(minutes=10)
    ArticleFactory(section=newsroom["economy"], title="خبر مجدول للظهور", publish_at=at)
    assert "خبر مجدول للظهور" not in client.get("/").content.decode()
    assert state(client, "/") == "hit"

    with time_machine.travel(at + timedelta(seconds=1)):
        home = client.get("/")
        assert home["X-Page-Cache"] == "miss"
        assert "خبر مجدول للظهور" in home.content.decode()
        assert "خبر مجدول للظهور" in client.get(newsroom["pages"]["unrelated"]).content.decode()  # ticker


def test_breaking_news_leaves_the_ticker_at_its_expiry_time(client, newsroom):
    until = timezone.now() + timedelta(minutes=5)
    ArticleFactory(title="عاجل لوقت محدود", is_breaking=True, breaking_until=until,
                   publish_at=timezone.now() - timedelta(days=30))  # fmt: skip
    assert "عاجل لوقت محدود" in client.get(newsroom["pages"]["sport"]).content.decode()
    with time_machine.travel(until + timedelta(seconds=1)):
        assert "عاجل لوقت محدود" not in client.get(newsroom["pages"]["sport"]).content.decode()


def test_the_cache_key_includes_the_host_and_scheme(client, newsroom):
    url = newsroom["pages"]["story"]
    client.get(url, HTTP_HOST="localhost")
    other = client.get(url, HTTP_HOST="127.0.0.1").content.decode()
    assert 'href="http://127.0.0.1/' in other
    assert "localhost" not in other
    secure = client.get(url, HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", secure=True)
    assert 'href="https://127.0.0.1/' in secure.content.decode()


def test_anonymous_pages_are_the_same_for_everyone_and_shared_caches_may_keep_them(client, newsroom):
    url = newsroom["pages"]["story"]
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    for response in (first, client.get(url)):
        assert not response.cookies
        assert "public" in response["Cache-Control"]
        assert "s-maxage=5" in response["Cache-Control"]
        assert response["Vary"] == "Accept-Encoding"  # never Cookie: the same page for everyone
        assert "stale-while-revalidate" in response["Cache-Control"]
        assert 'name="csrfmiddlewaretoken" value=""' in response.content.decode()
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_pages_travel_compressed_to_browsers_that_accept_it_cached_or_not(client, newsroom):
    url = newsroom["pages"]["story"]
    compressed = [client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br") for _ in range(2)]
    plain = client.get(url).content
    assert [response["X-Page-Cache"] for response in compressed] == ["miss", "hit"]
    for response in compressed:
        assert response["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.content) == plain
        assert len(response.content) < len(plain) / 3
    # The browser sends back the ETag of the compressed page: still a 304.
    assert (
        client.get(url, HTTP_IF_NONE_MATCH=response["ETag"], HTTP_ACCEPT_ENCODING="gzip").status_code == 304
    )


def test_logged_in_staff_are_never_served_from_the_page_cache(client, newsroom):
    url, reader = newsroom["pages"]["story"], Client()
    reader.get(url)
    assert state(reader, url) == "hit"  # the page every anonymous reader gets is cached
    client.force_login(UserFactory(username="editor-x", role="Editor"))
    page = client.get(url)
    assert page.get("X-Page-Cache") != "hit"
    assert "public" not in page.get("Cache-Control", "")
    # Rendered for them: the comment form holds their own token, where the cached page has none.
    assert re.search(r'name="csrfmiddlewaretoken" value="\w+" data-csrf-field', page.content.decode())

    draft = ArticleFactory(title="مسودة المحرر", status="draft", publish_at=None)
    preview = client.get(draft.get_absolute_url())
    assert "مسودة المحرر" in preview.content.decode()
    assert "public" not in preview.get("Cache-Control", "")
    assert reader.get(draft.get_absolute_url()).status_code == 404  # the preview was kept for no one


def counted(method, name, calls):
    """`method`, recording each outermost call (LocMemCache's get_many calls its own get)."""

    def wrapper(*args, **kwargs):
        calls.append(name)
        depth = len(calls)
        try:
            return method(*args, **kwargs)
        finally:
            del calls[depth:]

    return wrapper


def count_cache_calls(calls: list[str]) -> None:
    backend = caches["default"]
    for method in ("get", "get_many", "set", "set_many", "add", "delete", "incr"):
        setattr(backend, method, counted(getattr(backend, method), method, calls))


@pytest.fixture
def locmem_cache(settings):
    """Django's in-memory cache, empty (its entries outlive a settings change)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    caches["default"].clear()


@pytest.mark.usefixtures("locmem_cache")
def test_a_page_cache_hit_costs_two_cache_round_trips_and_no_sql(client, newsroom):
    url = newsroom["pages"]["story"]
    client.get(url)
    calls = []
    count_cache_calls(calls)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    assert calls == ["get", "get_many"]


@pytest.mark.usefixtures("locmem_cache")
def test_a_reader_with_a_session_gets_the_article_from_one_cache_round_trip_and_no_sql(client, newsroom):
    """The page cache is bypassed (a session): the article, its cached regions, the site
    settings, the shared fragments and the session (newsroom/sessions.py: an unknown key is
    remembered as such) come in one round trip fetched ahead."""
    url = newsroom["pages"]["story"]

    def get():
        client.cookies["sessionid"] = "a-reader-with-a-session"  # sent each time, as browsers do
        return client.get(url)

    get(), get()  # the first render tells the second what to fetch ahead
    calls = []
    count_cache_calls(calls)
    with CaptureQueriesContext(connection) as queries:
        response = get()
    assert "خبر النفط" in response.content.decode()
    assert "X-Page-Cache" not in response
    assert len(queries) == 0, [query["sql"] for query in queries]
    assert calls == ["get_many"]


@pytest.mark.usefixtures("locmem_cache")
def test_each_reader_s_session_comes_with_the_page_and_no_other_reader_s(client, newsroom):
    """The page remembers what its render read, except the reader's session: the next reader
    must not fetch the previous one's."""
    url = newsroom["pages"]["story"]
    backend = caches["default"]
    asked = []
    get_many = backend.get_many

    def recording_get_many(keys, *args, **kwargs):
        asked.append(list(keys))
        return get_many(keys, *args, **kwargs)

    backend.get_many = recording_get_many
    for reader in ("first-reader-session", "second-reader-session", "third-reader-session"):
        client.cookies["sessionid"] = reader
        asked.clear()
        assert client.get(url).status_code == 200
        first_round_trip = asked[0]
        assert any(reader in key for key in first_round_trip)
        assert not any("reader-session" in key and reader not in key for keys in asked for key in keys)


@pytest.mark.usefixtures("locmem_cache")
def test_a_reader_with_a_session_sees_an_edit_and_an_unpublishing_at_once(client, newsroom):
    url, story = newsroom["pages"]["story"], newsroom["story"]
    client.cookies["sessionid"] = "a-reader-with-a-session"
    client.get(url), client.get(url)
    story.title = "عنوان بعد التحرير"
    story.save()
    assert "عنوان بعد التحرير" in client.get(url).content.decode()
    story.status = Article.Status.ARCHIVED
    story.save()
    assert client.get(url).status_code == 404


@pytest.mark.usefixtures("locmem_cache")
def test_an_address_nobody_published_yet_is_not_remembered_as_missing(client, newsroom):
    draft = ArticleFactory(section=newsroom["economy"], status=Article.Status.DRAFT, title="خبر قيد الإعداد")
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert client.get(url).status_code == 200


def test_a_very_long_address_is_a_404_not_a_cache_error(client):
    assert client.get("/news/" + "ب" * 3000 + "/").status_code == 404


def test_a_cached_page_is_gzipped_once_for_readers_who_accept_it(client, newsroom, settings, monkeypatch):
    settings.PAGECACHE_LOCAL_SECONDS = 60
    url = newsroom["pages"]["story"]
    compressions = []
    monkeypatch.setattr(
        pagecache,
        "compress_string",
        lambda content, **options: compressions.append(1) or gzip.compress(content),
    )
    zipped = [client.get(url, headers={"accept-encoding": "gzip, br"}) for _ in range(3)]
    plain = client.get(url)
    assert compressions == [1]  # one compression for four readers
    assert {response["Content-Encoding"] for response in zipped} == {"gzip"}
    assert "Content-Encoding" not in plain
    assert gzip.decompress(zipped[1].content) == plain.content
    assert "خبر النفط" in plain.content.decode()
    assert zipped[0]["ETag"] != plain["ETag"]  # another representation, another validator


@pytest.mark.usefixtures("locmem_cache")
def test_a_page_checked_moments_ago_is_answered_by_the_process_itself(
    client, newsroom, settings, monkeypatch
):
    settings.PAGECACHE_LOCAL_SECONDS = 1
    url = newsroom["pages"]["story"]
    first = client.get(url)
    calls = []
    count_cache_calls(calls)
    again = client.get(url)
    assert (again["X-Page-Cache"], calls) == ("hit", [])
    assert again.content == first.content
    assert client.get(url, headers={"if-none-match": again["ETag"]}).status_code == 304

    # Another process edits the story: this one learns it when its second is over.
    story = newsroom["story"]
    story.title = "عنوان جديد من عملية أخرى"
    with monkeypatch.context() as other_process:
        other_process.setattr(cachetags.tags_expired, "send", lambda **kwargs: [])
        story.save()
    assert "عنوان جديد" not in client.get(url).content.decode()
    later = time.monotonic() + 1.01
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: later)
    assert "عنوان جديد" in client.get(url).content.decode()


def test_an_expiry_in_this_process_is_seen_by_its_next_reader_at_once(client, newsroom, settings):
    settings.PAGECACHE_LOCAL_SECONDS = 60
    url = newsroom["pages"]["story"]
    client.get(url)
    story = newsroom["story"]
    story.title = "عنوان جديد في العملية نفسها"
    story.save()
    assert "عنوان جديد" in client.get(url).content.decode()


def test_english_pages_have_their_own_cache_entries(client, newsroom):
    story = newsroom["story"]
    with override("en"):
        english = client.get("/en/").content.decode()
    assert 'lang="en"' in english
    assert 'lang="ar"' in client.get("/").content.decode()
    assert story.get_absolute_url() in client.get("/").content.decode()


def test_every_answer_refuses_the_browser_features_no_page_uses(client, newsroom):
    url = newsroom["pages"]["story"]
    answers = {
        "miss": client.get(url),
        "hit": client.get(url),
        "not found": client.get("/no-such-page/"),
        "static file": client.get("/static/js/site.js"),
    }
    assert [answers["miss"]["X-Page-Cache"], answers["hit"]["X-Page-Cache"]] == ["miss", "hit"]
    for answer in answers.values():
        policy = answer["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "browsing-topics"):
            assert f"{feature}=()" in policy.split(", ")
