"""Every kind of page a reader, a moderator or an editor opens is valid HTML (the Nu Html
Checker, npm's vnu-jar) and has no serious or critical accessibility violation (axe-core), in
the light and the dark scheme."""

import json
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.e2e.conftest import AXE
from tests.factories import ArticleFactory, CommentFactory, MediaImageFactory, SectionFactory, UserFactory
from tests.live.conftest import newsroom_staff, open_coverage, post_entry

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VNU = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
BODY = "".join(
    f"<h2>عنوان فرعي {n}</h2><p>نص الخبر يتابع التفاصيل ويشرح الخلفيات. <strong>عبارة مهمة</strong> "
    f'و<a href="https://example.com/report">رابط إلى التقرير</a>.</p>'
    for n in range(3)
)
KINDS = ["home", "article", "live", "section", "tag", "author", "archive", "archive_month", "search", "not_found",
         "console", "article_form", "live_desk"]  # fmt: skip
# Who opens each page that needs an account.
STAFF = {"console": "Moderator", "article_form": "Editor", "live_desk": "Journalist"}


@pytest.fixture
def pages(transactional_db):
    """A small newsroom (a breaking story, a picture, tags, comments awaiting moderation);
    the address of each kind of page and the status it answers with."""
    section = SectionFactory(name="اقتصاد")
    lead = ArticleFactory(
        title="ارتفاع أسعار الذهب في الأسواق المحلية",
        dek="المعدن الأصفر يسجل أعلى مستوى له منذ عامين.",
        body=BODY,
        section=section,
        featured_image=MediaImageFactory(alt_text="سبائك ذهب على طاولة"),
        is_featured=True,
        tags=["الذهب", "الأسواق"],
    )
    ArticleFactory(title="عاجل: البرلمان يقر الموازنة العامة", section=section, is_breaking=True)
    ArticleFactory.create_batch(3, section=section, tags=["الأسواق"])
    CommentFactory(article=lead, text="تغطية ممتازة ومفصلة.")
    CommentFactory(article=lead, text="متى تصدر الأرقام الرسمية؟", status="pending")
    coverage = open_coverage(newsroom_staff())
    post_entry(coverage, coverage.opened_by, "لحظة إعلان النتائج.", is_key_event=True, is_pinned=True)
    month = timezone.localtime(lead.publish_at)
    return {
        "home": ("/", 200),
        "article": (lead.get_absolute_url(), 200),
        "live": (coverage.get_absolute_url(), 200),
        "section": (section.get_absolute_url(), 200),
        "tag": (lead.tags.first().get_absolute_url(), 200),
        "author": (lead.author.get_absolute_url(), 200),
        "archive": ("/archive/", 200),
        "archive_month": (reverse("articles:archive_month", args=[month.year, month.month]), 200),
        "search": (f"/search/?q={quote('الذهب')}", 200),
        "not_found": ("/no-such-page/", 404),
        "console": ("/moderation/", 200),
        "article_form": ("/admin/articles/article/add/", 200),
        "live_desk": (reverse("live:desk", args=[coverage.pk]), 200),
    }


# The admin's links fade to a new colour: axe must see where they end, not a colour on the way.
SETTLED_COLOURS = """async () => {
    const transitions = document.getAnimations().filter((animation) => animation instanceof CSSTransition);
    await Promise.all(transitions.map((transition) => transition.finished.catch(() => null)));
}"""


def open_page(browser, live_server, pages, name):
    """A new browser context (signed in when the page needs it) on page `name`; the page and
    the HTML the server sent."""
    context = browser.new_context(bypass_csp=True, locale="ar", viewport={"width": 1366, "height": 900})
    if name in STAFF:
        client = Client()
        client.force_login(UserFactory(username=f"{name}-user", role=STAFF[name]))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    path, status = pages[name]
    response = page.goto(live_server.url + path)
    assert (response.status, page.url) == (status, live_server.url + path), f"{name} did not open"
    return page, response.text()


def test_every_kind_of_page_is_valid_html(browser, live_server, pages, tmp_path):
    if not VNU.exists():
        pytest.fail(f"The Nu Html Checker is missing at {VNU}: run `npm ci`.")
    for name in KINDS:
        page, html = open_page(browser, live_server, pages, name)
        page.context.close()
        (tmp_path / f"{name}.html").write_text(html)
    # One run for all pages: the checker takes seconds to start.
    checked = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", *sorted(map(str, tmp_path.glob("*.html")))],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    errors = {}
    for message in json.loads(checked.stderr)["messages"]:
        if message["type"] != "info":
            name = Path(message.get("url", "?")).stem
            errors.setdefault(name, []).append(f"line {message.get('lastLine')}: {message['message']}")
    assert errors == {}


@pytest.mark.parametrize("name", KINDS)
def test_no_page_has_a_serious_accessibility_violation(browser, live_server, pages, name):
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `npm ci`.")
    page, _html = open_page(browser, live_server, pages, name)
    page.add_script_tag(path=str(AXE))
    serious, backgrounds = [], set()
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.evaluate(SETTLED_COLOURS)
        backgrounds.add(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        violations = page.evaluate("async () => (await axe.run()).violations")
        serious += [
            f"{scheme}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in violations
            if v["impact"] in {"serious", "critical"}
        ]
    page.context.close()
    assert len(backgrounds) == 2, "the page looked the same in the dark scheme"
    assert serious == []
