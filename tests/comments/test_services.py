"""Posting, limiting, moderating and erasing comments: the rules behind the pages."""

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from comments.models import Comment, CommentReport, ModerationDecision, ModerationSettings, ip_hash
from comments.moderation import FLOOD_SECONDS, RATE_LIMIT, RATE_WINDOW_SECONDS
from comments.services import (
    CommentRefused,
    comment_create,
    comment_moderate,
    comment_report,
    commenter_erase,
    commenter_export,
)
from tests.comments.reader import reader_tokens
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db
TOO_MANY = "أرسلت تعليقات كثيرة في وقت قصير؛ حاول مجدداً بعد دقائق."
SLOW_DOWN = "تمهّل قليلاً: انتظر بضع ثوانٍ قبل إرسال تعليق آخر."


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def post(article, *, email="reader@example.com", ip="203.0.113.5", text="تعليق", **kwargs):
    return comment_create(article=article, name="قارئ", email=email, text=text, ip_hash=ip_hash(ip), **kwargs)


def test_the_readers_ip_address_is_stored_only_as_a_hash(client, clock):
    article = ArticleFactory()
    client.get(article.get_absolute_url())
    stamp = reader_tokens(client)["rendered_at"]
    clock.shift(10)
    form = {"name": "منى", "email": "mona@example.com", "text": "تعليق من عنوان معروف", "rendered_at": stamp}
    response = client.post(f"/news/{article.slug}/comment/", form, REMOTE_ADDR="203.0.113.77")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.ip_hash == ip_hash("203.0.113.77") != ip_hash("203.0.113.78")
    for row in Comment.objects.values():
        assert not any("203.0.113.77" in str(value) for value in row.values()), row

    comment.status = Comment.Status.APPROVED
    comment.save()
    client.post(f"/comments/{comment.pk}/report/", {"reason": "spam"}, REMOTE_ADDR="203.0.113.77")
    assert CommentReport.objects.get().ip_hash == ip_hash("203.0.113.77")


def test_a_second_comment_within_the_flood_window_is_refused_by_email_or_by_ip(clock):
    article = ArticleFactory()
    post(article)
    with pytest.raises(CommentRefused) as same_email:
        post(article, ip="198.51.100.1", text="ثانٍ")
    with pytest.raises(CommentRefused) as same_ip:
        post(article, email="someone-else@example.com", text="ثالث")
    assert (same_email.value.message, same_email.value.status) == (SLOW_DOWN, 429)
    assert (same_ip.value.message, same_ip.value.status) == (SLOW_DOWN, 429)
    clock.shift(FLOOD_SECONDS + 1)
    assert post(article, text="بعد الانتظار")
    assert Comment.objects.count() == 2


@pytest.mark.parametrize("same", ["email", "ip"])
def test_more_than_the_rate_limit_in_the_window_is_refused(clock, same):
    article = ArticleFactory()

    def attempt(n):
        varying = {"ip": f"198.51.100.{n}"} if same == "email" else {"email": f"r{n}@example.com"}
        clock.shift(FLOOD_SECONDS + 1)
        return post(article, text=f"تعليق رقم {n}", **varying)

    for n in range(RATE_LIMIT):
        attempt(n)
    with pytest.raises(CommentRefused) as refusal:
        attempt(RATE_LIMIT)
    assert (refusal.value.message, refusal.value.status) == (TOO_MANY, 429)
    assert Comment.objects.count() == RATE_LIMIT

    clock.shift(RATE_WINDOW_SECONDS)
    assert attempt(RATE_LIMIT + 1)


def test_the_same_comment_twice_on_an_article_is_refused_even_respelled(clock):
    article = ArticleFactory()
    post(article, text="خبر مُهِمّ جداً")
    clock.shift(FLOOD_SECONDS + 1)
    with pytest.raises(CommentRefused) as refusal:
        post(article, email="READER@example.com", text="  خبر مهم جدًا ")
    assert refusal.value.message == "سبق أن أرسلت هذا التعليق نفسه على هذا المقال."
    assert post(ArticleFactory(), text="خبر مُهِمّ جداً")  # another article is fine


