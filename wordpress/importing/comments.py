"""WordPress comments → Midad comments, threads one level deep; IP addresses only hashed."""

import html
import re
from dataclasses import asdict

from comments.models import Comment, ip_hash
from wordpress import content, wxr
from wordpress.importing.context import Context, checksum, parse_date
from wordpress.importing.report import ItemProblem, Kind

STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REJECTED,
    "post-trashed": Comment.Status.REJECTED,
}
NOT_COMMENTS = ("pingback", "trackback")


def threads(item: wxr.Item) -> list[tuple[wxr.Comment, wxr.Comment | None]]:
    """A post's comments, each with the first comment of its thread (None for that one), first
    comments first: Midad threads are one level deep."""
    by_id = {comment.wp_id: comment for comment in item.comments}

    def top_level(comment: wxr.Comment) -> wxr.Comment | None:
        seen, current = {comment.wp_id}, comment
        while current.parent_id in by_id and current.parent_id not in seen:
            seen.add(current.parent_id)
            current = by_id[current.parent_id]
        return current if current is not comment else None

    pairs = [(comment, top_level(comment)) for comment in item.comments]
    return sorted(pairs, key=lambda pair: pair[1] is not None)


class Comments:
    def __init__(self, context: Context):
        self.context = context
        self.author_logins = {author.wp_id: author.login for author in context.export.authors if author.wp_id}

    def save(self, comment: wxr.Comment, top: wxr.Comment | None, article_id: int) -> tuple[str, int]:
        """Import one comment (a reply to `top`): the outcome, and the comment's id."""
        if not comment.wp_id:
            raise ItemProblem("a comment without wp:comment_id")
        memory = self.context.memory
        digest = checksum(asdict(comment))
        mapping, comment_id = memory.find(Kind.COMMENT, comment.wp_id)
        if comment_id is not None and mapping.checksum == digest:
            return "unchanged", comment_id
        date = parse_date(comment.date_gmt, comment.date)
        website = html.unescape(comment.url).strip()
        staff_login = self.author_logins.get(comment.user_id) if comment.user_id != "0" else None
        values = {
            "article_id": article_id,
            "parent_id": memory.find(Kind.COMMENT, top.wp_id)[1] if top else None,
            "name": content.plain_text(comment.author)[:80] or "زائر",
            "email": comment.email.strip()[:254],
            "website": website if re.match(r"https?://", website) and len(website) <= 200 else "",
            "text": content.plain_text(comment.content),
            "status": STATUSES.get(comment.approved, Comment.Status.PENDING),
            "ip_hash": ip_hash(comment.ip.strip()) if comment.ip.strip() else "",
            "staff_author_id": memory.find(Kind.AUTHOR, staff_login)[1] if staff_login else None,
        }
        if comment_id is None:
            saved = Comment.objects.create(**values)
            outcome = "created"
        else:
            saved = Comment.objects.get(pk=comment_id)
            for name, value in values.items():
                setattr(saved, name, value)
            saved.save()
            outcome = "updated"
        if date:
            Comment.objects.filter(pk=saved.pk).update(created_at=date)
        memory.remember(Kind.COMMENT, comment.wp_id, saved.pk, digest=digest)
        return outcome, saved.pk
