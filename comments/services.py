"""Posting and moderating comments: the operations with rules and side effects."""

import hashlib

from django.db import transaction
from django.utils.translation import gettext as _

from comments.models import Comment, CommentReport, ModerationDecision, refresh_comment_count
from comments.moderation import ModerationPolicy, Verdict
from comments.ratelimit import over_limit
from comments.tasks import notify_moderators
from newsroom.arabic import normalize

FLOOD_SECONDS = 15
RATE_LIMIT = 5  # comments per email and per IP…
RATE_WINDOW_SECONDS = 10 * 60  # …in this window


class CommentRefused(Exception):
    """The comment cannot be accepted; `message` is for the reader, `status` for HTTP."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


@transaction.atomic
def comment_create(
    *, article, name: str, email: str, text: str, ip_hash: str, website: str = "", parent: Comment | None = None,
    user=None, user_agent: str = "",
) -> Comment:  # fmt: skip
    """Apply every rule to a reader's comment and store it as approved or held."""
    policy = ModerationPolicy()
    if not policy.comments_open(article):
        raise CommentRefused(_("التعليقات مغلقة على هذا المقال."), status=403)
    email = email.strip().lower()
    same_text = normalize(text)
    earlier = Comment.objects.filter(article=article, email__iexact=email).values_list("text", flat=True)
    if any(normalize(previous) == same_text for previous in earlier):
        raise CommentRefused(_("سبق أن أرسلت هذا التعليق نفسه على هذا المقال."))
    email_key = hashlib.sha256(email.encode()).hexdigest()[:16]  # no address in the shared cache
    flooding = over_limit(f"flood:email:{email_key}", limit=1, seconds=FLOOD_SECONDS)
    flooding |= over_limit(f"flood:ip:{ip_hash}", limit=1, seconds=FLOOD_SECONDS)
    if flooding:
        raise CommentRefused(_("تمهّل قليلاً: انتظر بضع ثوانٍ قبل إرسال تعليق آخر."), status=429)
    too_many = over_limit(f"rate:email:{email_key}", limit=RATE_LIMIT, seconds=RATE_WINDOW_SECONDS)
    too_many |= over_limit(f"rate:ip:{ip_hash}", limit=RATE_LIMIT, seconds=RATE_WINDOW_SECONDS)
    if too_many:
        raise CommentRefused(_("أرسلت تعليقات كثيرة في وقت قصير؛ حاول مجدداً بعد دقائق."), status=429)

    staff = bool(user and user.is_authenticated and user.is_staff)
    verdict = policy.verdict(email=email, ip_hash=ip_hash, text=text, website=website, staff=staff)
    if verdict.status == Verdict.REFUSED:
        raise CommentRefused(_("تعذّر نشر تعليقك."), status=403)  # neutral on purpose

    if parent is not None and parent.parent_id:  # replies are one level deep
        parent = parent.parent
    comment = Comment(
        article=article, parent=parent, name=name.strip(), email=email, website=website, text=text.strip(),
        status=verdict.status, held_reason=verdict.reason, ip_hash=ip_hash, user_agent=user_agent[:300],
        staff_author=user if staff else None,
    )  # fmt: skip
    comment.full_clean()
    comment.save()
    if comment.status == Comment.Status.APPROVED:
        refresh_comment_count(article.pk)
    else:
        transaction.on_commit(lambda: notify_moderators.enqueue(comment.pk))
    return comment


@transaction.atomic
def comment_moderate(*, comment: Comment, moderator, status: str | None = None, featured: bool | None = None):
    """Move a comment to `status` and/or (un)feature it, recording who did it; any decision
    can be undone by another one."""
    decision = ModerationDecision(
        comment=comment, moderator=moderator, from_status=comment.status, to_status=status or comment.status
    )
    if status:
        comment.status = status
    if featured is not None:
        comment.is_featured = decision.featured = featured
    comment.save(update_fields=["status", "is_featured"])
    decision.save()
    if status == Comment.Status.APPROVED:
        comment.reports.all().delete()  # a moderator looked at it: the reports are answered
    refresh_comment_count(comment.article_id)
    return decision


def comment_report(*, comment: Comment, ip_hash: str) -> bool:
    """A reader flags a published comment (once per reader); True if it was new."""
    _report, created = CommentReport.objects.get_or_create(comment=comment, ip_hash=ip_hash)
    return created


def commenter_export(email: str) -> dict:
    """Everything Midad keeps about one commenter, for a data request."""
    comments = Comment.objects.by_email(email).select_related("article").order_by("created_at")
    return {
        "email": email.strip().lower(),
        "comments": [
            {
                "article": str(comment.article),
                "name": comment.name,
                "website": comment.website,
                "text": comment.text,
                "status": comment.status,
                "created_at": comment.created_at.isoformat(),
                "ip_hash": comment.ip_hash,
            }
            for comment in comments
        ],
    }


@transaction.atomic
def commenter_erase(email: str) -> int:
    """Delete every comment (with its replies and reports) of one commenter; returns how many."""
    comments = Comment.objects.by_email(email)
    articles = set(comments.values_list("article_id", flat=True))
    count = comments.count()
    comments.delete()
    for article_id in articles:
        refresh_comment_count(article_id)
    return count
