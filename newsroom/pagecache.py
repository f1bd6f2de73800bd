"""Whole pages for anonymous readers, answered before most of the middleware runs.

`PageCacheMiddleware` sits right after WhiteNoise. A GET from a reader without a personal
cookie (session, remembered commenter, flash messages) is looked up under its scheme, host
and full path; a current page costs two cache round trips and no SQL: the page, then the
change times of what it shows together with the shared fragments it contains.

Pages are cached only from views wrapped in `cache_public_page`, and only when the answer is
a 200 without cookies, `private` or `no-cache`. Such a page carries nothing personal (no
CSRF token or form stamp: forms fetch them when a reader starts writing), so shared caches
may hold it too: it is sent with `s-maxage`, `stale-while-revalidate` and an `ETag`.

Shared fragments — the header's dates, the menu, the ticker, most read, the footer — are
the same on every page and change on their own schedule. Pages hold a marker for each
(`{% shared %}`), filled from the fragment cache on every response, so publishing a story
updates the ticker of every page without expiring a single page.
"""

import hashlib
import re
import threading
import time
from collections import OrderedDict
from contextlib import nullcontext
from dataclasses import dataclass, replace
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.text import compress_string

from newsroom import cachetags, db_router, formstamp, fragments, metrics, sessions

PAGE_SECONDS = 60
PAGE_KEY_PREFIX = "page:v3:"  # a new version when what an entry holds changes: deploys then miss
# Shared caches (nginx, a CDN) cannot hear our expiries: they keep a page only briefly, and
# may serve it this long while they fetch a fresh one. Browsers revalidate with the ETag.
SHARED_SECONDS = 5
STALE_SECONDS = 30
# No Vary: the language comes from the path, and readers with cookies never get these pages.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Security-Policy", "X-Frame-Options")
CSRF_FIELD = b'<input type="hidden" name="csrfmiddlewaretoken" value="" data-csrf-field>'
LOCAL_BUDGET_BYTES = 2 * 1024 * 1024  # of recent pages a process keeps (RecentPages)
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
SHARED_MARKER = re.compile(rb"<!--shared:([a-z_]+):([a-z-]+):([\w-]*)-->")


def is_anonymous_get(request) -> bool:
    """Whether the answer to `request` is the same for every reader (and may be shared)."""
    personal = {settings.SESSION_COOKIE_NAME, *settings.PAGECACHE_BYPASS_COOKIES}
    return request.method in ("GET", "HEAD") and not personal & request.COOKIES.keys()


def cache_public_page(view):
    """Mark a view's answers to anonymous readers as pages the page cache may keep, and that
    a read replica may answer (newsroom/db_router.py)."""

    @wraps(view)
    def marked_view(request, *args, **kwargs):
        request.page_cacheable = True
        cachetags.depends("settings")  # every page shows dates in the site's calendar and digits
        with db_router.public_reads(request, anonymous=is_anonymous_get(request)):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()  # the template's queries too
        return response

    return marked_view


def _page_key(request) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return PAGE_KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()  # Arabic URLs are long


def _split(content: bytes) -> tuple[list[bytes], list[tuple[str, str, str]]]:
    """The HTML around the shared-fragment markers, and the markers: filling is then a join."""
    parts = SHARED_MARKER.split(content)  # chunk, name, language, arg, chunk, …
    markers = [tuple(part.decode() for part in parts[i : i + 3]) for i in range(1, len(parts), 4)]
    return parts[::4], markers


def _fill(chunks: list[bytes], markers, found: fragments.Found | None = None) -> tuple[bytes, list[int]]:
    """The page with the current shared fragments in place of its `markers`, and when each of
    them was rendered (ns). Fragments not in `found` are fetched in one go."""
    found = found or fragments.fetch((), markers)
    filled, rendered = [chunks[0]], []
    for marker, chunk in zip(markers, chunks[1:], strict=True):
        fragment = fragments.render(marker, found)
        filled += (fragment.value.encode(), chunk)
        rendered.append(fragment.rendered_at)
    return b"".join(filled), rendered


def _with_value(content: bytes, field: bytes, value: str) -> bytes:
    """`content` with the reader's own `value` in every empty `field`."""
    return content.replace(field, field.replace(b'value=""', f'value="{value}"'.encode()))


def _set_content(response, content: bytes) -> None:
    """New content, and a Content-Length that says so (CommonMiddleware measured the old)."""
    response.content = content
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(content))


def _finish(response, entry: cachetags.Entry, gzipped: bool, found=None) -> "Finished":
    """Fill in the shared fragments, then the validators and caching headers of a page that is
    the same for every reader; gzipped for readers who take it."""
    chunks, markers, _headers = entry.value
    content, rendered = _fill(chunks, markers, found)
    _set_content(response, content)
    # The same page and fragment renders make the same bytes: their times identify the content.
    versions = repr((entry.rendered_at, rendered)).encode()
    response["ETag"] = f'"{hashlib.blake2b(versions, digest_size=16).hexdigest()}"'
    last_modified = max([entry.rendered_at, *rendered]) // 1_000_000_000
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=SHARED_SECONDS,
        stale_while_revalidate=STALE_SECONDS,
    )
    response["Vary"] = "Accept-Encoding"
    if gzipped:
        # Once for all readers (GZipMiddleware would on each answer), without BREACH padding: a
        # shared page holds no secret, its CSRF field is empty.
        _set_content(response, compress_string(response.content, max_random_bytes=0))
        response["Content-Encoding"] = "gzip"
        response["ETag"] = response["ETag"][:-1] + '-gzip"'  # another representation, another validator
    return Finished(response.content, dict(response.items()), last_modified, entry.until)


