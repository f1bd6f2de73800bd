"""The moderation console on a phone and a desktop, and a reader's report reaching it."""

import pytest

from comments.models import Comment, CommentReport
from comments.services import comment_moderate
from tests.e2e.conftest import reader_context
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
LONG = (
    "أتابع هذا المشروع منذ بدايته، وأرى أن المرحلة الثانية تحتاج إلى شفافية أكبر في الميزانية "
    "والجدول الزمني، خصوصاً ما يتعلق بتعويض السكان المتأثرين بأعمال التوسعة في الحي القديم."
)


def moderator_console(browser, live_server, viewport, path="/moderation/"):
    """A moderator's browser, logged in through the admin's form, on `path`."""
    moderator = UserFactory(username=f"moderator-{viewport['width']}", first_name="سلمى", role="Moderator")
    context = browser.new_context(viewport=viewport, locale="ar")
    context.set_default_timeout(8000)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/?next={path}")
    page.fill("#id_username", moderator.username)
    page.fill("#id_password", "secret-pass-123")
    page.get_by_role("button").last.click()
    page.wait_for_url(f"**{path}")
    return context, page, moderator


# For a failure message: the innermost elements whose content is wider than they are.
OVERFLOWING = """[...document.querySelectorAll("body *")]
  .filter((e) => e.scrollWidth > e.clientWidth + 1 && e.clientWidth && getComputedStyle(e).overflowX === "visible")
  .map((e) => `${e.tagName}.${e.className} ${e.scrollWidth}>${e.clientWidth}`).slice(-5)"""


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth") <= page.viewport_size["width"]


def within_the_screen(locator) -> bool:
    box, width = locator.bounding_box(), locator.page.viewport_size["width"]
    return box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.fixture
def held_comments():
    article = ArticleFactory(title="افتتاح المرحلة الأولى من توسعة الميناء التجاري الجديد")
    return [
        CommentFactory(
            article=article, status=Comment.Status.PENDING, name=name, text=text, held_reason=reason,
            email=f"a-very-long-address-of-{n}@subdomain.example-newsroom.org", website=website, flagged=flagged,
        )
        for n, (name, text, reason, website, flagged) in enumerate([
            ("ريم", LONG, "كل التعليقات تُراجع", "", False),
            ("سامي", "انظر https://example.com/a/very/long/path/that/does/not/wrap/by/itself", "روابط كثيرة (2)",
             "https://sami.example/about/me/and/more", True),
            ("هدى", "سؤال قصير: متى التشغيل؟", "كل التعليقات تُراجع", "", False),
        ])
    ]  # fmt: skip


def test_the_console_on_a_phone_is_a_list_of_cards_working_by_button_and_by_key(
    browser, live_server, held_comments, screenshot
):
    first, second, third = held_comments
    context, page, moderator = moderator_console(browser, live_server, PHONE)
    assert no_horizontal_scroll(page), page.evaluate(OVERFLOWING)
    card = page.locator(f"#comment-{third.pk}")  # newest first
    approve = card.get_by_role("button", name="قبول")
    assert within_the_screen(card)
    assert within_the_screen(approve)
    assert approve.bounding_box()["height"] >= 44  # big enough for a finger
    screenshot(page, "console-phone")

    approve.click()  # by button
    page.get_by_text("عدد التعليقات التي قُبلت ونُشرت: 1").wait_for()
    assert Comment.objects.get(pk=third.pk).status == Comment.Status.APPROVED
    assert no_horizontal_scroll(page)

    focused = "document.activeElement.id"
    assert page.evaluate(focused) == f"comment-{second.pk}"  # the place is kept: on the next card
    page.keyboard.press("j")  # by key: down, up again, approve
    assert page.evaluate(focused) == f"comment-{first.pk}"
    page.keyboard.press("k")
    assert page.evaluate(focused) == f"comment-{second.pk}"
    page.keyboard.press("a")
    page.get_by_text("عدد التعليقات التي قُبلت ونُشرت: 1").wait_for()
    page.wait_for_load_state()
    assert Comment.objects.get(pk=second.pk).status == Comment.Status.APPROVED
    assert Comment.objects.get(pk=first.pk).status == Comment.Status.PENDING
    assert [d.moderator for d in Comment.objects.get(pk=second.pk).decisions.all()] == [moderator]

    page.goto(live_server.url + "/moderation/?tab=approved")
    assert no_horizontal_scroll(page)
    context.close()


def test_the_console_on_a_desktop_shows_the_full_decision_history(
    browser, live_server, held_comments, screenshot
):
    first = held_comments[0]
    context, page, moderator = moderator_console(browser, live_server, DESKTOP)
    comment_moderate(comment=first, moderator=moderator, status=Comment.Status.REJECTED)
    comment_moderate(comment=first, moderator=moderator, status=Comment.Status.APPROVED)
    comment_moderate(comment=first, moderator=moderator, featured=True)
    page.reload()
    assert no_horizontal_scroll(page)
    screenshot(page, "console-desktop")
    page.goto(live_server.url + "/moderation/?tab=approved")
    row = page.locator(f"#comment-{first.pk}")
    row.get_by_text("كل القرارات (3)").click()
    history = row.locator(".console-history li")
    assert history.count() == 3
    assert "بانتظار المراجعة ← مرفوض" in history.nth(2).inner_text()
    assert "سلمى" in history.nth(2).inner_text()
    screenshot(page, "console-desktop-history")
    page.set_viewport_size(PHONE)
    assert no_horizontal_scroll(page)
    screenshot(page, "console-phone-history")
    context.close()


def test_a_readers_report_with_its_reason_reaches_the_console(browser, live_server, screenshot):
    comment = CommentFactory(text="تعليق فيه إعلان عن بيع هواتف مستعملة")
    context = reader_context(browser, live_server)
    reader = context.new_page()
    reader.goto(live_server.url + comment.article.get_absolute_url())
    card = reader.locator(f"#comment-{comment.pk}")
    card.get_by_text("إبلاغ", exact=True).click()  # opens the reasons
    card.get_by_label("خارج الموضوع").check()
    card.get_by_label("تفاصيل (اختياري)").fill("إعلان تجاري")
    reader.set_viewport_size(PHONE)
    assert no_horizontal_scroll(reader)
    screenshot(reader, "article-report-reasons-phone")
    card.get_by_role("button", name="أرسل البلاغ").click()
    reader.get_by_text("شكراً، سيراجع المشرفون هذا التعليق.").wait_for()
    context.close()
    assert context.external == []
    report = CommentReport.objects.get(comment=comment)
    assert (report.reason, report.note) == ("off_topic", "إعلان تجاري")

    console_context, page, _moderator = moderator_console(
        browser, live_server, PHONE, "/moderation/?tab=reported"
    )
    row = page.locator(f"#comment-{comment.pk}")
    assert "خارج الموضوع: 1" in row.inner_text()
    assert "إعلان تجاري" in row.inner_text()
    assert no_horizontal_scroll(page)
    screenshot(page, "console-phone-reported")
    console_context.close()
