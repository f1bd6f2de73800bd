"""A reader comments, a moderator approves, another reader sees it — in a real Chromium."""

import pytest

from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COMMENT = "تغطية ممتازة، أتمنى متابعة تفاصيل المرحلة الثانية من المشروع."


def test_a_comment_goes_from_an_empty_form_to_published(browser, page, live_server, screenshot):
    article = ArticleFactory(title="افتتاح المرحلة الأولى من توسعة الميناء")
    moderator = UserFactory(username="moderator-e2e", role="Moderator")
    url = live_server.url + article.get_absolute_url()

    # 1. The browser itself refuses an empty form: every required field says so, nothing is sent.
    page.goto(url)
    form = page.locator("#respond form")
    for field in ("#id_name", "#id_email", "#id_text"):
        assert form.locator(field).get_attribute("required") is not None
    page.wait_for_timeout(3100)  # people take longer than the form's minimum fill time
    form.get_by_role("button", name="أرسل التعليق").click()
    assert page.evaluate("document.querySelector('#id_name').validity.valueMissing")
    assert page.url == url

    # 2. What the browser lets through, the server still checks, in Arabic, keeping the text.
    form.locator("#id_name").fill("   ")
    form.locator("#id_email").fill("reader@nowhere")
    form.locator("#id_text").fill(COMMENT)
    form.get_by_role("button", name="أرسل التعليق").click()
    page.get_by_text("اكتب اسمك.").wait_for()
    assert page.get_by_text("اكتب بريداً إلكترونياً صحيحاً").is_visible()
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
