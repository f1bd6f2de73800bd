from django import template

from articles.search import highlight

register = template.Library()


@register.simple_tag
def highlight_matches(text, query):
    """`text` with the words of `query` marked, whatever their Arabic spelling."""
    return highlight(text or "", query)
