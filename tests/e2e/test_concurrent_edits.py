"""Two editors open the same article in real Chromium pages: each sees the other is there, and the
second save, based on what the first one replaced, is refused with both versions, losing nothing."""

import pytest
from django.conf import settings
from django.test import Client

from articles.models import Article
from tests.e2e.conftest import reader_context
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def editor_page(browser, live_server, user):
    """A browser context logged in as `user`, recording CSP refusals in `context.csp_errors`."""
    client = Client()
    client.force_login(user)
    context = reader_context(browser, live_server)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page = context.new_page()
    context.csp_errors = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and context.csp_errors.append(message.text),
    )
    return page


def test_the_second_of_two_editors_is_refused_sees_both_versions_and_loses_nothing(
    browser, live_server, screenshot
):
    sara = UserFactory(username="sara", first_name="سارة", last_name="حداد", role="Editor")
    omar = UserFactory(username="omar", first_name="عمر", last_name="خليل", role="Editor")
    article = ArticleFactory(title="الحكومة تعلن خطة النقل", status=Article.Status.DRAFT)
    url = f"{live_server.url}/admin/articles/article/{article.pk}/change/?language=ar"
    first, second = editor_page(browser, live_server, sara), editor_page(browser, live_server, omar)

    # Both open the article; the one who comes second sees who is already there.
    with first.expect_response(lambda response: response.url.endswith("/presence/")):
        first.goto(url)
    second.goto(url)
    second.get_by_text("سارة حداد يحرر هذا المقال الآن").wait_for()

    # Sara saves first.
    first.fill("#id_title", "الحكومة تعلن خطة النقل الجديدة")
    first.locator("input[name=_save]").click()
    first.locator(".messagelist").get_by_text("تم تعديل").wait_for()

    # Omar, still on the page as he opened it, writes and saves: refused, with both versions.
    second.fill("#id_title", "خطة النقل: الحكومة تعلن التفاصيل")
    second.fill("#id_dek", "ثلاثة خطوط حافلات جديدة.")
    second.locator("input[name=_save]").click()
    second.get_by_text("حفظ سارة حداد هذا المقال في").wait_for()
    comparison = second.locator(".midad-conflict")
    assert comparison.get_by_role("cell", name="الحكومة تعلن خطة النقل الجديدة").is_visible()
    assert comparison.get_by_role("cell", name="خطة النقل: الحكومة تعلن التفاصيل").is_visible()
    assert second.input_value("#id_title") == "خطة النقل: الحكومة تعلن التفاصيل"
    assert second.input_value("#id_dek") == "ثلاثة خطوط حافلات جديدة."
    assert Article.objects.get().title == "الحكومة تعلن خطة النقل الجديدة"
    screenshot(second, "admin-edit-conflict")

    # Having compared, he saves again: his version goes on top of hers.
    second.locator("input[name=_save]").click()
    second.locator(".messagelist").get_by_text("تم تعديل").wait_for()
    article = Article.objects.get()
    assert (article.title, article.dek) == ("خطة النقل: الحكومة تعلن التفاصيل", "ثلاثة خطوط حافلات جديدة.")

    for page in (first, second):
        assert page.context.csp_errors == []
        assert page.context.external == []
        page.context.close()
