"""Shared fragments: pieces of HTML that every page shows the same way (ticker, menu, …).

Each is registered once with the tags it shows, known in advance, so the page cache can
fetch a page's fragments and check them in the same round trip as the page itself (see
newsroom/pagecache.py). Templates place them with ``{% shared "ticker" %}``.

Constant fragments show no content at all, only words, static files and addresses (the
stylesheet links, the masthead, the ticker's frame): ``{% constant "includes/masthead.html" %}``
renders such a template once per process and language (`constant`), which is all that can
change them — a deploy starts new processes. In development (DEBUG) they render every time.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.utils import translation

from newsroom import cachetags


@dataclass(frozen=True)
class SharedFragment:
    template: str
    tags: tuple[str, ...]
    context: Callable[[str], dict]  # the marker's argument → template context
    seconds: Callable[[], int]  # how long it may live, at most


REGISTRY: dict[str, SharedFragment] = {}


def register(name: str, template: str, *, tags: tuple[str, ...], seconds: int | Callable[[], int]):
    """Decorator: `function(arg)` gives the context of fragment `name`."""

    def decorator(context):
        lifetime = seconds if callable(seconds) else (lambda: seconds)
        REGISTRY[name] = SharedFragment(template, (*tags, "settings"), context, lifetime)
        return context

    return decorator


def marker(name: str, arg: str = "") -> str:
    """What a page holds in place of fragment `name` (filled on the way out)."""
    if name not in REGISTRY:
        raise KeyError(f"No shared fragment called {name!r}")
    return f"<!--shared:{name}:{translation.get_language()}:{arg}-->"


def current(name: str, arg: str = "") -> str:
    """Fragment `name` in the active language, as it is now."""
    marker = (name, translation.get_language(), arg)
    return render(marker, fetch((), [marker])).value


def _key(name: str, language: str, arg: str) -> str:
    return f"shared:{name}:{language}:{arg}"


@dataclass
class Found:
    """What one round trip brought back: change times of tags and fragment entries."""

    changes: dict[str, int]
    entries: dict[str, cachetags.Entry]


def fetch(tags, markers) -> Found:
    """In one round trip (none when a page's render fetched them ahead: cachetags.planned):
    when `tags` and the markers' fragments' tags changed, and the fragments' cached entries."""
    all_tags = set(tags).union(*(REGISTRY[name].tags for name, _language, _arg in markers))
    entries, changes = cachetags.fetch_planned([_key(*marker) for marker in markers], all_tags)
    return Found(changes, entries)


def render(marker: tuple[str, str, str], found: Found) -> cachetags.Entry:
    """Fragment (name, language, arg) as it is now: from `found` if current, else rendered."""
    name, language, arg = marker
    fragment, key = REGISTRY[name], _key(*marker)
    entry = found.entries.get(key)
    if isinstance(entry, cachetags.Entry) and entry.is_current(found.changes):
        return entry
    with translation.override(language):
        return cachetags.store(
            key,
            lambda: render_to_string(fragment.template, fragment.context(arg)),
            fragment.seconds(),
            fragment.tags,
        )


def constant(template: str) -> str:
    """`template` rendered without a context in the active language, once per process."""
    if settings.DEBUG:  # templates being edited
        return render_to_string(template)
    return _rendered_once(template, translation.get_language())


@functools.cache
def _rendered_once(template: str, language: str) -> str:
    return render_to_string(template)


setting_changed.connect(
    lambda **_signal: _rendered_once.cache_clear(), weak=False, dispatch_uid="fragments.constant"
)