def test_moderation_decisions_are_recorded_counted_and_expire_cached_pages(client, moderator):
    article = ArticleFactory()
    comment = CommentFactory(article=article, status=Comment.Status.PENDING, text="رأي ينتظر الموافقة")
    assert "رأي ينتظر الموافقة" not in client.get(article.get_absolute_url()).content.decode()  # now cached

    comment_moderate(comment=comment, moderator=moderator, status=Comment.Status.APPROVED)
    article.refresh_from_db()
    assert article.comment_count == 1
    assert "رأي ينتظر الموافقة" in client.get(article.get_absolute_url()).content.decode()

    comment_moderate(comment=comment, moderator=moderator, featured=True)
    comment_moderate(comment=comment, moderator=moderator, status=Comment.Status.SPAM)  # changed their mind
    article.refresh_from_db()
    assert article.comment_count == 0
    assert "رأي ينتظر الموافقة" not in client.get(article.get_absolute_url()).content.decode()
    history = [
        (d.moderator, d.from_status, d.to_status, d.featured)
        for d in ModerationDecision.objects.filter(comment=comment).order_by("created_at", "id")
    ]
    assert history == [
        (moderator, "pending", "approved", None),
        (moderator, "approved", "approved", True),
        (moderator, "approved", "spam", None),
    ]


def test_approving_a_reported_comment_answers_its_reports(moderator):
    comment = CommentFactory()
    assert comment_report(comment=comment, ip_hash=ip_hash("192.0.2.1"), reason="spam")
    # once per reader
    assert not comment_report(comment=comment, ip_hash=ip_hash("192.0.2.1"), reason="abuse")
    assert list(Comment.objects.reported()) == [comment]
    comment_moderate(comment=comment, moderator=moderator, status=Comment.Status.APPROVED)
    assert not Comment.objects.reported().exists()


def test_moderators_get_one_email_for_a_held_comment_and_none_for_a_published_one(
    django_capture_on_commit_callbacks, clock
):
    rules = ModerationSettings.load()
    rules.mode, rules.hold_words = ModerationSettings.Mode.HOLD_FLAGGED, "رشوة"
    rules.notify_emails = "desk@midad.example\n\n night@midad.example "
    rules.save()
    article = ArticleFactory(title="صفقة الميناء")
    with django_capture_on_commit_callbacks(execute=True):
        post(article, text="تعليق عادي ينشر فوراً")
    assert mail.outbox == []

    clock.shift(FLOOD_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        post(article, text="فيها رشوة واضحة")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["desk@midad.example", "night@midad.example"]
    assert "فيها رشوة واضحة" in message.body
    assert "كلمة تستدعي المراجعة: رشوة" in message.body


def test_a_commenter_can_get_everything_kept_about_them_and_have_it_erased(moderator):
    mine = ArticleFactory(title="خبر المعلّق")
    other = ArticleFactory()
    first = CommentFactory(article=mine, email="Sami@Example.com", website="https://sami.example")
    CommentFactory(article=other, email="sami@example.com", status=Comment.Status.PENDING)
    reply = CommentFactory(article=mine, parent=first, email="friend@example.com")
    comment_report(comment=first, ip_hash=ip_hash("192.0.2.9"), reason="other")
    stranger = CommentFactory(article=other, email="stranger@example.com")

    export = commenter_export(" SAMI@example.com ")
    assert export["email"] == "sami@example.com"
    assert [item["article"] for item in export["comments"]] == ["خبر المعلّق", str(other)]
    assert export["comments"][0]["website"] == "https://sami.example"
    assert {item["status"] for item in export["comments"]} == {"approved", "pending"}
    assert all(item["ip_hash"] == "0123456789abcdef" for item in export["comments"])

    assert commenter_erase("sami@example.com") == 2
    assert list(Comment.objects.all()) == [stranger]  # the reply to an erased comment goes with it
    assert not Comment.objects.filter(pk=reply.pk).exists()
    assert not CommentReport.objects.exists()
    mine.refresh_from_db()
    assert mine.comment_count == 0
    assert commenter_export("sami@example.com")["comments"] == []
