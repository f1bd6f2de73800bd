"""Background work: it must never slow down a reader posting a comment."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _


@task
def notify_moderators(comment_id: int) -> int:
    """Email the moderators about a held comment; returns how many were told."""
    from comments.models import Comment, ModerationSettings

    recipients = ModerationSettings.load().notify_list
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if not recipients or comment is None or comment.status != Comment.Status.PENDING:
        return 0
    body = _(
        "تعليق جديد من %(name)s على «%(article)s» ينتظر المراجعة:\n\n%(text)s\n\nالسبب: %(reason)s\n%(url)s"
    ) % {
        "name": comment.name,
        "article": comment.article,
        "text": comment.text,
        "reason": comment.held_reason,
        "url": settings.SITE_URL + reverse("comments:queue"),
    }
    send_mail(_("مداد: تعليق بانتظار المراجعة"), body, None, recipients)
    return len(recipients)
