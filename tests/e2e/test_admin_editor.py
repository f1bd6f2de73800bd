"""The newsroom's admin as journalists and editors use it in Chromium: the rich-text editor in the
admin's language, the article list on a laptop screen, the review queue on the first page."""

import pytest
from django.utils import timezone

from articles.models import Article, AuthorProfile
from tests.e2e.test_concurrent_edits import editor_page
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OPTION_LABELS = "[...document.querySelectorAll('.prose-menubar__option > *')].map(label => label.textContent)"
OPTION_SIZES = (
    "[...document.querySelectorAll('.prose-menubar__option > *')]"
    ".map(label => parseFloat(getComputedStyle(label).fontSize))"
)


def open_block_menu(page):
    page.locator(".prose-menubar__selected").click()
    page.locator(".prose-menubar__picker").wait_for()


def test_the_editor_speaks_arabic_in_the_arabic_admin(browser, live_server, screenshot):
    journalist = UserFactory(username="yusuf", first_name="يوسف", last_name="النجار", role="Journalist")
    page = editor_page(browser, live_server, journalist)
    page.goto(f"{live_server.url}/admin/articles/article/add/?language=ar")

    toolbar = page.locator(".prose-menubar")
    assert toolbar.get_by_role("button", name="عريض").is_visible()
    assert toolbar.get_by_role("button", name="إدراج رابط").is_visible()
    assert toolbar.get_by_role("button", name="قائمة مرقّمة").is_visible()
    open_block_menu(page)
    assert page.evaluate(OPTION_LABELS) == ["عنوان ٢", "عنوان ٣", "عنوان ٤", "فقرة"]
    heading_2, heading_3, heading_4, paragraph = page.evaluate(OPTION_SIZES)
    assert heading_2 > heading_3 > heading_4 > paragraph  # each level looks smaller than the one above

    # A heading, then a link on a word of it: the link dialog is Arabic too.
    page.locator(".prose-menubar__option[data-name=heading3]").click()
    page.keyboard.type("حملة التطعيم")
    assert toolbar.get_by_role(
        "button", name="عنوان ٣"
    ).is_visible()  # the block menu shows the current block
    page.keyboard.press("Shift+Home")
    toolbar.get_by_role("button", name="إدراج رابط").click()
    dialog = page.locator("dialog[open]")
    assert dialog.get_by_role("heading", name="تعديل الرابط").is_visible()
    assert dialog.get_by_text("الرابط", exact=True).is_visible()
    assert dialog.get_by_role("button", name="تحديث").is_visible()
    screenshot(page, "admin-editor-link-dialog-ar")
    dialog.get_by_role("button", name="إلغاء").click()
    assert page.locator("dialog[open]").count() == 0

    # The byline is the journalist's own, and theirs only.
    assert page.locator("#id_author").is_disabled()
    assert page.locator("#id_author option:checked").inner_text() == "يوسف النجار"
    assert page.context.csp_errors == []
    page.context.close()


def test_the_editor_stays_english_in_the_english_admin(browser, live_server):
    page = editor_page(browser, live_server, UserFactory(username="sara", role="Editor"))
    page.goto(f"{live_server.url}/en/admin/articles/article/add/?language=ar")
    assert page.locator(".prose-menubar").get_by_role("button", name="bold").is_visible()
    open_block_menu(page)
    assert page.evaluate(OPTION_LABELS) == ["Heading 2", "Heading 3", "Heading 4", "Paragraph"]
    page.context.close()


def test_the_article_list_shows_every_column_on_a_laptop_screen(browser, live_server):
    for number in range(3):
        article = ArticleFactory(
            title=f"عنوان طويل بعض الشيء لخبر رقم {number} عن ميزانية البلديات",
            is_breaking=True,
            is_featured=True,
        )
        article.set_current_language("en")
        article.title = f"A rather long title for story number {number}"
        article.save()
    page = editor_page(browser, live_server, UserFactory(username="sara", role="Editor"))
    page.goto(f"{live_server.url}/admin/articles/article/")
    results = page.locator(".results")
    assert results.evaluate("box => box.scrollWidth <= box.clientWidth")  # no horizontal scroll
    visible = results.bounding_box()
    for cell in ("td.field-publish_column", "td.field-flags", "td.field-language_column"):
        box = page.locator(cell).first.bounding_box()
        assert visible["x"] <= box["x"], cell
        assert box["x"] + box["width"] <= visible["x"] + visible["width"], cell
    page.context.close()


def test_screenshots_of_the_writing_form_and_the_review_queue(browser, live_server, screenshot):
    editor = UserFactory(username="salma", first_name="سلمى", last_name="الحداد", role="Editor")
    writer = UserFactory(username="yusuf", first_name="يوسف", last_name="النجار", role="Journalist")
    for title in ("الحكومة تعلن خطة النقل الجديدة", "مهرجان العود يجمع عازفين من عشر دول"):
        ArticleFactory(
            title=title,
            created_by=writer,
            author=AuthorProfile.of(writer),
            status=Article.Status.REVIEW,
            submitted_at=timezone.now(),
        )
    page = editor_page(browser, live_server, editor)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/admin/")
        queue = page.locator(".midad-review-queue")
        assert queue.get_by_role("link", name="الحكومة تعلن خطة النقل الجديدة").is_visible()
        screenshot(page, f"admin-dashboard-{width}")
        page.goto(f"{live_server.url}/admin/articles/article/add/?language=ar")
        page.locator(".prose-menubar").wait_for()
        screenshot(page, f"admin-article-form-{width}")
    assert page.context.csp_errors == []
    page.context.close()
