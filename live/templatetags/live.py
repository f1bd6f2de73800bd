"""`{% load live %}`: what the article page adds for a live coverage."""

from django import template

from articles.seo import script_json
from live.seo import live_blog_data
from newsroom.cachetags import depends

register = template.Library()


@register.simple_tag(takes_context=True)
def live_jsonld(context, coverage):
    """The coverage's LiveBlogPosting, to put between <script type="application/ld+json"> tags."""
    depends(*coverage.cache_tags)
    return script_json(live_blog_data(coverage, context["request"]))
