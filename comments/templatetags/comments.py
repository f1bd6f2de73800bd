from django import template
from django.utils.functional import SimpleLazyObject

from comments.browser import PENDING_SESSION_KEY, remembered_commenter
from comments.forms import CommentForm
from comments.models import Comment, CommentReport
from comments.moderation import ModerationPolicy

register = template.Library()


@register.inclusion_tag("comments/comments.html", takes_context=True)
def render_comments(context, article):
    """The comments of an article and the form under it, in a fixed number of queries.

    The list and the blank form are cached regions: what they show is built only when one is
    rendered (lazily), so a reader whose page hits both costs no query here but the session's."""
    request = context["request"]
    form = context.get("comment_form")  # sent back with its errors
    if form is None:
        remembered, replying_to = remembered_commenter(request), request.GET.get("replyto", "")
    else:
        remembered, replying_to = {}, form.data.get("parent", "")
    threads = SimpleLazyObject(lambda: Comment.objects.threads_of(article))
    parent = threads.filter(pk=replying_to).first() if str(replying_to).isdigit() else None
    mine = request.session.get(PENDING_SESSION_KEY, []) if hasattr(request, "session") else []
    my_pending = list(Comment.objects.pending().filter(article=article, pk__in=mine)) if mine else []
    # This reader's own pending replies, shown under their parents, make the list theirs alone.
    personal_list = any(comment.parent_id for comment in my_pending)
    comments, my_pending = (
        with_my_pending_replies(threads, my_pending) if personal_list else (threads, my_pending)
    )
    blank_form = form is None and not (remembered or parent)
    if form is None:
        form = SimpleLazyObject(lambda: CommentForm(initial=remembered | {"remember": bool(remembered)}))
    if parent:
        form.initial["parent"] = parent.pk
    return {
        "request": request,
        "article": article,
        "comments": comments,
        "my_pending": my_pending,
        "shared_list": not personal_list,
        "report_reasons": CommentReport.Reason.choices,
        "form": form,
        # The same empty form for every reader: a cached region (its stamp, like its CSRF token,
        # is filled per reader).
        "blank_form": blank_form,
        "replying_to": parent,
        "open": ModerationPolicy().comments_open(article),
    }


def with_my_pending_replies(comments, my_pending):
    """The reader's own pending replies go under their parents (`my_pending_replies`); what
    is left of `my_pending` (new comments, replies to a parent no longer shown) goes below."""
    comments = list(comments)
    parents = {comment.pk: comment for comment in comments}
    for comment in comments:
        comment.my_pending_replies = []
    rest = []
    for comment in my_pending:
        parent = parents.get(comment.parent_id)
        (parent.my_pending_replies if parent else rest).append(comment)
    return comments, rest
