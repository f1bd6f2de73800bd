"""The moderation console: queues, one-click and bulk decisions, commenter tools, access."""

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments import console
from comments.console import with_moderation_info
from comments.models import (
    BlockedCommenter,
    Comment,
    CommentReport,
    ModerationDecision,
    ModerationSettings,
    ip_hash,
)
from comments.moderation import Submission, new_commenter, too_many_links
from comments.services import CommentRefused, comment_create, comment_moderate
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("comments:queue")
DECIDE = reverse("comments:moderate")
COMMENTER = reverse("comments:commenter")
PENDING, APPROVED, REJECTED, SPAM = "pending", "approved", "rejected", "spam"


def make(status=PENDING, *, minutes_ago=0, **kwargs):
    """A comment in `status`, written `minutes_ago`."""
    comment = CommentFactory(status=status, **kwargs)
    if minutes_ago:
        moment = timezone.now() - timedelta(minutes=minutes_ago)
        Comment.objects.filter(pk=comment.pk).update(created_at=moment)
        comment.created_at = moment
    return comment


def report(comment, reader="a1b2c3d4e5f60718", reason="spam", note=""):
    CommentReport.objects.create(comment=comment, ip_hash=reader, reason=reason, note=note)


def texts(response):
    return [comment.text for comment in response.context["comments"]]


def tab_counts(response):
    return {queue.slug: count for queue, count in response.context["tabs"]}


@pytest.fixture
def moderating(client, moderator):
    client.force_login(moderator)
    return client


# --- Who may use it --------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("role", ["journalist", "editor"])
def test_staff_without_the_moderation_permission_are_refused(client, request, role):
    client.force_login(request.getfixturevalue(role))
    comment = make()
    assert client.get(QUEUE).status_code == 403
    assert client.get(COMMENTER, {"email": comment.email}).status_code == 403
    assert client.post(DECIDE, {"one": f"approve:{comment.pk}"}).status_code == 403
    comment.refresh_from_db()
    assert comment.status == PENDING


@pytest.mark.parametrize("role", ["moderator", "superuser"])
def test_moderators_and_admins_can_open_the_console(client, request, role):
    client.force_login(request.getfixturevalue(role))
    make(text="تعليق ينتظر")
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert "تعليق ينتظر" in response.content.decode()
    assert response.templates[0].name == "comments/console/queue.html"
    assert "admin/base_site.html" in [template.name for template in response.templates]


def test_moderator_cannot_list_add_or_change_articles_in_the_admin(moderating):
    article = ArticleFactory()
    assert moderating.get(reverse("admin:articles_article_changelist")).status_code == 403
    assert moderating.get(reverse("admin:articles_article_add")).status_code == 403
    assert moderating.get(reverse("admin:articles_article_change", args=[article.pk])).status_code == 403


def test_moderator_sees_only_the_comments_app_in_the_admin(moderating):
    response = moderating.get(reverse("admin:index"))
    assert [app["app_label"] for app in response.context["app_list"]] == ["comments"]


def test_the_admins_comment_list_leads_to_the_console(moderating):
    response = moderating.get(reverse("admin:comments_comment_changelist"))
    assert response.status_code == 302
    assert response["Location"] == QUEUE


def test_a_comment_opened_in_the_admin_opens_its_commenter_in_the_console(moderating):
    comment = make(email="opened@example.com")
    response = moderating.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{COMMENTER}?email=opened%40example.com"
    assert moderating.get(reverse("admin:comments_comment_add")).status_code == 403
    assert moderating.get(reverse("admin:comments_comment_delete", args=[comment.pk])).status_code == 403


def test_moderation_settings_are_one_row_that_cannot_be_added_or_deleted(moderating):
    ModerationSettings.load()
    change = reverse("admin:comments_moderationsettings_change", args=[1])
    html = moderating.get(change).content.decode()
    for field in ("mode", "max_links", "hold_words", "banned_words", "close_after_days", "notify_emails"):
        assert f'name="{field}"' in html
    assert moderating.get(reverse("admin:comments_moderationsettings_add")).status_code == 403
    assert moderating.get(reverse("admin:comments_moderationsettings_delete", args=[1])).status_code == 403


