"""Links to the current page in another form: ``{% load page_links %}``.

- ``{% page_url n %}``: page `n` of a paginated list, keeping the other query parameters
  (a search's ``q``); page 1 is the list's own address, without ``page=1``.
- ``{% language_links as links %}``: (code, name, URL) of this page in each other language;
  an article (whose view gives ``translation_urls``) offers only the translations it has.
"""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language, override

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    request = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    if number != 1:
        query["page"] = number
    return f"?{query.urlencode()}" if query else request.path


@register.simple_tag(takes_context=True)
def language_links(context) -> list[tuple[str, str, str]]:
    current, links = get_language(), []
    for code, name in settings.LANGUAGES:
        url = code != current and _translated_url(context, code)
        if url:
            with override(code):  # each language by its own name
                links.append((code, str(name), url))
    return links


def _translated_url(context, code: str) -> str | None:
    if "translation_urls" in context:
        return context["translation_urls"].get(code)
    current = context["request"].get_full_path()
    translated = translate_url(current, code)
    if translated == current:  # not a page of ours (a 404): the other language's home page
        with override(code):
            return reverse("articles:home")
    return translated
