"""The self-hosted fonts on a phone's first visit: few and small, and the page does not move
when they arrive (the local fallbacks are scaled to their widths)."""

import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def article(transactional_db):
    return ArticleFactory(
        title="توسعة ميناء مرسى الغيث تضاعف طاقته الاستيعابية وتفتح الباب لاستثمارات جديدة",
        dek="افتتحت الحكومة المرحلة الأولى من مشروع توسعة الميناء، في خطوة يقول مسؤولون إنها سترفع قدرته إلى مليوني حاوية سنوياً وتوفر آلاف الوظائف.",
        body="<p>" + "نص الخبر يتابع التفاصيل ويشرح الخلفيات للقارئ بدقة. " * 30 + "</p>",
    )


def test_the_article_does_not_move_when_its_fonts_arrive(browser, live_server, article):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ar")
    held = []
    context.route("**/*.woff2", lambda route: held.append(route))  # fonts wait: laid out without them
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url(), wait_until="domcontentloaded")
    for _ in range(50):
        if len(held) == 4:
            break
        page.wait_for_timeout(100)
    fonts = sorted(route.request.url.rsplit("/", 1)[1].split(".")[0] for route in held)
    assert fonts == [  # two families, one weight each, Arabic and Latin (digits, punctuation)
        "ibm-plex-sans-arabic-arabic-600-normal",
        "ibm-plex-sans-arabic-latin-600-normal",
        "noto-naskh-arabic-arabic-400-normal",
        "noto-naskh-arabic-latin-400-normal",
    ]
    body = page.locator(".article__body")
    before = body.bounding_box()["y"]

    for route in held:
        route.continue_()
    for _ in range(50):
        if page.evaluate("document.fonts.status") == "loaded":
            break
        page.wait_for_timeout(100)
    assert page.evaluate("document.fonts.check('600 16px \"IBM Plex Sans Arabic\"', 'مداد')")
    # Title, summary and byline wrap alike in the fallbacks (unscaled, the body moves 11 px).
    assert abs(body.bounding_box()["y"] - before) < 4
    context.close()
