"""A reader comments, a moderator approves, another reader sees it — in a real Chromium."""

import urllib.request

import pytest

from comments import moderation
from comments.models import Comment
from tests.e2e.conftest import reader_context
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COMMENT = "تغطية ممتازة، أتمنى متابعة تفاصيل المرحلة الثانية من المشروع."
WRITING_MS = 600  # how long these readers write: longer than the minimum fill time below


@pytest.fixture(autouse=True)
def quick_writers(monkeypatch):
    """Half a second is the minimum fill time here, not three (tests/comments check its length):
    the browser and the live server share this process, so no test waits three seconds."""
    monkeypatch.setattr(moderation, "MIN_FILL_SECONDS", 0.5)


def test_a_comment_goes_from_an_empty_form_to_published(browser, page, live_server, screenshot):
    article = ArticleFactory(title="افتتاح المرحلة الأولى من توسعة الميناء")
    moderator = UserFactory(username="moderator-e2e", role="Moderator")
    url = live_server.url + article.get_absolute_url()

    # 1. The browser itself refuses an empty form: every required field says so, nothing is sent.
    page.goto(url)
    form = page.locator("#respond form")
    for field in ("#id_name", "#id_email", "#id_text"):
        assert form.locator(field).get_attribute("required") is not None
    page.wait_for_timeout(WRITING_MS)  # people take longer than the form's minimum fill time
    form.get_by_role("button", name="أرسل التعليق").click()
    assert page.evaluate("document.querySelector('#id_name').validity.valueMissing")
    assert page.url == url

    # 2. What the browser lets through, the server still checks, in Arabic, keeping the text.
    form.locator("#id_name").fill("   ")
    form.locator("#id_email").fill("reader@nowhere")
    form.locator("#id_text").fill(COMMENT)
    form.get_by_role("button", name="أرسل التعليق").click()
    page.get_by_text("اكتب اسمك.", exact=True).wait_for()  # under the field; the summary links to it
    assert page.locator("#id_email_error").get_by_text("اكتب بريداً إلكترونياً صحيحاً").is_visible()
    assert page.locator("#id_text").input_value() == COMMENT
    screenshot(page, "comment-errors-desktop")

    # 3. Fixed and sent: back on the article, told it awaits moderation, and shown as pending.
    page.locator("#id_name").fill("ريم")
    page.locator("#id_email").fill("reem@example.com")
    page.get_by_role("button", name="أرسل التعليق").click()
    page.get_by_text("بانتظار المراجعة").first.wait_for()
    assert page.locator(".comment--pending").get_by_text(COMMENT).is_visible()
    assert "reem@example.com" not in page.locator("#comments ol").inner_html()

    # 4. A moderator approves it from the queue.
    moderation = browser.new_context(viewport={"width": 1366, "height": 900})
    console = moderation.new_page()
    console.goto(live_server.url + "/admin/login/?next=/moderation/")
    console.fill("#id_username", moderator.username)
    console.fill("#id_password", "secret-pass-123")
    console.get_by_role("button").last.click()
    row = console.locator("tr", has_text=COMMENT)
    row.get_by_role("button", name="قبول").click()
    console.get_by_text("منشورة").first.wait_for()
    moderation.close()

    # 5. Any reader now sees it.
    reader = browser.new_context()
    other = reader.new_page()
    other.goto(url)
    published = other.locator(".comment", has_text=COMMENT)
    assert published.is_visible()
    assert "comment--pending" not in (published.get_attribute("class") or "")
    other.set_viewport_size({"width": 390, "height": 844})
    screenshot(other, "article-comments-phone")
    reader.close()


# --- Pages from the shared cache carry no CSRF token: the script fetches one, or the server
# sends the form back with a fresh one. ---------------------------------------------------------
EXPIRED = "انتهت صلاحية النموذج أو تعذّر التحقق منه؛ راجع تعليقك ثم أرسله مرة أخرى."
PHONE = {"width": 390, "height": 844}


