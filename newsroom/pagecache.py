"""Whole-page cache for anonymous readers, shared by every worker through the cache backend.

A news spike is thousands of identical anonymous requests: they are answered from the
cache for PAGE_SECONDS. Anything personal is never cached: requests with a session cookie
(editors previewing, readers with a pending comment), non-GET requests, and responses that
set cookies, are not 200, or say no-cache. Saving content calls `expire_pages()`, which
bumps a generation number so every cached page is dropped at once.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

PAGE_SECONDS = 60
GENERATION_KEY = "pagecache:generation"


def expire_pages() -> None:
    """Drop every cached page (they stop being found; the cache evicts them later)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def _cacheable_request(request) -> bool:
    return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _cacheable_response(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return response.status_code == 200 and not response.cookies and "no-cache" not in cache_control


def cache_public_page(view):
    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
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
        return response

    return cached_view
