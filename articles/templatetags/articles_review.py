from django import template

from articles.models import Article

register = template.Library()

QUEUE_SHOWN = 25


@register.inclusion_tag("admin/articles/review_queue.html", takes_context=True)
def review_queue(context):
    """The editors' panel on the admin's first page: the articles waiting for their review."""
    if not context["request"].user.has_perm("articles.publish_article"):
        return {"shown": False}
    waiting = Article.objects.awaiting_review()
    return {
        "shown": True,
        "count": waiting.count(),
        "articles": waiting.select_related("author").prefetch_related("translations")[:QUEUE_SHOWN],
    }
