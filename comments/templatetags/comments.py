from django import template
from django.db.models import Prefetch

from comments.browser import PENDING_SESSION_KEY, remembered_commenter
from comments.forms import CommentForm
from comments.models import Comment
from comments.moderation import ModerationPolicy

register = template.Library()


@register.inclusion_tag("comments/comments.html", takes_context=True)
def render_comments(context, article):
    """The comments of an article and the form under it, in a fixed number of queries."""
    request = context["request"]
    approved_replies = Prefetch("replies", queryset=Comment.objects.approved().select_related("staff_author"))
    comments = (
        Comment.objects.approved()
        .filter(article=article, parent__isnull=True)
        .select_related("staff_author")
        .prefetch_related(approved_replies)
    )
    mine = request.session.get(PENDING_SESSION_KEY, []) if hasattr(request, "session") else []
    form = context.get("comment_form")
    if form is None:
        remembered = remembered_commenter(request)
        form = CommentForm(initial=remembered | {"remember": bool(remembered)})
        replying_to = request.GET.get("replyto", "")
    else:
        remembered, replying_to = {}, form.data.get("parent", "")
    parent = comments.filter(pk=replying_to).first() if str(replying_to).isdigit() else None
    if parent:
        form.initial["parent"] = parent.pk
    return {
        "request": request,
        "article": article,
        "comments": comments,
        "my_pending": Comment.objects.pending().filter(article=article, pk__in=mine) if mine else [],
        "form": form,
        # The same empty form for every reader: a cached region (its stamp, like its CSRF token,
        # is filled per reader).
        "blank_form": not (form.is_bound or remembered or parent),
        "replying_to": parent,
        "open": ModerationPolicy().comments_open(article),
    }
