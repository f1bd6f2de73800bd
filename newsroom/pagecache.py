"""Whole-page cache for anonymous readers, shared by every worker through the cache backend.

A news spike is thousands of identical anonymous requests: they are answered from the
cache for PAGE_SECONDS. Anything personal is never cached: requests with a session or
remembered-commenter cookie (editors previewing, readers with a pending comment), non-GET
requests, and responses that set cookies, are not 200, or say no-cache. Saving content
calls `expire_pages()`, which bumps a generation number so every cached page is dropped.

Forms on cached pages still need a CSRF token of the reader's own: templates write
`{% csrf_token_placeholder %}` (newsroom/templatetags/pagecache.py), the cached HTML keeps
the placeholder, and every response gets the real token substituted on the way out.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

PAGE_SECONDS = 60
GENERATION_KEY = "pagecache:generation"
CSRF_PLACEHOLDER = "__csrf_token_placeholder__"


def expire_pages() -> None:
    """Drop every cached page (they stop being found; the cache evicts them later)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def _cacheable_request(request) -> bool:
    personal = {settings.SESSION_COOKIE_NAME, *settings.PAGECACHE_BYPASS_COOKIES}
    return request.method in ("GET", "HEAD") and not personal & request.COOKIES.keys()


def _cacheable_response(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return response.status_code == 200 and not response.cookies and "no-cache" not in cache_control


def substitute_csrf_token(request, response):
    """Put this reader's CSRF token where the page has placeholders (and keep the page out
    of shared caches, since it now carries a personal token)."""
    placeholder = CSRF_PLACEHOLDER.encode()
    if placeholder in response.content:
        response.content = response.content.replace(placeholder, get_token(request).encode())
        patch_cache_control(response, private=True)
    return response


def cache_public_page(view):
    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if not _cacheable_request(request):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            return substitute_csrf_token(request, response)
        generation = cache.get_or_set(GENERATION_KEY, 1, None)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()  # Arabic URLs are long
        key = f"pagecache:{generation}:{get_language()}:{path}"
        if hit := cache.get(key):
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if not _cacheable_response(response):
                return response
            cache.set(key, (response.content, response["Content-Type"]), PAGE_SECONDS)
        patch_cache_control(response, public=True, max_age=PAGE_SECONDS)
        return substitute_csrf_token(request, response)

    return cached_view