def accepts_gzip(request) -> bool:
    return bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


@dataclass(frozen=True)
class Finished:
    """A page as every anonymous reader who takes the same encoding gets it now, until `until`
    (epoch seconds) at most."""

    content: bytes
    headers: dict[str, str]
    last_modified: int
    until: float

    def answer(self, request):
        """The page, or 304 when the reader's copy is current."""
        response = HttpResponse(self.content, headers=self.headers)
        return get_conditional_response(
            request, etag=self.headers["ETag"], last_modified=self.last_modified, response=response
        )


class RecentPages:
    """Pages this process answered moments ago, finished, to answer again without asking the
    shared cache.

    Checking a page costs two round trips to the shared cache, and a popular page is asked for
    many times a second. For `settings.PAGECACHE_LOCAL_SECONDS` a process reuses what it
    checked: a change reaches readers served by *other* processes at most that much later. The
    process that expires tags forgets everything at once (`cachetags.tags_expired`). Pages are
    kept per encoding, under (key, gzipped), as readers get them: nearly all take gzip, a fifth of
    the bytes. Bounded by `budget` bytes of content; the oldest pages go first."""

    def __init__(self, budget: int):
        self.budget = budget
        self.pages: OrderedDict[tuple[str, bool], tuple[float, Finished]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: tuple[str, bool]) -> Finished | None:
        with self.lock:
            kept_until, page = self.pages.get(key, (0.0, None))
        if page is not None and time.monotonic() < kept_until and time.time() < page.until:
            return page
        return None

    def put(self, key: tuple[str, bool], page: Finished) -> None:
        seconds = settings.PAGECACHE_LOCAL_SECONDS
        if seconds <= 0 or len(page.content) > self.budget:
            return
        now = time.monotonic()
        with self.lock:
            if (old := self.pages.pop(key, None)) is not None:
                self.size -= len(old[1].content)
            self.pages[key] = (now + seconds, page)  # kept in the order they expire
            self.size += len(page.content)
            while self.pages and (self.size > self.budget or next(iter(self.pages.values()))[0] <= now):
                self.size -= len(self.pages.popitem(last=False)[1][1].content)

    def clear(self, **_signal) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0


recent_pages = RecentPages(budget=LOCAL_BUDGET_BYTES)
cachetags.tags_expired.connect(recent_pages.clear, dispatch_uid="pagecache.recent_pages")
cachetags.cleared.connect(recent_pages.clear, dispatch_uid="pagecache.recent_pages.cleared")


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _page_key(request)
        if not is_anonymous_get(request):
            with self.planned(request, key):
                return self.fill(request, self.get_response(request))
        kept = (key, accepts_gzip(request))
        if (page := recent_pages.get(kept) or self.from_cache(kept)) is not None:
            metrics.PAGE_CACHE_HITS.inc()
            return page.answer(request)
        metrics.PAGE_CACHE_MISSES.inc()
        started = time.time_ns()
        with cachetags.collecting() as shown, self.planned(request, key):
            response = self.get_response(request)
            if not (getattr(request, "page_cacheable", False) and self.cacheable(response)):
                return self.fill(request, response)
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            entry = cachetags.save(key, (*_split(response.content), headers), shown, started, PAGE_SECONDS)
            response["X-Page-Cache"] = "miss"
            page = _finish(response, entry, gzipped=kept[1])
        # A later reader of this process gets it as a hit, like readers of other processes.
        recent_pages.put(kept, replace(page, headers={**page.headers, "X-Page-Cache": "hit"}))
        return page.answer(request)

    @staticmethod
    def planned(request, key: str):
        """A GET's cached parts, the shared fragments it shows and the reader's session in one
        round trip (`cachetags.planned`)."""
        if request.method not in ("GET", "HEAD"):
            return nullcontext()
        return cachetags.planned(key, also=sessions.SessionStore.cache_keys_of(request))

    @staticmethod
    def from_cache(kept: tuple[str, bool]) -> Finished | None:
        key, gzipped = kept
        entry = cachetags.cache.get(key)
        if not isinstance(entry, cachetags.Entry):
            return None
        _chunks, markers, headers = entry.value
        found = fragments.fetch(entry.tags, markers)  # one round trip for the rest
        if not entry.is_current(found.changes):
            return None
        page = _finish(HttpResponse(headers={**headers, "X-Page-Cache": "hit"}), entry, gzipped, found)
        recent_pages.put(kept, page)
        return page

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
        """Shared fragments, the reader's CSRF token and form stamp in any other HTML answer
        (personal pages, 404s)."""
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        content = _fill(*_split(response.content))[0]
        if CSRF_FIELD in content:
            content = _with_value(content, CSRF_FIELD, get_token(request))
            # The CSRF middleware has answered already: give a new token its cookie here.
            CsrfViewMiddleware(lambda request: response).process_response(request, response)
        if formstamp.FIELD in content:
            content = _with_value(content, formstamp.FIELD, formstamp.issue())
        _set_content(response, content)
        return response
