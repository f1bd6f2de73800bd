from django import template
from django.utils.html import format_html

from newsroom.pagecache import CSRF_PLACEHOLDER

register = template.Library()


@register.simple_tag
def csrf_token_placeholder():
    """Like {% csrf_token %}, for pages that may be cached whole (see newsroom/pagecache.py)."""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', CSRF_PLACEHOLDER)
