"""What a reader sees and does, in a real headless Chromium."""

import re

import pytest
from django.core.files.base import ContentFile

from articles.demo import illustration
from articles.models import MediaImage
from newsroom import cachetags
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LONG_BODY = "".join(
    f"<h2>عنوان فرعي {n}</h2><p>{'نص الخبر يتابع التفاصيل بدقة ويشرح الخلفيات للقارئ. ' * 12}<strong>عبارة مهمة</strong></p>"
    for n in range(8)
)


def wait_until_scrolled_to_top(page, seconds=5):
    # wait_for_function evaluates a string, which the site's CSP (no unsafe-eval) forbids.
    for _ in range(seconds * 10):
        if page.evaluate("window.scrollY") == 0:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still scrolled to {page.evaluate('window.scrollY')}px")


@pytest.fixture
def newsroom(transactional_db):
    cachetags.clear()
    section = SectionFactory(name="اقتصاد")
    image = MediaImage(alt_text="رافعات في ميناء عند الغروب", caption="ميناء المدينة", credit="مداد")
    image.file = ContentFile(illustration("e2e", 30), name="e2e.jpg")
    image.save()
    lead = ArticleFactory(
        title="ارتفاع أسعار الذهب في الأسواق المحلية",
        dek="المعدن الأصفر يسجل أعلى مستوى له منذ عامين بدعم من شركة OpenGrid.",
        body=LONG_BODY,
        section=section,
        featured_image=image,
        is_featured=True,
        tags=["الذهب", "الأسواق"],
    )
    breaking = ArticleFactory(title="عاجل: البرلمان يقر الموازنة العامة", section=section, is_breaking=True)
    ArticleFactory.create_batch(3, section=section, tags=["الأسواق"])
    return {"lead": lead, "breaking": breaking, "section": section}


def test_pages_are_right_to_left_and_the_ticker_shows_headlines(page, live_server, newsroom, screenshot):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # In RTL the first menu item sits to the right of the next one.
    first, second = page.locator(".section-nav a").nth(0), page.locator(".section-nav a").nth(1)
    assert first.bounding_box()["x"] > second.bounding_box()["x"]

    ticker = page.locator(".ticker")
    assert ticker.get_by_role("heading", name="آخر الأخبار").is_visible()
    assert ticker.locator(".ticker__item--breaking").first.inner_text().count("البرلمان") == 1
    screenshot(page, "home-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "home-phone")


def test_the_ticker_refreshes_itself_without_a_reload(page, live_server, newsroom):
    page.clock.install()
    page.goto(live_server.url + "/")
    ArticleFactory(title="عاجل جديد: افتتاح مطار المدينة", section=newsroom["section"], is_breaking=True)
    cachetags.clear()
    page.clock.run_for(61_000)
    page.locator(".ticker").get_by_role("link", name="عاجل جديد: افتتاح مطار المدينة").wait_for()
    assert "افتتاح مطار المدينة" in page.locator(".ticker__items--copy").text_content()  # still seamless
    assert page.locator(".ticker__items--copy").get_attribute("aria-hidden") == "true"


def test_back_to_top_appears_after_scrolling_and_returns_to_the_top(page, live_server, newsroom, screenshot):
    page.goto(live_server.url + newsroom["lead"].get_absolute_url())
    button = page.locator("[data-back-to-top]")
    assert button.get_attribute("href") == "#top"  # works as a plain link without JavaScript
    button.wait_for(state="hidden")

    page.mouse.wheel(0, 4000)
    button.wait_for(state="visible")
    assert page.get_by_role("link", name="الذهاب إلى الأعلى").is_visible()  # labelled for screen readers
    screenshot(page, "article-desktop-scrolled")
    button.click()
    wait_until_scrolled_to_top(page)
    button.wait_for(state="hidden")

    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "article-phone")


def test_back_to_top_works_by_keyboard(page, live_server, newsroom):
    page.emulate_media(reduced_motion="reduce")
    page.goto(live_server.url + newsroom["lead"].get_absolute_url())
    page.mouse.wheel(0, 4000)
    button = page.get_by_role("link", name="الذهاب إلى الأعلى")
    button.wait_for(state="visible")
    button.focus()
    assert page.evaluate("document.activeElement.matches('[data-back-to-top]')")
    page.keyboard.press("Enter")
    wait_until_scrolled_to_top(page)


def test_search_finds_an_article_spelled_with_another_hamza(page, live_server, newsroom, screenshot):
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox", name="ابحث في الأخبار").fill("اسعار الذهب")
    page.keyboard.press("Enter")
    result = page.locator(".search-result").first
    result.wait_for()
    assert "ارتفاع أسعار الذهب" in result.inner_text()
    assert result.locator("mark").count() >= 1
    # One search box on the results, holding the query: the masthead's is hidden there.
    assert page.get_by_role("searchbox").count() == 1
    assert page.get_by_role("searchbox", name="كلمات البحث").input_value() == "اسعار الذهب"
    screenshot(page, "search-desktop")


def test_english_pages_are_left_to_right(page, live_server, newsroom):
    page.goto(live_server.url + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    assert re.search(r"العربية", page.locator(".language-switch").inner_text())