def send(page, **fields) -> int:
    """Type `fields` (and the comment, if any field is given) into the form, send it, and
    return the status of the page that comes back."""
    for name, value in fields.items():
        page.locator(f"#id_{name}").fill(value)
    if fields:
        page.locator("#id_text").fill(COMMENT)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="أرسل التعليق").click()
    return navigation.value.status


def open_from_the_cache(page, url):
    """Another reader opens `url` first (any client without cookies: no second browser needed);
    this reader then gets it from the page cache, the same bytes as everyone (a second load in
    one browser would come from the browser's own cache)."""
    page.wait_for_timeout(200)  # the page cache keeps no page rendered the instant content changed
    with urllib.request.urlopen(url) as first:
        assert first.headers["x-page-cache"] == "miss"
    response = page.goto(url)
    assert response.headers["x-page-cache"] == "hit"
    assert "public" in response.headers["cache-control"]
    assert "set-cookie" not in response.headers
    assert page.locator("#respond [data-csrf-field]").input_value() == ""
    assert page.context.cookies() == []


def test_with_javascript_the_token_is_fetched_once_when_the_reader_starts_writing(browser, live_server):
    article = ArticleFactory(title="توسعة شبكة القطارات بين المدن")
    url = live_server.url + article.get_absolute_url()
    context = reader_context(browser, live_server)
    page = context.new_page()
    open_from_the_cache(page, url)

    token_requests = []

    def slow_token(route):  # the reader is quicker than the network: submit before it answers
        token_requests.append(route.request.url)
        answer = route.fetch()  # the stamp says when they started writing…
        page.wait_for_timeout(WRITING_MS)  # …longer ago than the form's minimum fill time, once it arrives
        route.fulfill(response=answer)

    page.route("**/csrf/", slow_token)
    assert (
        send(page, name="ريم", email="reem@example.com") == 200
    )  # after the redirect: sent once, with the token
    page.get_by_text("بانتظار المراجعة").first.wait_for()
    assert page.locator(".comment--pending").get_by_text(COMMENT).is_visible()
    assert len(token_requests) == 1
    assert Comment.objects.get().text == COMMENT
    context.close()
    assert context.external == []


