"""Posting and moderating comments: the operations with rules and side effects."""

from django.db import transaction

from comments.models import (
    BlockedCommenter,
    Comment,
    CommentReport,
    ModerationDecision,
    refresh_comment_count,
)
from comments.moderation import ModerationPolicy, Submission, Verdict
from comments.tasks import notify_moderators
from newsroom.metrics import COMMENT_POSTS


class CommentRefused(Exception):
    """The comment cannot be accepted; `message` is for the reader, `status` for HTTP."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


class CommentDiscarded(Exception):
    """The comment looks automated: it is dropped, and the sender is not told."""


@transaction.atomic
def comment_create(
    *, article, name: str, email: str, text: str, ip_hash: str, website: str = "", parent: Comment | None = None,
    user=None, user_agent: str = "", honeypot: str = "", fill_seconds: float | None = None,
) -> Comment:  # fmt: skip
    """Ask the moderation policy about a reader's comment, and store it as approved or held."""
    email = email.strip().lower()
    staff = bool(user and user.is_authenticated and user.is_staff)
    verdict = ModerationPolicy().verdict(
        Submission(
            article=article, email=email, ip_hash=ip_hash, text=text, website=website, staff=staff,
            honeypot=honeypot, fill_seconds=fill_seconds,
        )
    )  # fmt: skip
    COMMENT_POSTS.labels(outcome=verdict.status).inc()
    if verdict.status == Verdict.DISCARDED:
        raise CommentDiscarded
    if verdict.status == Verdict.REFUSED:
        raise CommentRefused(verdict.message, status=verdict.http_status)

    if parent is not None and parent.parent_id:  # replies are one level deep
        parent = parent.parent
    comment = Comment(
        article=article, parent=parent, name=name.strip(), email=email, website=website, text=text.strip(),
        status=verdict.status, held_reason=verdict.reason, flagged=verdict.flagged, ip_hash=ip_hash, user_agent=user_agent[:300],
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


def comment_report(*, comment: Comment, ip_hash: str, reason: str, note: str = "") -> bool:
    """A reader flags a published comment, with a reason (once per reader); True if it was new."""
    _report, created = CommentReport.objects.get_or_create(
        comment=comment, ip_hash=ip_hash, defaults={"reason": reason, "note": note}
    )
    return created


def commenter_block(email: str, kind: str, *, with_ip: bool, note: str) -> list[BlockedCommenter]:
    """Hold or ban by email, and by the IP hash of the latest comment if asked."""
    keys = [{"email": email, "ip_hash": ""}]
    latest = Comment.objects.by_email(email).order_by("-created_at").first()
    if with_ip and latest and latest.ip_hash:
        keys.append({"email": "", "ip_hash": latest.ip_hash})
    return [
        BlockedCommenter.objects.get_or_create(**key, kind=kind, defaults={"note": note})[0] for key in keys
    ]


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
