"""Commenting as a reader does it: through the article page, its form and its redirects."""

import hashlib
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.browser import REMEMBER_COOKIE
from comments.forms import FORM_EXPIRED
from comments.models import Comment, CommentReport, ModerationSettings
from comments.views import DISCARDED_COUNTER
from newsroom import cachetags, formstamp
from newsroom.models import SiteSettings
from tests.comments.reader import csrf_token, error_summary, reader_tokens, sql_of
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db
PENDING_NOTE = "تعليقك بانتظار المراجعة، ولا يراه غيرك الآن."
EXPIRED = str(FORM_EXPIRED)


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def article():
    return ArticleFactory(title="افتتاح الميناء الجديد")


def hidden(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def tag(html, name):
    """The reader's input (or textarea with its text) of a form field."""
    return re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>(?:[^<]*</textarea>)?', html).group(0)


def send(client, clock, article, query="", ip="127.0.0.1", **fields):
    """Open the article page, take a few seconds to write, and post the comment form."""
    html = client.get(article.get_absolute_url() + query, REMOTE_ADDR=ip).content.decode()
    data = {name: hidden(html, name) for name in ("rendered_at", "csrfmiddlewaretoken")}
    if not all(data.values()):  # a page from the shared cache
        data = reader_tokens(client)
    data |= {"name": "هدى", "email": "huda@example.com", "text": "متى يبدأ التشغيل؟"} | fields
    clock.shift(10)
    form = {name: value for name, value in data.items() if value is not None}
    response = client.post(f"/news/{article.slug}/comment/", form, REMOTE_ADDR=ip)
    for name, cookie in response.cookies.items():
        if cookie["max-age"] == 0:  # deleted, as a browser does (the test client keeps it, empty)
            client.cookies.pop(name, None)
    return response


def test_csrf_protects_the_form_even_on_a_page_served_from_the_cache(article, clock):
    SiteSettings.load()  # created once, by the first page ever shown
    clock.shift(1)  # the clock stands still: pages rendered the instant a change was made are stale
    first, second, third = (Client(enforce_csrf_checks=True) for _ in range(3))
    url = article.get_absolute_url()
    rendered = first.get(url)
    with CaptureQueriesContext(connection) as queries:  # the second reader gets the cached page…
        cached = second.get(url)
    assert (rendered["X-Page-Cache"], cached["X-Page-Cache"]) == ("miss", "hit")
    assert sql_of(queries) == []
    for page in (rendered, cached):  # …the same bytes for everyone: no token, no stamp, no cookie
        assert hidden(page.content.decode(), "csrfmiddlewaretoken") == ""
        assert hidden(page.content.decode(), "rendered_at") == ""
        assert "data-csrf-field" in page.content.decode()
        assert not page.cookies
        assert "public" in page["Cache-Control"]
    assert rendered.content == cached.content

    clock.shift(10)
    post_url = f"/news/{article.slug}/comment/"
    typed = {
        "name": "هدى",
        "email": "huda@example.com",
        "website": "https://huda.example",
        "text": "سؤال\nمهم",
    }
    form = typed | {"rendered_at": hidden(cached.content.decode(), "rendered_at")}

    # Without JavaScript the token stays empty: the form comes back, nothing lost or saved.
    refused = second.post(post_url, form)
    assert refused.status_code == 403
    html = refused.content.decode()
    assert error_summary(html) == [EXPIRED]
    assert 'value="هدى"' in tag(html, "name")
    assert 'value="huda@example.com"' in tag(html, "email")
    assert 'value="https://huda.example"' in tag(html, "website")
    assert tag(html, "text").endswith(">\nسؤال\nمهم</textarea>")
    assert html.count("huda@example.com") == 1  # in its own input only
    assert {"private", "no-store"} <= set(refused["Cache-Control"].replace(" ", "").split(","))
    assert "X-Page-Cache" not in refused
    fresh = hidden(html, "csrfmiddlewaretoken")
    assert fresh
    assert refused.cookies[settings.CSRF_COOKIE_NAME].value  # the secret the fresh token is for
    assert not Comment.objects.exists()

    someone_elses = csrf_token(first)
    assert second.post(post_url, form | {"csrfmiddlewaretoken": someone_elses}).status_code == 403
    assert not Comment.objects.exists()
    resent = form | {"csrfmiddlewaretoken": fresh, "rendered_at": hidden(html, "rendered_at")}
    accepted = second.post(post_url, resent)  # sent again as it came back, at once
    assert accepted.status_code == 302
    assert Comment.objects.get().text == "سؤال\nمهم"

    # With JavaScript the token and stamp come from /csrf/ when the reader starts writing.
    clock.shift(60)
    other = form | {"email": "reem@example.com", "text": "تعليق آخر"} | reader_tokens(third)
    clock.shift(10)
    assert third.post(post_url, other, REMOTE_ADDR="192.0.2.30").status_code == 302
    assert Comment.objects.filter(text="تعليق آخر").exists()


def test_every_reader_of_a_shared_page_gets_a_stamp_of_their_own_good_for_one_post(article, clock):
    SiteSettings.load()
    clock.shift(1)
    url, post_url = article.get_absolute_url(), f"/news/{article.slug}/comment/"
    huda, reem = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")
    assert (huda.get(url)["X-Page-Cache"], reem.get(url)["X-Page-Cache"]) == ("miss", "hit")
    huda_tokens, reem_tokens = reader_tokens(huda), reader_tokens(reem)
    assert huda_tokens["rendered_at"] != reem_tokens["rendered_at"]
    clock.shift(30)
    comment = {"name": "هدى", "email": "huda@example.com", "text": "أول تعليق"}
    assert huda.post(post_url, comment | huda_tokens).status_code == 302
    assert reem.post(post_url, comment | {"email": "reem@example.com"} | reem_tokens).status_code == 302
    assert Comment.objects.count() == 2

    clock.shift(600)  # a bot replays a stamp it once got, however long after
    replayed = huda.post(post_url, comment | {"text": "إعلان"} | huda_tokens)
    assert replayed.status_code == 400
    assert EXPIRED in replayed.content.decode()
    assert Comment.objects.count() == 2


def test_staff_keep_the_full_csrf_check_and_get_an_arabic_refusal(article, clock):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="desk-csrf", role="Editor"))
    page = client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in page
    clock.shift(10)
    form = {
        "name": "المحرر",
        "email": "desk@example.com",
        "text": "ردّ التحرير",
        "rendered_at": hidden(page.content.decode(), "rendered_at"),
    }
    for token in ("", csrf_token(Client())):  # none, or someone else's
        response = client.post(f"/news/{article.slug}/comment/", form | {"csrfmiddlewaretoken": token})
        assert response.status_code == 403
        html = response.content.decode()
        assert "<h1>تعذّر التحقق من الطلب</h1>" in html
        assert 'lang="ar" dir="rtl"' in html
        assert "CSRF" not in html
        assert 'name="text"' not in html  # refused, not a form to send again
        assert "no-store" in response["Cache-Control"]
    assert not Comment.objects.exists()
    response = client.post(
        f"/news/{article.slug}/comment/", form | {"csrfmiddlewaretoken": csrf_token(client)}
    )
    assert response.status_code == 302
    assert Comment.objects.get().text == "ردّ التحرير"


