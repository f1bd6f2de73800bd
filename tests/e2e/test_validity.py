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


def visitor_page(browser, live_server, role: str | None):
    """A page in a new browser context: an anonymous reader's, or that of staff with `role`."""
    context = browser.new_context(bypass_csp=True, locale="ar", viewport={"width": 1366, "height": 900})
    if role:
        client = Client()
        client.force_login(UserFactory(username=f"{role.lower()}-visitor", role=role))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context.new_page()


def open_page(page, live_server, pages, name) -> str:
    """Opens page `name` in `page`; the HTML the server sent."""
    path, status = pages[name]
    response = page.goto(live_server.url + path)
    assert (response.status, page.url) == (status, live_server.url + path), f"{name} did not open"
    return response.text()


def axe_violations(page) -> list[str]:
    """The serious and critical axe-core violations of `page`, in the light then the dark
    scheme; the page must really change colour between them."""
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
    if len(backgrounds) != 2:
        serious.append("the page looked the same in the dark scheme")
    return serious


def vnu_errors(html_files: list[Path]) -> dict[str, list[str]]:
    """The Nu Html Checker's errors and warnings, by file name; one run for all files, as the
    checker takes seconds to start."""
    checked = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", *map(str, html_files)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    errors = {}
    for message in json.loads(checked.stderr)["messages"]:
        if message["type"] != "info":
            name = Path(message.get("url", "?")).stem
            errors.setdefault(name, []).append(f"line {message.get('lastLine')}: {message['message']}")
    return errors


def test_every_kind_of_page_is_valid_html_with_no_serious_accessibility_violation(
    browser, live_server, pages, tmp_path
):
    """Each page opens once: axe-core checks it in the browser, vnu the HTML the server sent."""
    for tool in (VNU, AXE):
        if not tool.exists():
            pytest.fail(f"{tool.name} is missing at {tool}: run `npm ci`.")
    inaccessible = {}
    visitors = {}  # one browser per visitor: the anonymous pages share theirs
    for name in KINDS:
        role = STAFF.get(name)
        if role not in visitors:
            visitors[role] = visitor_page(browser, live_server, role)
        page = visitors[role]
        (tmp_path / f"{name}.html").write_text(open_page(page, live_server, pages, name))
        if serious := axe_violations(page):
            inaccessible[name] = serious
    for page in visitors.values():
        page.context.close()
    invalid = vnu_errors(sorted(tmp_path.glob("*.html")))
    assert {"axe-core": inaccessible, "vnu": invalid} == {"axe-core": {}, "vnu": {}}