def test_moderation_settings_saved_in_the_admin_apply_at_once(moderating):
    ModerationSettings.load()
    response = moderating.post(
        reverse("admin:comments_moderationsettings_change", args=[1]),
        {"mode": "hold_flagged", "max_links": "1", "hold_words": "", "banned_words": "", "close_after_days": "7",
         "notify_emails": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert ModerationSettings.load().mode == "hold_flagged"
    assert ModerationSettings.load().max_links == 1


def test_blocked_commenters_are_listed_and_searched_by_email_or_ip_hash(moderating):
    BlockedCommenter.objects.create(email="troll@example.com", kind="ban")
    BlockedCommenter.objects.create(ip_hash="feedfacecafebeef", kind="hold")
    changelist = reverse("admin:comments_blockedcommenter_changelist")
    by_email = moderating.get(changelist, {"q": "troll@"}).content.decode()
    assert "troll@example.com" in by_email
    assert "feedfacecafebeef" not in by_email
    by_ip = moderating.get(changelist, {"q": "feedface"}).content.decode()
    assert "feedfacecafebeef" in by_ip
    assert "troll@example.com" not in by_ip


# --- The queues ------------------------------------------------------------------------------
@pytest.fixture
def one_of_each():
    comments = {
        "pending": make(PENDING, text="ينتظر المراجعة"),
        "reported": make(APPROVED, text="أبلغ عنه قارئ"),
        "spam": make(SPAM, text="إعلان مزعج"),
        "approved": make(APPROVED, text="منشور بلا بلاغ"),
        "rejected": make(REJECTED, text="مرفوض سابقاً"),
    }
    report(comments["reported"])
    return comments


@pytest.mark.parametrize(
    ("tab", "expected"),
    [
        ("pending", ["ينتظر المراجعة"]),
        ("reported", ["أبلغ عنه قارئ"]),
        ("spam", ["إعلان مزعج"]),
        ("approved", ["منشور بلا بلاغ", "أبلغ عنه قارئ"]),
        ("rejected", ["مرفوض سابقاً"]),
    ],
)
def test_each_tab_shows_its_own_comments(moderating, one_of_each, tab, expected):
    response = moderating.get(QUEUE, {"tab": tab})
    assert texts(response) == expected


def test_tabs_show_how_many_comments_each_holds(moderating, one_of_each):
    response = moderating.get(QUEUE)
    assert tab_counts(response) == {"pending": 1, "reported": 1, "spam": 1, "approved": 2, "rejected": 1}
    html = response.content.decode()
    for label in ("بانتظار المراجعة", "المُبلَّغ عنها", "مزعجة", "منشورة", "مرفوضة"):
        assert label in html


def test_a_tab_counts_up_to_a_limit_then_says_more(moderating, one_of_each, monkeypatch):
    monkeypatch.setattr(console, "COUNT_UP_TO", 2)
    make(PENDING)
    make(PENDING)
    response = moderating.get(QUEUE)
    assert tab_counts(response) == {"pending": 2, "reported": 1, "spam": 1, "approved": 2, "rejected": 1}
    counts = re.findall(r'<span class="console-count">([^<]*)</span>', response.content.decode())
    assert counts == ["2+", "1", "1", "2+", "1"]


def test_pending_is_the_first_tab(moderating, one_of_each):
    assert texts(moderating.get(QUEUE)) == ["ينتظر المراجعة"]


def test_a_row_shows_the_commenter_and_why_the_comment_was_held(moderating):
    article = ArticleFactory(title="الحكومة تعلن الموازنة")
    earlier = make(APPROVED, article=article, email="known@example.com", minutes_ago=60)
    comment = make(
        article=article, name="سامي", email="known@example.com", website="https://sami.example",
        text="انظر https://a.example و www.b.example", held_reason="روابط كثيرة (3)", ip_hash="abcdef0123456789",
    )  # fmt: skip
    report(comment)
    comment_moderate(comment=earlier, moderator=None, status=APPROVED)
    html = moderating.get(QUEUE).content.decode()
    for shown in ("الحكومة تعلن الموازنة", article.get_absolute_url(), "سامي", "known@example.com",
                  "https://sami.example", "abcdef0123456789", "روابط كثيرة (3)", "سبق قبول تعليقات له", "الآن"):  # fmt: skip
        assert shown in html
    row = moderating.get(QUEUE).context["comments"][0]
    assert row.report_count == 1
    assert row.link_count == 3  # two in the text, and the website
    assert row.known_commenter


def test_emails_are_shown_in_the_console_but_never_on_the_article_page(moderating, client):
    comment = make(APPROVED, email="private@example.com")
    assert "private@example.com" in moderating.get(QUEUE, {"tab": "approved"}).content.decode()
    assert "private@example.com" not in Client().get(comment.article.get_absolute_url()).content.decode()


def test_a_first_time_commenter_is_not_marked_known(moderating):
    make(email="new@example.com")
    make(REJECTED, email="new@example.com", minutes_ago=30)  # rejected earlier: still not known
    row = moderating.get(QUEUE).context["comments"][0]
    assert not row.known_commenter


def test_the_rows_links_and_known_commenter_agree_with_the_moderation_policy():
    """The console counts in SQL what the policy's rules count in Python, for the same comments."""
    rules = ModerationSettings.load()
    rules.mode, rules.max_links = ModerationSettings.Mode.TRUST_KNOWN, 0
    make(APPROVED, email="known@example.com", minutes_ago=60)
    make(REJECTED, email="rejected@example.com", minutes_ago=60)
    make(email="known@example.com", text="WWW.a.example و HTTPS://b.example", minutes_ago=30)
    make(email="Known@Example.com", website="https://site.example", minutes_ago=20)
    make(email="rejected@example.com", text="http://c.example", minutes_ago=10)
    first = make(email="late@example.com", text="لا روابط هنا، www ولا http", minutes_ago=40)
    make(APPROVED, email="late@example.com", minutes_ago=5)  # approved after the first one
    rows = list(with_moderation_info(Comment.objects.all()))
    assert {row.known_commenter for row in rows} == {True, False}
    assert not next(row for row in rows if row.pk == first.pk).known_commenter
    for row in rows:
        comment = Submission(row.article, row.email.lower(), row.ip_hash, row.text, row.website)
        with time_machine.travel(row.created_at, tick=False):  # the policy's question, then
            held_as_new = new_commenter(comment, rules)
        assert row.known_commenter == (held_as_new is None), row.text
        held_for_links = too_many_links(comment, rules)
        links = int(re.search(r"\d+", held_for_links.reason)[0]) if held_for_links else 0
        assert row.link_count == links, row.text


def test_newest_comments_come_first_by_default(moderating):
    make(text="قديم", minutes_ago=30)
    make(text="أحدث", minutes_ago=1)
    make(text="وسط", minutes_ago=10)
    assert texts(moderating.get(QUEUE)) == ["أحدث", "وسط", "قديم"]


def test_likely_fine_first_puts_unflagged_known_and_link_free_comments_on_top(moderating):
    CommentFactory(status=APPROVED, email="known@example.com")
    ago = timezone.now() - timedelta(days=1)
    Comment.objects.filter(email="known@example.com").update(created_at=ago)
    make(text="محتجز بكلمة", held_reason="كلمة تستدعي المراجعة: احتيال", flagged=True, minutes_ago=50)
    make(
        text="جديد بلا روابط قديم", held_reason="كل التعليقات تُراجع", minutes_ago=40
    )  # held by the mode only
    make(text="جديد بلا روابط حديث", minutes_ago=5)
    make(text="جديد برابط https://x.example", minutes_ago=45)
    make(text="من معلّق معروف", email="known@example.com", minutes_ago=1)
    response = moderating.get(QUEUE, {"order": "likely"})
    assert texts(response) == [
        "من معلّق معروف",
        "جديد بلا روابط قديم",
        "جديد بلا روابط حديث",
        "جديد برابط https://x.example",
        "محتجز بكلمة",
    ]


def test_likely_fine_first_also_orders_the_reported_tab(moderating):
    flagged = make(APPROVED, text="علّمته قاعدة", held_reason="روابط كثيرة (3)", flagged=True, minutes_ago=20)
    plain = make(APPROVED, text="لم تعلّمه قاعدة", minutes_ago=10)
    report(flagged)
    report(plain)
    report(plain, reader="0000000000000001")
    response = moderating.get(QUEUE, {"tab": "reported", "order": "likely"})
    assert texts(response) == ["لم تعلّمه قاعدة", "علّمته قاعدة"]
    assert [row.report_count for row in response.context["comments"]] == [2, 1]


def test_filters_by_article_and_by_reason(moderating):
    article = ArticleFactory()
    make(article=article, text="على المقال، روابط", held_reason="روابط كثيرة (4)")
    make(article=article, text="على المقال، كلمة", held_reason="كلمة تستدعي المراجعة: ربح")
    make(text="مقال آخر، روابط", held_reason="روابط كثيرة (3)")
    by_article = moderating.get(QUEUE, {"article": article.pk})
    assert sorted(texts(by_article)) == ["على المقال، روابط", "على المقال، كلمة"]
    assert tab_counts(by_article)["pending"] == 2
    assert str(article) in by_article.content.decode()
    assert sorted(texts(moderating.get(QUEUE, {"reason": "روابط"}))) == [
        "على المقال، روابط",
        "مقال آخر، روابط",
    ]
    assert texts(moderating.get(QUEUE, {"article": article.pk, "reason": "روابط"})) == ["على المقال، روابط"]


def test_the_page_takes_the_same_number_of_queries_for_3_or_15_comments(moderating, moderator):
    def queries_for(count):
        Comment.objects.all().delete()
        for n in range(count):
            comment = make(text=f"تعليق {n} https://x.example", held_reason="معلّق جديد", parent=None)
            if n % 2:
                report(comment, reason="abuse", note="مسيء")
                report(comment, reader="0000000000000002", reason="other")
                make(APPROVED, email=comment.email, minutes_ago=5)
            comment_moderate(comment=comment, moderator=moderator, status=REJECTED)
            comment_moderate(comment=comment, moderator=moderator, status=PENDING)
            make(parent=comment, article=comment.article)  # a reply shows whom it answers
        moderating.get(QUEUE)  # the session and the cached settings are loaded by now
        with CaptureQueriesContext(connection) as queries:
            response = moderating.get(QUEUE, {"order": "likely"})
        assert len(response.context["comments"]) == count * 2
        return len(queries)

    assert queries_for(3) == queries_for(15)


def test_reported_rows_show_each_reason_with_how_many_readers_gave_it(moderating):
    comment = make(APPROVED, text="تعليق أثار البلاغات")
    report(comment, reader="0000000000000001", reason="spam")
    report(comment, reader="0000000000000002", reason="spam")
    report(comment, reader="0000000000000003", reason="other", note="ينشر أرقام هواتف")
    make(APPROVED, text="لا بلاغ عليه")
    response = moderating.get(QUEUE, {"tab": "reported"})
    row = response.context["comments"][0]
    assert row.report_reasons() == [("رسالة مزعجة", 2), ("سبب آخر", 1)]
    html = response.content.decode()
    assert "<li>رسالة مزعجة: <strong>2</strong></li>" in html  # western digits: the default
    assert '<q dir="auto">ينشر أرقام هواتف</q>' in html
    assert "إساءة:" not in html


def test_a_row_shows_every_decision_newest_first_with_who_did_it(moderating, moderator):
    other = UserFactory(username="night-desk", first_name="سلمى", last_name="ن", role="Moderator")
    comment = make(text="تعليق تردد فيه المشرفون")
    with time_machine.travel(timezone.now() - timedelta(hours=3), tick=False):
        comment_moderate(comment=comment, moderator=moderator, status=REJECTED)
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        comment_moderate(comment=comment, moderator=other, status=APPROVED)
    comment_moderate(comment=comment, moderator=moderator, featured=True)
    response = moderating.get(QUEUE, {"tab": "approved"})
    row = response.context["comments"][0]
    assert [(d.moderator, d.from_status, d.to_status) for d in row.history] == [
        (moderator, APPROVED, APPROVED), (other, REJECTED, APPROVED), (moderator, PENDING, REJECTED),
    ]  # fmt: skip
    html = response.content.decode()
    history = re.search(r'<details class="console-history">.*?</details>', html, re.S).group(0)
    items = re.findall(r"<li>(.*?)</li>", history, re.S)
    assert len(items) == 3
    assert "مُيّز" in items[0]
    assert "سلمى ن" in items[1]
    assert "مرفوض ← منشور" in items[1]
    assert "منذ ساعتين" in items[1]
    assert "بانتظار المراجعة ← مرفوض" in items[2]


def test_a_hold_by_the_moderators_mode_is_not_shown_as_an_alarm(moderating):
    rules = ModerationSettings.load()
    rules.hold_words = "احتيال"
    rules.save()  # the default mode holds every comment
    article = ArticleFactory()
    routine = comment_create(
        article=article, name="هدى", email="h@example.com", text="تعليق عادي", ip_hash="1" * 16
    )
    flagged = comment_create(
        article=article, name="سامي", email="s@example.com", text="هذا احتيال واضح", ip_hash="2" * 16
    )
    assert (routine.held_reason, routine.flagged) == ("كل التعليقات تُراجع", False)
    assert (flagged.held_reason, flagged.flagged) == ("كلمة تستدعي المراجعة: احتيال", True)
    html = moderating.get(QUEUE).content.decode()
    assert '<p class="console-reason">كل التعليقات تُراجع</p>' in html
    assert '<p class="console-reason console-reason--flagged">كلمة تستدعي المراجعة: احتيال</p>' in html
    css = Path(finders.find("comments/console.css")).read_text(encoding="utf-8")
    rules_css = dict(re.findall(r"(\.console-reason(?:--flagged)?) \{([^}]*)\}", css))
    assert "error-fg" not in rules_css[".console-reason"]
    assert "error-fg" in rules_css[".console-reason--flagged"]


# --- Decisions -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("action", "status", "featured"),
    [
        ("approve", APPROVED, False),
        ("reject", REJECTED, False),
        ("spam", SPAM, False),
        ("feature", APPROVED, True),
    ],
)
def test_one_click_decisions_are_applied_and_recorded(moderating, moderator, action, status, featured):
    comment = make()
    back = QUEUE + "?tab=pending&order=likely&reason=%D8%B1"
    response = moderating.post(DECIDE, {"one": f"{action}:{comment.pk}", "next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    comment.refresh_from_db()
    assert (comment.status, comment.is_featured) == (status, featured)
    decision = ModerationDecision.objects.get(comment=comment)
    assert (decision.moderator, decision.from_status, decision.to_status) == (moderator, PENDING, status)
    assert "عدد التعليقات" in moderating.get(back).content.decode()  # the message after it


def test_unfeaturing_keeps_the_comment_published(moderating, moderator):
    comment = make(APPROVED, is_featured=True)
    moderating.post(DECIDE, {"one": f"unfeature:{comment.pk}"})
    comment.refresh_from_db()
    assert (comment.status, comment.is_featured) == (APPROVED, False)
    decision = ModerationDecision.objects.get(comment=comment)
    assert decision.featured is False


def test_a_bulk_action_applies_to_the_selected_rows_only(moderating, moderator):
    first, second, untouched = make(), make(), make()
    response = moderating.post(
        DECIDE,
        {"action": "spam", "selected": [first.pk, second.pk], "one": "", "next": QUEUE + "?tab=pending"},
    )
    assert response["Location"] == QUEUE + "?tab=pending"
    assert set(Comment.objects.filter(status=SPAM)) == {first, second}
    untouched.refresh_from_db()
    assert untouched.status == PENDING
    assert ModerationDecision.objects.filter(moderator=moderator, to_status=SPAM).count() == 2


def test_a_row_button_wins_over_the_bulk_selection_in_the_same_form(moderating):
    clicked, ticked = make(), make()
    moderating.post(DECIDE, {"one": f"approve:{clicked.pk}", "action": "spam", "selected": [ticked.pk]})
    clicked.refresh_from_db()
    ticked.refresh_from_db()
    assert (clicked.status, ticked.status) == (APPROVED, PENDING)


def test_a_bulk_action_without_selection_or_action_changes_nothing(moderating):
    comment = make()
    response = moderating.post(DECIDE, {"action": "approve"}, follow=True)
    assert "لم تحدد أي تعليق." in response.content.decode()
    response = moderating.post(DECIDE, {"action": "", "selected": [comment.pk]}, follow=True)
    assert "اختر إجراءً لتطبيقه." in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == PENDING
    assert not ModerationDecision.objects.exists()


def test_decisions_never_return_to_another_site(moderating):
    comment = make()
    response = moderating.post(DECIDE, {"one": f"reject:{comment.pk}", "next": "https://evil.example/"})
    assert response["Location"] == QUEUE


def test_decisions_need_a_post_with_a_csrf_token(moderator):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(moderator)
    comment = make()
    assert browser.get(DECIDE, {"one": f"approve:{comment.pk}"}).status_code == 405
    assert browser.post(DECIDE, {"one": f"approve:{comment.pk}"}).status_code == 403
    comment.refresh_from_db()
    assert comment.status == PENDING


def test_a_rejected_comment_can_be_approved_from_the_rejected_tab(moderating, moderator):
    comment = make(text="رُفض خطأً")
    moderating.post(DECIDE, {"one": f"reject:{comment.pk}"})
    rejected_tab = moderating.get(QUEUE, {"tab": "rejected"})
    assert texts(rejected_tab) == ["رُفض خطأً"]
    html = rejected_tab.content.decode()
    assert f'value="approve:{comment.pk}"' in html
    assert "بانتظار المراجعة ← مرفوض" in html  # the last decision: from → to
    moderating.post(DECIDE, {"one": f"approve:{comment.pk}", "next": QUEUE + "?tab=rejected"})
    comment.refresh_from_db()
    assert comment.status == APPROVED
    history = list(ModerationDecision.objects.filter(comment=comment).order_by("created_at", "pk"))
    assert [(d.from_status, d.to_status, d.moderator) for d in history] == [
        (PENDING, REJECTED, moderator),
        (REJECTED, APPROVED, moderator),
    ]
    assert "مرفوض ← منشور" in moderating.get(QUEUE, {"tab": "approved"}).content.decode()


def test_keeping_a_reported_comment_dismisses_its_reports(moderating):
    comment = make(APPROVED, text="أبلغوا عنه ظلماً")
    report(comment)
    html = moderating.get(QUEUE, {"tab": "reported"}).content.decode()
    assert "إبقاء منشوراً" in html
    moderating.post(DECIDE, {"one": f"approve:{comment.pk}"})
    assert not CommentReport.objects.filter(comment=comment).exists()
    assert texts(moderating.get(QUEUE, {"tab": "reported"})) == []


def test_approving_a_pending_comment_shows_it_on_the_public_article_page(moderating):
    article = ArticleFactory()
    comment = make(article=article, text="تعليق ينتظر الموافقة")
    reader = Client()
    assert "تعليق ينتظر الموافقة" not in reader.get(article.get_absolute_url()).content.decode()  # now cached
    moderating.post(DECIDE, {"one": f"approve:{comment.pk}"})
    page = reader.get(article.get_absolute_url())
    assert "تعليق ينتظر الموافقة" in page.content.decode()
    article.refresh_from_db()
    assert article.comment_count == 1


# --- The page itself -------------------------------------------------------------------------
class FormNesting(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = self.deepest = 0
        self.inline_scripts = self.handlers = 0
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)
        if tag == "script":
            self.scripts.append(attrs)
            self.inline_scripts += "src" not in attrs
        self.handlers += any(name.startswith("on") for name in attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self.depth -= 1


def test_the_page_has_no_nested_forms_and_no_inline_script(moderating):
    make()
    make(APPROVED)
    for tab in ("pending", "approved"):
        parser = FormNesting()
        parser.feed(moderating.get(QUEUE, {"tab": tab}).content.decode())
        assert parser.deepest == 1
        assert parser.inline_scripts == 0
        assert parser.handlers == 0
        console_script = [s for s in parser.scripts if s.get("src", "").endswith("comments/console.js")]
        assert console_script
        assert console_script[0].get("type") == "module"  # deferred, strict, scoped


def test_rows_offer_one_click_buttons_checkboxes_and_the_keyboard_hint(moderating):
    comment = make()
    html = moderating.get(QUEUE).content.decode()
    for value, key in (("approve", "a"), ("reject", "r"), ("spam", "s"), ("feature", "f")):
        assert f'name="one" value="{value}:{comment.pk}" data-key="{key}"' in html
    assert f'name="selected" value="{comment.pk}"' in html
    assert 'name="action"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "comments/console.css" in html
    assert "data-console-hint" in html
    assert "<kbd>j</kbd>" in html


PHYSICAL = re.compile(
    r"(?:^|[;{\s])((?:margin|padding|border)-(?:top|bottom|left|right)[\w-]*|width|height|"
    r"min-width|max-width|min-height|max-height|left|right|top|bottom|float|clear)\s*:"
)


def test_the_console_stylesheet_uses_logical_properties_only():
    css = Path(finders.find("comments/console.css")).read_text(encoding="utf-8")
    assert PHYSICAL.findall(css) == []
    assert not re.search(r"text-align:\s*(left|right)", css)
    assert "inline-size" in css


# --- Commenter tools -------------------------------------------------------------------------
def test_the_commenter_page_lists_every_comment_of_that_email(moderating):
    make(APPROVED, email="same@example.com", text="الأول")
    make(REJECTED, email="Same@Example.com", text="الثاني")
    make(email="other@example.com", text="لغيره")
    response = moderating.get(COMMENTER, {"email": "same@example.com"})
    assert sorted(texts(response)) == ["الأول", "الثاني"]
    assert moderating.get(COMMENTER, {"email": "not-an-email"}).status_code == 404


def test_each_rows_email_links_to_the_commenter_page(moderating):
    make(email="linked@example.com")
    assert f'href="{COMMENTER}?email=linked%40example.com"' in moderating.get(QUEUE).content.decode()


def test_export_downloads_the_commenters_data_as_json(moderating):
    article = ArticleFactory(title="خبر التصدير")
    make(APPROVED, article=article, email="export@example.com", text="تعليقي", website="https://me.example")
    make(email="someone-else@example.com", text="ليس لي")
    response = moderating.get(reverse("comments:commenter_export"), {"email": "export@example.com"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "export@example.com.json" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email"] == "export@example.com"
    assert [(c["article"], c["text"], c["website"], c["status"]) for c in data["comments"]] == [
        ("خبر التصدير", "تعليقي", "https://me.example", APPROVED)
    ]
    assert "تعليقي".encode() in response.content  # readable Arabic, not \u escapes


def test_erasing_asks_for_confirmation_first(moderating):
    make(email="erase@example.com")
    response = moderating.post(reverse("comments:commenter_erase"), {"email": "erase@example.com"})
    assert response.status_code == 200
    assert 'name="confirmed"' in response.content.decode()
    assert Comment.objects.by_email("erase@example.com").count() == 1


def test_erasing_removes_all_of_that_commenters_comments_and_their_replies_only(moderating):
    article = ArticleFactory()
    mine = make(APPROVED, article=article, email="erase@example.com")
    make(PENDING, email="Erase@example.com")
    reply_to_mine = make(APPROVED, article=article, parent=mine, email="friend@example.com")
    kept = make(APPROVED, article=article, email="friend@example.com", text="يبقى")
    report(mine)
    response = moderating.post(
        reverse("comments:commenter_erase"), {"email": "erase@example.com", "confirmed": "1"}, follow=True
    )
    assert "عدد التعليقات المحذوفة: 2" in response.content.decode()
    assert not Comment.objects.by_email("erase@example.com").exists()
    assert not Comment.objects.filter(pk=reply_to_mine.pk).exists()
    assert list(Comment.objects.all()) == [kept]
    assert not CommentReport.objects.exists()
    article.refresh_from_db()
    assert article.comment_count == 1


def test_a_banned_commenter_cannot_post_again_even_from_another_address(moderating):
    comment = make(APPROVED, email="troll@example.com")
    response = moderating.post(
        reverse("comments:commenter_block"), {"email": "troll@example.com", "kind": "ban"}, follow=True
    )
    assert "حُظر المعلّق" in response.content.decode()
    assert BlockedCommenter.objects.filter(email="troll@example.com", kind="ban").exists()
    with pytest.raises(CommentRefused):
        comment_create(
            article=comment.article, name="متصيّد", email="troll@example.com", text="عدت من جديد",
            ip_hash=ip_hash("198.51.100.77"),
        )  # fmt: skip


def test_banning_can_also_block_the_ip_hash_of_the_latest_comment(moderating):
    make(email="troll@example.com", ip_hash="1111111111111111", minutes_ago=60)
    latest = make(email="troll@example.com", ip_hash="2222222222222222")
    moderating.post(
        reverse("comments:commenter_block"), {"email": "troll@example.com", "kind": "ban", "with_ip": "1"}
    )
    assert BlockedCommenter.objects.filter(ip_hash=latest.ip_hash, kind="ban").exists()
    assert not BlockedCommenter.objects.filter(ip_hash="1111111111111111").exists()
    with pytest.raises(CommentRefused):
        comment_create(
            article=latest.article,
            name="اسم آخر",
            email="fresh@example.com",
            text="بريد جديد",
            ip_hash=latest.ip_hash,
        )


def test_always_hold_keeps_the_next_comment_pending_even_in_the_most_permissive_mode(moderating):
    settings = ModerationSettings.load()
    settings.mode = ModerationSettings.Mode.HOLD_FLAGGED
    settings.save()
    comment = make(APPROVED, email="watch@example.com")
    moderating.post(reverse("comments:commenter_block"), {"email": "watch@example.com", "kind": "hold"})
    assert BlockedCommenter.objects.filter(email="watch@example.com", kind="hold").exists()
    held = comment_create(
        article=comment.article, name="قارئ", email="watch@example.com", text="تعليق جديد",
        ip_hash=ip_hash("198.51.100.78"),
    )  # fmt: skip
    assert held.status == PENDING
    assert held.held_reason
    someone_else = comment_create(
        article=comment.article, name="قارئة", email="fine@example.com", text="تعليق عادي",
        ip_hash=ip_hash("198.51.100.79"),
    )  # fmt: skip
    assert someone_else.status == APPROVED