def test_without_javascript_the_form_comes_back_with_the_text_and_then_goes_through(
    browser, live_server, screenshot
):
    article = ArticleFactory(title="افتتاح مكتبة عامة في الحي القديم")
    url = live_server.url + article.get_absolute_url()
    context = reader_context(browser, live_server, java_script_enabled=False)
    page = context.new_page()
    open_from_the_cache(page, url)
    page.wait_for_timeout(WRITING_MS)

    assert send(page, name="سلمى", email="salma@example.com", website="https://salma.example") == 403
    alert = page.locator("#respond .form-errors")
    assert alert.locator("li").inner_text().strip() == EXPIRED
    assert alert.evaluate("element => getComputedStyle(element).direction") == "rtl"
    assert page.locator("#id_name").input_value() == "سلمى"
    assert page.locator("#id_email").input_value() == "salma@example.com"
    assert page.locator("#id_website").input_value() == "https://salma.example"
    assert page.locator("#id_text").input_value() == COMMENT
    assert page.locator("#respond [data-csrf-field]").input_value() != ""
    assert not Comment.objects.exists()
    screenshot(page, "comment-csrf-retry-desktop")
    screenshot(page.locator("#respond"), "comment-csrf-retry-form-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "comment-csrf-retry-phone")
    screenshot(page.locator("#respond"), "comment-csrf-retry-form-phone")

    assert send(page) == 200
    page.get_by_text("بانتظار المراجعة").first.wait_for()
    assert page.locator(".comment--pending").get_by_text(COMMENT).is_visible()
    assert Comment.objects.get().email == "salma@example.com"
    context.close()
    assert context.external == []


def test_when_the_token_cannot_be_fetched_the_comment_still_comes_back_intact(browser, live_server):
    article = ArticleFactory(title="موسم الأمطار يبدأ مبكراً هذا العام")
    context = reader_context(browser, live_server)
    page = context.new_page()
    open_from_the_cache(page, live_server.url + article.get_absolute_url())
    page.wait_for_timeout(WRITING_MS)
    page.route("**/csrf/", lambda route: route.abort())  # offline for a moment, or a server error
    assert send(page, name="ريم", email="reem@example.com") == 403
    assert page.locator("#respond .form-errors li").inner_text().strip() == EXPIRED
    assert page.locator("#id_text").input_value() == COMMENT
    assert not Comment.objects.exists()
    assert send(page) == 200  # the token came with the form
    page.get_by_text("بانتظار المراجعة").first.wait_for()
    assert Comment.objects.get().text == COMMENT
    context.close()
    assert context.external == []


# --- After a refused post focus lands on the errors; a pending reply sits under its parent. -----
@pytest.mark.parametrize("javascript", [True, False])
def test_focus_lands_on_the_errors_after_a_refused_post(browser, live_server, screenshot, javascript):
    article = ArticleFactory(title="بلدية المدينة تطلق خطة للنقل العام")
    context = reader_context(browser, live_server, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_timeout(WRITING_MS)
    # Without the script the shared page's form has no token yet: refused for that too (403).
    assert send(page, name="   ", email="reader@nowhere") == (400 if javascript else 403)
    summary = page.locator("#comment-errors")
    assert page.evaluate("document.activeElement.id") == "comment-errors"
    assert summary.is_visible()
    assert summary.get_attribute("role") == "alert"
    assert summary.locator("li").all_inner_texts()[-2:] == [
        "الاسم: اكتب اسمك.",
        "البريد الإلكتروني: اكتب بريداً إلكترونياً صحيحاً، مثل name@example.com.",
    ]
    # In view once the page has settled (the browser scrolls to the focused summary as it lays
    # the page out): asked for up to 5 s.
    scrolled_into_view = "element => element.getBoundingClientRect().top >= 0 && element.getBoundingClientRect().top < innerHeight"
    for _ in range(50):
        if summary.evaluate(scrolled_into_view):
            break
        page.wait_for_timeout(100)
    assert summary.evaluate(scrolled_into_view)
    page.keyboard.press("Tab")  # the first link of the summary, then to its field
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#id_name"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_name"
    assert page.locator("#id_text").input_value() == COMMENT
    if javascript:
        screenshot(summary, "comment-error-summary-desktop")
        page.set_viewport_size(PHONE)
        screenshot(page, "comment-errors-phone")
    context.close()
    assert context.external == []


def test_a_pending_reply_shows_under_its_parent(browser, live_server, screenshot):
    article = ArticleFactory(title="مهرجان الكتاب يعود في دورته العاشرة")
    parent = CommentFactory(article=article, name="سامي", text="هل سيُقام في الموعد نفسه؟")
    later = CommentFactory(article=article, name="هدى", text="أتمنى أن تشارك دور نشر أكثر.")
    context = reader_context(browser, live_server)
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    page.locator(f"#comment-{parent.pk}").get_by_role("link", name="ردّ على سامي").click()
    page.wait_for_url(f"**?replyto={parent.pk}#respond")
    page.locator("#id_name").focus()  # starts writing: the script fetches the form's stamp
    page.wait_for_timeout(WRITING_MS)
    assert send(page, name="ريم", email="reem@example.com") == 200
    reply = Comment.objects.get(email="reem@example.com")
    assert reply.parent == parent
    shown = page.locator(f"#comment-{reply.pk}")
    assert "comment--pending" in shown.get_attribute("class")
    replies_of_parent = page.locator(f"li:has(> #comment-{parent.pk}) > ol.comment-list--replies")
    assert replies_of_parent.locator(f"#comment-{reply.pk}").count() == 1
    order = page.evaluate(
        "ids => ids.map(id => document.getElementById(id).getBoundingClientRect().top)",
        [f"comment-{parent.pk}", f"comment-{reply.pk}", f"comment-{later.pk}"],
    )
    assert order == sorted(order)  # between its parent and the next comment, not at the bottom
    page.set_viewport_size(PHONE)
    screenshot(page, "comment-pending-reply-phone")
    context.close()
