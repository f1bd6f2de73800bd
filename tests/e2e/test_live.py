"""A live coverage (live/, tests/live/) in real Chromium: the reader's page learns of new entries
without a reload and without moving, the page works without JavaScript, polling stops when
the coverage ends, and the live desk works on a 390 px phone from the keyboard."""

import pytest

from live.models import LiveEntry
from newsroom import cachetags
from tests.e2e.conftest import reader_context
from tests.e2e.test_concurrent_edits import editor_page
from tests.live.conftest import newsroom_staff, open_coverage, post_entry

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
POLL_MS = 23_000  # the page asks every 20 s, plus up to 2 s of spread


@pytest.fixture
def staff(transactional_db):
    return newsroom_staff()


@pytest.fixture
def coverage(staff):
    return open_coverage(staff)


@pytest.fixture
def long_coverage(coverage, staff):
    """Enough entries that a reader scrolls down to read."""
    for number in range(4, 16):
        post_entry(coverage, staff["journalist"], f"تفاصيل إضافية رقم {number}. " * 12)
    cachetags.clear()
    return coverage


def reader_page(browser, live_server, **options):
    context = reader_context(browser, live_server, **options)
    page = context.new_page()
    page.polls = []
    page.on("request", lambda request: "/updates/" in request.url and page.polls.append(request.url))
    return page


def post_on_desk(page, live_server, coverage, text):
    page.goto(live_server.url + coverage.get_desk_url())
    editor = page.locator(".ProseMirror")
    editor.click()
    page.keyboard.type(text)
    page.get_by_role("button", name="انشر التحديث").click()
    page.get_by_text("نُشر التحديث.").wait_for()


def test_an_entry_posted_on_the_desk_reaches_an_open_page_without_moving_it(
    browser,
    live_server,
    long_coverage,
    staff,
    screenshot,
):
    reader = reader_page(browser, live_server)
    reader.clock.install()
    reader.goto(live_server.url + long_coverage.get_absolute_url())
    reading = reader.locator(".live__stream article").nth(6)
    reading.scroll_into_view_if_needed()
    before = reading.bounding_box()["y"]
    button = reader.locator("[data-live-new]")
    assert button.is_hidden()

    desk = editor_page(browser, live_server, staff["journalist"])
    post_on_desk(desk, live_server, long_coverage, "انحسار المياه عن الطريق الرئيسي")

    reader.clock.run_for(POLL_MS)
    button.wait_for(state="visible")
    assert button.inner_text() == "تحديث جديد واحد"
    assert button.get_attribute("aria-live") == "polite"
    assert reader.locator(".live__stream").get_attribute("aria-live") is None  # not every entry
    assert reading.bounding_box()["y"] == before  # what the reader is reading did not move
    assert reader.get_by_text("انحسار المياه عن الطريق الرئيسي").count() == 0
    screenshot(reader, "live-new-updates")

    button.click()
    newest = reader.locator(".live__stream article").first
    assert "انحسار المياه عن الطريق الرئيسي" in newest.inner_text()
    assert button.is_hidden()
    assert reader.evaluate("document.activeElement.id") == f"update-{LiveEntry.objects.latest('pk').pk}"
    desk.context.close()
    reader.context.close()


def test_without_javascript_a_reload_shows_new_entries(browser, live_server, coverage, staff):
    reader = reader_page(browser, live_server, java_script_enabled=False)
    url = live_server.url + coverage.get_absolute_url()
    reader.goto(url)
    assert reader.locator(".live__stream article").count() == 3
    post_entry(coverage, staff["editor"], "وصول فرق الإنقاذ إلى القرية")
    reader.goto(url)
    assert "وصول فرق الإنقاذ إلى القرية" in reader.locator(".live__stream article").first.inner_text()
    assert reader.polls == []
    reader.context.close()


def test_polling_stops_when_the_coverage_ends_and_in_a_hidden_tab(
    browser,
    live_server,
    coverage,
    staff,
):
    reader = reader_page(browser, live_server)
    reader.clock.install()
    reader.goto(live_server.url + coverage.get_absolute_url())
    reader.clock.run_for(POLL_MS)
    reader.wait_for_timeout(300)
    assert len(reader.polls) == 1

    # A hidden tab does not ask; shown again, it asks at once.
    reader.evaluate(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    reader.clock.run_for(3 * POLL_MS)
    reader.wait_for_timeout(300)
    assert len(reader.polls) == 1
    reader.evaluate(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    reader.wait_for_timeout(300)
    assert len(reader.polls) == 2

    coverage.end(staff["editor"])
    reader.clock.run_for(POLL_MS)
    reader.locator(".live[data-live='ended']").wait_for()
    assert "انتهت التغطية" in reader.locator("[data-live-status]").inner_text()
    assert reader.locator("[data-live-badge]").count() == 0
    asked = len(reader.polls)
    reader.clock.run_for(10 * POLL_MS)
    reader.wait_for_timeout(300)
    assert len(reader.polls) == asked
    reader.context.close()


def test_the_live_desk_works_on_a_phone_from_the_keyboard(
    browser,
    live_server,
    coverage,
    staff,
    screenshot,
):
    desk = editor_page(browser, live_server, staff["journalist"])
    desk.set_viewport_size({"width": 390, "height": 844})
    desk.goto(live_server.url + coverage.get_desk_url())
    assert desk.locator("html").get_attribute("dir") == "rtl"
    assert desk.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    assert desk.context.csp_errors == []

    desk.locator(".ProseMirror").focus()
    desk.keyboard.type("إغلاق جسر الوادي أمام السيارات")
    desk.keyboard.press("Tab")  # on to the short headline
    desk.keyboard.type("إغلاق الجسر")
    key_event = desk.get_by_label("حدث بارز")
    key_event.focus()
    desk.keyboard.press("Space")
    desk.get_by_role("button", name="انشر التحديث").focus()
    desk.keyboard.press("Enter")
    desk.get_by_text("نُشر التحديث.").wait_for()
    screenshot(desk, "live-desk-phone")

    entry = LiveEntry.objects.latest("pk")
    assert (entry.author, entry.headline, entry.is_key_event) == (staff["journalist"], "إغلاق الجسر", True)
    assert "إغلاق جسر الوادي أمام السيارات" in entry.body
    assert desk.get_by_role("button", name="تثبيت").count() == 0  # pinning is for editors
    assert desk.evaluate("document.documentElement.scrollWidth") <= 390
    desk.context.close()
