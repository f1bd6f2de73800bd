"""Caching by dependency in templates: ``{% load cachetags %}`` (see newsroom/cachetags.py).

- ``{% depends article "list:home" %}``: this render shows these objects (their
  ``cache_tags``) or tags.
- ``{% cached "name" key … [when=condition] %}…{% endcached %}``: the block is rendered once
  and reused until something it declared with ``{% depends %}`` changes (or for at most a
  page's lifetime, since it may show relative times). Keyed by the name, the keys and the
  language; with ``when=`` false (a preview of a draft) it is rendered every time.
- ``{% shared "ticker" [arg] %}``: a marker for a shared fragment (newsroom/fragments.py).
- ``{% constant "includes/masthead.html" %}``: a template that shows no content, only words,
  static files and addresses, rendered once per process and language (newsroom/fragments.py).
- ``{% csrf_field %}``: ``{% csrf_token %}`` for HTML that may be cached and shared: the
  field is empty, filled with the reader's own token on personal pages by the page cache
  middleware, and by the reader's script (from /csrf/) on pages every reader gets.
- ``{% stamp_field %}``: the same for a form stamp (newsroom/formstamp.py).
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from newsroom import cachetags, formstamp, fragments
from newsroom.pagecache import CSRF_FIELD, PAGE_SECONDS

register = template.Library()


def tags_of(*shown) -> list[str]:
    """Tags of objects (their `cache_tags`) and plain tag strings."""
    tags = []
    for item in shown:
        if isinstance(item, str):
            tags.append(item)
        elif isinstance(item, list | tuple):
            tags.extend(tags_of(*item))
        elif item is not None:
            tags.extend(item.cache_tags)
    return tags


@register.simple_tag
def depends(*shown) -> str:
    cachetags.depends(*tags_of(*shown))
    return ""


@register.simple_tag
def csrf_field() -> str:
    return mark_safe(CSRF_FIELD.decode())


@register.simple_tag
def stamp_field() -> str:
    return mark_safe(formstamp.FIELD.decode())


@register.simple_tag
def shared(name: str, arg: object = "") -> str:
    return mark_safe(fragments.marker(name, str(arg or "")))


@register.simple_tag
def constant(template_name: str) -> str:
    return mark_safe(fragments.constant(template_name))


class CachedNode(template.Node):
    def __init__(self, nodelist, name, keys, when):
        self.nodelist, self.name, self.keys, self.when = nodelist, name, keys, when

    def render(self, context):
        if self.when is not None and not self.when.resolve(context):
            return self.nodelist.render(context)
        keys = ":".join(str(key.resolve(context)) for key in self.keys)
        key = f"region:{self.name.resolve(context)}:{get_language()}:{keys}"
        return mark_safe(cachetags.remember(key, lambda: self.nodelist.render(context), PAGE_SECONDS))


@register.tag
def cached(parser, token):
    bits = token.split_contents()[1:]
    when = parser.compile_filter(bits.pop()[len("when=") :]) if bits[-1].startswith("when=") else None
    name, *keys = (parser.compile_filter(bit) for bit in bits)
    nodelist = parser.parse(("endcached",))
    parser.delete_first_token()
    return CachedNode(nodelist, name, keys, when)
