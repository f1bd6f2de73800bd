"""The moving ticker and the English edition, as a reader in Chromium meets them."""

import pytest

from newsroom import cachetags
from tests.e2e.conftest import reader_context
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HEADLINES = [
    "البرلمان يقر الموازنة العامة بعد جلسة طويلة امتدت حتى الفجر",
    "ارتفاع أسعار الذهب في الأسواق المحلية لأعلى مستوى منذ عامين",
    "افتتاح المرحلة الأولى من توسعة ميناء مرسى الغيث على الساحل الغربي",
    "وزارة الصحة تحذر من موجة حر وتفتح مراكز تبريد في المدن الكبرى",
    "المنتخب الوطني يتأهل إلى نهائي البطولة الإقليمية بعد فوز صعب",
]
TRACK_X = "new DOMMatrixReadOnly(getComputedStyle(document.querySelector('.ticker__track')).transform).m41"


@pytest.fixture
def headlines(transactional_db):
    cachetags.clear()
    section = SectionFactory(name="أخبار محلية")
    articles = [ArticleFactory(title=title, section=section) for title in HEADLINES]
    english = articles[0]
    english.set_current_language("en")
    english.title = "Parliament passes the budget after a session that ran until dawn"
    english.save()
    return articles


def track_x(page, after_ms=0) -> float:
    if after_ms:
        page.wait_for_timeout(after_ms)
    return page.evaluate(TRACK_X)


def test_the_ticker_glides_rightwards_in_arabic_and_stops_under_the_pointer(page, live_server, headlines):
    page.goto(live_server.url + "/")
    start = track_x(page)
    assert track_x(page, after_ms=700) > start  # moving, towards the right: the Arabic reading start

    page.hover(".ticker__viewport")
    paused = track_x(page, after_ms=100)
    assert track_x(page, after_ms=700) == paused

    page.mouse.move(5, 600)
    assert track_x(page, after_ms=700) > paused


def test_every_headline_is_one_keyboard_stop_and_the_loops_copy_is_hidden(page, live_server, headlines):
    page.goto(live_server.url + "/")
    ticker = page.locator(".ticker")
    assert ticker.locator("a").count() == 2 * len(HEADLINES)  # the list and its copy
    for title in HEADLINES:
        assert ticker.get_by_role("link", name=title).count() == 1  # the copy is not in the tree
    assert ticker.locator(".ticker__items--copy").get_attribute("aria-hidden") == "true"

    page.locator(".section-nav a").last.focus()
    reached = []
    viewport = ticker.locator(".ticker__viewport").bounding_box()
    for _ in HEADLINES:
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent"))
        box = page.evaluate("document.activeElement.getBoundingClientRect().toJSON()")
        assert viewport["x"] - 1 <= box["x"], "the focused headline is cut off"
        assert box["x"] + box["width"] <= viewport["x"] + viewport["width"] + 1, (
            "the focused headline is cut off"
        )
        moving = track_x(page)
        assert track_x(page, after_ms=400) == moving  # stopped while the keyboard is in it
    assert reached == HEADLINES[::-1]  # newest first
    page.keyboard.press("Tab")
    assert not page.evaluate("document.activeElement.closest('.ticker')")  # never into the copy


def test_the_ticker_stands_still_for_readers_who_ask_for_less_motion(browser, live_server, headlines):
    context = reader_context(browser, live_server, reduced_motion="reduce")
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.evaluate("getComputedStyle(document.querySelector('.ticker__track')).transform") == "none"
    assert track_x(page, after_ms=700) == 0
    assert not page.locator(".ticker__items--copy").is_visible()
    viewport = page.locator(".ticker__viewport")
    assert viewport.evaluate("element => element.scrollWidth > element.clientWidth")  # scrolls instead
    context.close()


def test_the_english_edition_shows_only_english_articles(page, live_server, headlines, screenshot):
    page.goto(live_server.url + "/en/")
    content = page.locator("main").inner_text() + page.locator(".ticker").inner_text()
    assert "Parliament passes the budget" in content
    assert not [title for title in HEADLINES if title in content]
    start = track_x(page)
    assert track_x(page, after_ms=700) < start  # left to right text: the ticker glides leftwards

    page.goto(live_server.url + "/en" + headlines[1].get_absolute_url())
    assert page.url == live_server.url + headlines[1].get_absolute_url()  # its Arabic address
    assert page.locator("html").get_attribute("lang") == "ar"


def test_the_article_sidebar_sits_beside_the_article_when_wide_and_after_it_when_narrow(
    page, live_server, headlines, screenshot
):
    page.goto(live_server.url + headlines[2].get_absolute_url())
    article, aside = page.locator("article.article"), page.locator(".article-aside")
    wide_article, wide_aside = article.bounding_box(), aside.bounding_box()
    assert wide_aside["x"] + wide_aside["width"] <= wide_article["x"]  # to its left, in Arabic
    assert wide_aside["y"] < wide_article["y"] + wide_article["height"]
    screenshot(page, "reader-article-sidebar-1366")

    page.set_viewport_size({"width": 1000, "height": 900})
    assert aside.bounding_box()["y"] >= article.bounding_box()["y"] + article.bounding_box()["height"]
    assert page.locator(".breadcrumbs").get_by_role("link", name="الرئيسية").is_visible()