def test_a_report_without_a_valid_token_comes_back_to_be_sent_again(article):
    SiteSettings.load()
    comment = CommentFactory(article=article, text="تعليق منشور")
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "miss"
    refused = reader.post(f"/comments/{comment.pk}/report/")
    assert refused.status_code == 403
    html = refused.content.decode()
    assert (
        '<p class="message message--error">تعذّر التحقق من البلاغ، فلم يُرسَل. اضغط «إبلاغ» مرة أخرى إن أردت.</p>'
        in html
    )
    assert "تعليق منشور" in html
    assert not CommentReport.objects.exists()
    report_form = rf'action="/comments/{comment.pk}/report/"[^>]*>\s*<input[^>]*value="([^"]+)"'
    token = re.search(report_form, html).group(1)  # filled in: this page is the reader's own
    sent = {"csrfmiddlewaretoken": token, "reason": "abuse"}
    reported = reader.post(f"/comments/{comment.pk}/report/", sent, follow=True)
    assert "شكراً، سيراجع المشرفون هذا التعليق." in reported.content.decode()
    assert CommentReport.objects.filter(comment=comment).count() == 1


def test_other_posts_without_a_token_get_an_arabic_refusal():
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "<h1>تعذّر التحقق من الطلب</h1>" in response.content.decode()


