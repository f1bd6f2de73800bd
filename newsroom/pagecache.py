"""Whole pages for anonymous readers, answered before most of the middleware runs.

`PageCacheMiddleware` sits right after WhiteNoise. A GET from a reader without a personal
cookie (session, remembered commenter, flash messages) is looked up under its scheme, host
and full path; a current page costs two cache round trips and no SQL: the page, then the
change times of what it shows together with the shared fragments it contains.

Pages are cached only from views wrapped in `cache_public_page`, and only when the answer is
a 200 without cookies, `private` or `no-cache`. Such a page carries nothing personal (no
CSRF token: forms fetch one when a reader starts writing), so shared caches may hold it
too: it is sent with `s-maxage`, `stale-while-revalidate` and an `ETag`.

Shared fragments — the header's dates, the menu, the ticker, most read, the footer — are
the same on every page and change on their own schedule. Pages hold a marker for each
(`{% shared %}`), filled from the fragment cache on every response, so publishing a story
updates the ticker of every page without expiring a single page.
"""

import hashlib
import re
import time
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from newsroom import cachetags, fragments

PAGE_SECONDS = 60
PAGE_KEY_PREFIX = "page:v2:"  # a new version when what an entry holds changes: deploys then miss
# Shared caches (nginx, a CDN) cannot hear our expiries: they keep a page only briefly, and
# may serve it this long while they fetch a fresh one. Browsers revalidate with the ETag.
SHARED_SECONDS = 5
STALE_SECONDS = 30
# No Vary: the language comes from the path, and readers with cookies never get these pages.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Security-Policy", "X-Frame-Options")
CSRF_FIELD = b'<input type="hidden" name="csrfmiddlewaretoken" value="" data-csrf-field>'
SHARED_MARKER = re.compile(rb"<!--shared:([a-z_]+):([a-z-]+):([\w-]*)-->")


def is_anonymous_get(request) -> bool:
    """Whether the answer to `request` is the same for every reader (and may be shared)."""
    personal = {settings.SESSION_COOKIE_NAME, *settings.PAGECACHE_BYPASS_COOKIES}
    return request.method in ("GET", "HEAD") and not personal & request.COOKIES.keys()


def cache_public_page(view):
    """Mark a view's answers to anonymous readers as pages the page cache may keep."""

    @wraps(view)
    def marked_view(request, *args, **kwargs):
        request.page_cacheable = True
        cachetags.depends("settings")  # every page shows dates in the site's calendar and digits
        return view(request, *args, **kwargs)

    return marked_view


def _page_key(request) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return PAGE_KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()  # Arabic URLs are long


def _markers(content: bytes) -> list[tuple[str, str, str]]:
    return [tuple(part.decode() for part in found) for found in SHARED_MARKER.findall(content)]


def _fill(content: bytes, markers, found: fragments.Found | None = None) -> tuple[bytes, int]:
    """`content` with the current shared fragments in place of its `markers`, and the time
    (ns) the newest of them was rendered. Fragments not in `found` are fetched in one go."""
    found = found or fragments.fetch((), markers)
    newest = 0
    for marker in markers:
        fragment = fragments.render(marker, found)
        content = content.replace("<!--shared:{}:{}:{}-->".format(*marker).encode(), fragment.value.encode())
        newest = max(newest, fragment.rendered_at)
    return content, newest


def _set_content(response, content: bytes) -> None:
    """New content, and a Content-Length that says so (CommonMiddleware measured the old)."""
    response.content = content
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(content))


def _finish(request, response, entry: cachetags.Entry, found=None):
    """Fill in the shared fragments, then the validators and caching headers of a page that is
    the same for every reader; answers 304 when the reader's copy is current."""
    content, _headers, markers = entry.value
    content, newest = _fill(content, markers, found)
    _set_content(response, content)
    last_modified = max(entry.rendered_at, newest) // 1_000_000_000
    response["ETag"] = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=SHARED_SECONDS,
        stale_while_revalidate=STALE_SECONDS,
    )
    del response["Vary"]
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=last_modified, response=response
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_anonymous_get(request):
            return self.fill(request, self.get_response(request))
        key = _page_key(request)
        if (hit := self.from_cache(request, key)) is not None:
            return hit
        started = time.time_ns()
        with cachetags.collecting() as shown:
            response = self.get_response(request)
        if not (getattr(request, "page_cacheable", False) and self.cacheable(response)):
            return self.fill(request, response)
        headers = {name: response[name] for name in KEPT_HEADERS if name in response}
        page = (response.content, headers, _markers(response.content))
        entry = cachetags.save(key, page, shown, started, PAGE_SECONDS)
        response["X-Page-Cache"] = "miss"
        return _finish(request, response, entry)

    @staticmethod
    def from_cache(request, key: str):
        entry = cachetags.cache.get(key)
        if not isinstance(entry, cachetags.Entry):
            return None
        _content, headers, markers = entry.value
        found = fragments.fetch(entry.tags, markers)  # one round trip for the rest
        if not entry.is_current(found.changes):
            return None
        response = HttpResponse(headers=headers)
        response["X-Page-Cache"] = "hit"
        return _finish(request, response, entry, found)

    @staticmethod
    def cacheable(response) -> bool:
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "no-cache" not in cache_control
            and "private" not in cache_control
        )

    @staticmethod
    def fill(request, response):
        """Shared fragments and the reader's CSRF token in any other HTML answer (personal
        pages, 404s)."""
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        content = _fill(response.content, _markers(response.content))[0]
        if CSRF_FIELD in content:
            token = f'value="{get_token(request)}"'.encode()
            content = content.replace(CSRF_FIELD, CSRF_FIELD.replace(b'value=""', token))
            # The CSRF middleware has answered already: give a new token its cookie here.
            CsrfViewMiddleware(lambda request: response).process_response(request, response)
        _set_content(response, content)
        return response
