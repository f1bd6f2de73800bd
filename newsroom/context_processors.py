"""What every page's template may use besides Django's own context."""

from django.utils.functional import SimpleLazyObject


def canonical_url(request):
    """The page's absolute address without its query string; an article's view gives its own."""
    return {"canonical_url": SimpleLazyObject(lambda: request.build_absolute_uri(request.path))}