def test_errors_come_back_next_to_their_fields_with_everything_the_reader_typed(client, clock, article):
    response = send(
        client, clock, article, name="", email="huda-at-example", website="not a link",
        text="نص طويل كتبته بعناية\nفي سطرين", remember="on",
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true" aria-describedby="id_name_error"' in tag(html, "name")
    assert '<ul class="errorlist" id="id_name_error"><li>اكتب اسمك.</li></ul>' in html
    assert "اكتب بريداً إلكترونياً صحيحاً، مثل name@example.com." in html
    assert "اكتب رابطاً صحيحاً، مثل https://example.com." in html
    assert 'value="huda-at-example"' in tag(html, "email")
    assert 'value="not a link"' in tag(html, "website")
    assert tag(html, "text").endswith(">\nنص طويل كتبته بعناية\nفي سطرين</textarea>")
    assert " checked" in tag(html, "remember")
    assert not Comment.objects.exists()


def test_a_posted_comment_redirects_back_and_only_its_author_sees_it_pending(client, clock, article):
    response = send(client, clock, article, text="تعليقي الأول")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"

    mine = client.get(response["Location"]).content.decode()
    assert "شكراً! تعليقك بانتظار المراجعة، وسيظهر للقراء بعد موافقة المشرفين." in mine
    assert f'comment--pending" id="comment-{comment.pk}"' in mine
    assert PENDING_NOTE in mine
    assert "تعليقي الأول" in mine

    stranger = Client().get(article.get_absolute_url()).content.decode()
    assert "تعليقي الأول" not in stranger
    assert PENDING_NOTE not in stranger


def comment_ids_in_order(html):
    """The comments of the page, as (id, is it inside a list of replies), in page order."""
    ids, depth = [], 0
    section = html[html.index('<section class="comments"') :]
    for match in re.finditer(
        r'<ol class="comment-list( comment-list--replies)?"|</ol>|id="comment-(\d+)"', section
    ):
        if match.group(0) == "</ol>":
            depth -= 1
        elif match.group(0).startswith("<ol"):
            depth += 1
        else:
            ids.append((int(match.group(2)), depth > 1))
    return ids


def test_a_pending_reply_shows_under_its_parent_not_at_the_bottom(client, clock, article):
    first = CommentFactory(article=article, text="التعليق الأول")
    answered = CommentFactory(article=article, parent=first, text="ردّ منشور")
    second = CommentFactory(article=article, text="التعليق الثاني")
    Client().get(article.get_absolute_url())  # the shared list is in the cache
    send(client, clock, article, parent=first.pk, text="ردّي على الأول")
    send(client, clock, article, text="تعليقي المستقل", email="other@example.com", ip="192.0.2.7")
    reply, standalone = Comment.objects.get(text="ردّي على الأول"), Comment.objects.get(text="تعليقي المستقل")
    assert reply.status == standalone.status == Comment.Status.PENDING

    mine = client.get(article.get_absolute_url()).content.decode()
    assert comment_ids_in_order(mine) == [
        (first.pk, False), (answered.pk, True), (reply.pk, True), (second.pk, False), (standalone.pk, False),
    ]  # fmt: skip
    assert f'comment--pending" id="comment-{reply.pk}"' in mine

    stranger = Client().get(article.get_absolute_url()).content.decode()
    assert comment_ids_in_order(stranger) == [(first.pk, False), (answered.pk, True), (second.pk, False)]


def test_a_published_comment_thanks_its_author_only(client, clock, article):
    rules = ModerationSettings.load()
    rules.mode = ModerationSettings.Mode.HOLD_FLAGGED
    rules.save()
    response = send(client, clock, article, text="تعليق ينشر فوراً")
    assert Comment.objects.get().status == Comment.Status.APPROVED
    mine = client.get(response["Location"]).content.decode()
    assert "شكراً! نُشر تعليقك." in mine
    assert "تعليق ينشر فوراً" in mine
    theirs = Client().get(article.get_absolute_url()).content.decode()
    assert "تعليق ينشر فوراً" in theirs
    assert "شكراً! نُشر تعليقك." not in theirs


def test_approved_comments_are_shown_oldest_first_with_their_count(client, article):
    now = timezone.now()
    for minutes, text in [(5, "الثالث"), (30, "الأول"), (10, "الثاني")]:
        comment = CommentFactory(article=article, text=text)
        Comment.objects.filter(pk=comment.pk).update(created_at=now - timedelta(minutes=minutes))
    CommentFactory(article=article, text="مرفوض", status=Comment.Status.REJECTED)
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.index("الأول") < html.index("الثاني") < html.index("الثالث")
    assert "مرفوض" not in html
    assert '<h2 class="block-title" id="comments-title">\n    3 تعليقات' in html
    home = client.get("/").content.decode()
    assert f'<a href="{article.get_absolute_url()}#comments">3 تعليقات</a>' in home


def test_replies_are_one_level_deep_and_the_reply_link_fills_in_the_parent(client, clock, article):
    top = CommentFactory(article=article, name="منصور")
    reply = CommentFactory(article=article, parent=top, name="ريم")
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="?replyto={top.pk}#respond"' in html
    assert f"?replyto={reply.pk}#" not in html  # replies get no reply link of their own
    replies = html[html.index("comment-list--replies") :]
    assert f'id="comment-{reply.pk}"' in replies

    replying = client.get(article.get_absolute_url() + f"?replyto={top.pk}").content.decode()
    assert f'name="parent" value="{top.pk}"' in replying
    assert "ردّ على <bdi>منصور</bdi>" in replying

    send(client, clock, article, parent=reply.pk, text="ردّ على الرد")
    assert Comment.objects.get(text="ردّ على الرد").parent == top


def test_staff_replies_editors_picks_and_avatars_are_marked_without_the_email(client, article):
    editor = UserFactory(username="desk")
    CommentFactory(article=article, name="فريق مداد", staff_author=editor, email="desk@midad.example")
    CommentFactory(article=article, name="سارة أحمد", is_featured=True, email="Sara.Private@Mail.example")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'comment--staff"' in html
    assert '<span class="badge badge--staff">فريق التحرير</span>' in html
    assert 'comment--featured"' in html
    assert '<span class="badge badge--pick">اختيار المحرر</span>' in html
    assert re.search(r'class="comment__avatar comment__avatar--\d+" aria-hidden="true">سأ</span>', html)
    email = b"sara.private@mail.example"
    for secret in [
        "Sara.Private",
        "gravatar",
        hashlib.md5(email).hexdigest(),
        hashlib.sha256(email).hexdigest(),
    ]:
        assert secret.lower() not in html.lower()


@pytest.mark.parametrize("closed_by", ["editor", "age"])
def test_closed_comments_show_no_form_and_refuse_posts(client, closed_by):
    if closed_by == "editor":
        article = ArticleFactory(comments_open=False)
    else:
        rules = ModerationSettings.load()
        rules.close_after_days = 7
        rules.save()
        article = ArticleFactory(publish_at=timezone.now() - timedelta(days=8))
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'id="respond"' not in html
    assert "التعليقات مغلقة على هذا المقال." in html
    stamp = formstamp.issue(at=timezone.now().timestamp() - 60)
    form = {"name": "هدى", "email": "huda@example.com", "text": "متأخر", "rendered_at": stamp}
    response = client.post(f"/news/{article.slug}/comment/", form)
    assert response.status_code == 403
    assert "التعليقات مغلقة على هذا المقال." in response.content.decode()
    assert not Comment.objects.exists()


def test_remember_me_keeps_name_and_email_only_with_consent(client, clock, article):
    response = send(client, clock, article, text="بدون حفظ")
    assert response.cookies[REMEMBER_COOKIE].value == ""  # only ever deleted without consent
    clock.shift(60)
    response = send(client, clock, article, text="احفظني", remember="on")
    assert response.cookies[REMEMBER_COOKIE].value
    assert response.cookies[REMEMBER_COOKIE]["httponly"]

    html = client.get(article.get_absolute_url()).content.decode()
    assert 'value="هدى"' in tag(html, "name")
    assert 'value="huda@example.com"' in tag(html, "email")
    assert " checked" in tag(html, "remember")

    clock.shift(60)
    response = send(client, clock, article, text="انسني", remember=None)
    assert response.cookies[REMEMBER_COOKIE].value == ""
    assert response.cookies[REMEMBER_COOKIE]["max-age"] == 0
    html = client.get(article.get_absolute_url()).content.decode()
    assert "huda@example.com" not in html


def test_a_refused_comment_gets_a_neutral_message_and_nothing_is_stored(client, clock, article):
    rules = ModerationSettings.load()
    rules.banned_words = "كلمة قبيحة"
    rules.save()
    response = send(client, clock, article, text="هذه كلمة قبيحة")
    assert response.status_code == 403
    html = response.content.decode()
    assert error_summary(html) == ["تعذّر نشر تعليقك."]
    assert "هذه كلمة قبيحة</textarea>" in html
    assert not Comment.objects.exists()


def test_the_same_comment_twice_is_explained(client, clock, article):
    send(client, clock, article)
    clock.shift(60)
    response = send(client, clock, article)
    assert response.status_code == 400
    assert "سبق أن أرسلت هذا التعليق نفسه على هذا المقال." in response.content.decode()


@pytest.mark.parametrize("same", ["email", "ip"])
def test_a_second_comment_within_seconds_is_slowed_down_without_losing_it(client, clock, article, same):
    send(client, clock, article, text="الأول", ip="192.0.2.1")
    other = {"email": "other@example.com", "ip": "192.0.2.1"} if same == "ip" else {"ip": "192.0.2.2"}
    typed = {"name": "هدى س.", "website": "https://huda.example", "text": "الثاني المهم", "remember": "on"}
    response = send(client, clock, article, **typed, **other)
    assert response.status_code == 429
    html = response.content.decode()
    assert error_summary(html)[0] == "تمهّل قليلاً: انتظر بضع ثوانٍ قبل إرسال تعليق آخر."
    assert 'value="هدى س."' in tag(html, "name")
    assert f'value="{other.get("email", "huda@example.com")}"' in tag(html, "email")
    assert 'value="https://huda.example"' in tag(html, "website")
    assert tag(html, "text").endswith(">\nالثاني المهم</textarea>")
    assert " checked" in tag(html, "remember")
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(("honeypot", "seconds"), [("http://bot.example", 10), ("", 1)])
def test_bots_are_turned_away_silently_and_counted(client, clock, article, honeypot, seconds):
    client.get(article.get_absolute_url())
    form = {"name": "بوت", "email": "bot@example.com", "text": "اشترِ الآن", "homepage": honeypot}
    for _ in range(2):
        stamp = reader_tokens(client)["rendered_at"]  # a stamp for every post
        clock.shift(seconds)
        response = client.post(f"/news/{article.slug}/comment/", form | {"rendered_at": stamp})
        assert response.status_code == 302
        assert response["Location"] == f"{article.get_absolute_url()}#comments"
    assert not Comment.objects.exists()
    assert cache.get(DISCARDED_COUNTER) == 2


def test_a_reader_reports_a_comment_once_and_only_they_see_the_thanks(client, article):
    SiteSettings.load()
    comment = CommentFactory(article=article)
    client.get(article.get_absolute_url())  # the page is cached for anonymous readers
    first = client.post(f"/comments/{comment.pk}/report/", {"reason": "spam"}, follow=True)
    assert "شكراً، سيراجع المشرفون هذا التعليق." in first.content.decode()
    assert "شكراً، سيراجع المشرفون" not in Client().get(article.get_absolute_url()).content.decode()
    again = client.post(f"/comments/{comment.pk}/report/", {"reason": "abuse"}, follow=True)
    assert "سبق أن أبلغت عن هذا التعليق." in again.content.decode()
    assert CommentReport.objects.filter(comment=comment).count() == 1
    Client(REMOTE_ADDR="192.0.2.50").post(f"/comments/{comment.pk}/report/", {"reason": "off_topic"})
    assert CommentReport.objects.filter(comment=comment).count() == 2


def test_an_article_page_costs_the_same_queries_with_2_or_20_comments_and_their_replies(client, article):
    def queries() -> int:
        cachetags.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(captured)

    editor = UserFactory(username="desk-q")
    for _ in range(2):
        CommentFactory(article=article, parent=CommentFactory(article=article), staff_author=editor)
    queries()  # one-off work such as creating the settings rows
    few = queries()
    for _ in range(18):
        CommentFactory(article=article, parent=CommentFactory(article=article), staff_author=editor)
    assert Comment.objects.approved().filter(parent=None).count() == 20
    assert queries() == few


class BlockInParagraph(HTMLParser):
    """Finds block elements (lists, divs) inside a <p>, which HTML does not allow."""

    BLOCKS = {"ul", "ol", "div", "p", "fieldset", "form"}

    def __init__(self):
        super().__init__()
        self.open_paragraphs, self.misplaced = 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS and self.open_paragraphs:
            self.misplaced.append(tag)
        if tag == "p":
            self.open_paragraphs += 1

    def handle_endtag(self, tag):
        if tag == "p":
            self.open_paragraphs -= 1


def test_a_refused_form_puts_its_errors_in_a_summary_that_takes_focus(client, clock, article):
    CommentFactory(article=article)  # a report form on the page too
    response = send(client, clock, article, name="", email="huda@nowhere", text="تعليق يبقى كما كتبته")
    assert response.status_code == 400
    html = response.content.decode()
    checker = BlockInParagraph()
    checker.feed(html[html.index('<section class="comments"') :])
    assert checker.misplaced == []
    summary = re.search(r'<div class="form-errors" id="comment-errors"[^>]*>', html).group(0)
    assert "autofocus" in summary
    assert 'tabindex="-1"' in summary
    assert html.count(" autofocus") == 1
    assert error_summary(html) == [
        "الاسم: اكتب اسمك.",
        "البريد الإلكتروني: اكتب بريداً إلكترونياً صحيحاً، مثل name@example.com.",
    ]
    assert '<a href="#id_name">' in html
    assert '<a href="#id_email">' in html
    assert 'aria-invalid="true" aria-describedby="id_name_error"' in tag(html, "name")
    assert "تعليق يبقى كما كتبته</textarea>" in html


def test_a_blank_form_has_no_error_summary_and_takes_no_focus(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'id="comment-errors"' not in html
    assert "autofocus" not in html


REPORT_REASONS = {"spam": "رسالة مزعجة", "abuse": "إساءة", "off_topic": "خارج الموضوع", "other": "سبب آخر"}


def test_the_report_form_offers_the_four_reasons_and_a_note(client, article):
    comment = CommentFactory(article=article)
    html = client.get(article.get_absolute_url()).content.decode()
    form = re.search(
        rf'<form method="post" action="/comments/{comment.pk}/report/".*?</form>', html, re.S
    ).group(0)
    for value, label in REPORT_REASONS.items():
        assert re.search(
            rf'<input type="radio" name="reason" value="{value}" required> {label}</label>', form
        )
    assert f'name="note" id="report-note-{comment.pk}" maxlength="300"' in form
    assert "<summary>إبلاغ</summary>" in html  # a disclosure: works without JavaScript


def test_a_report_keeps_its_reason_and_the_readers_words(client, article):
    comment = CommentFactory(article=article)
    client.post(f"/comments/{comment.pk}/report/", {"reason": "other", "note": "  معلومة مضللة عن الميناء "})
    client.post(f"/comments/{comment.pk}/report/", {"reason": "abuse"}, REMOTE_ADDR="192.0.2.60")
    reports = CommentReport.objects.filter(comment=comment).order_by("pk")
    assert [(r.reason, r.note) for r in reports] == [("other", "معلومة مضللة عن الميناء"), ("abuse", "")]


@pytest.mark.parametrize(
    ("sent", "told"),
    [
        ({}, "اختر سبب البلاغ."),
        ({"reason": "boring"}, "اختر سبب البلاغ."),
        ({"reason": "other", "note": "x" * 301}, "التفاصيل أطول من 300 حرف."),
    ],
)
def test_a_report_without_a_valid_reason_is_not_counted_and_says_why(client, article, sent, told):
    comment = CommentFactory(article=article)
    response = client.post(f"/comments/{comment.pk}/report/", sent, follow=True)
    assert not CommentReport.objects.exists()
    assert f'<p class="message message--error">{told}</p>' in response.content.decode()
