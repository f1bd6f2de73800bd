"""Who has an article's change page open. Each open page checks in every HEARTBEAT_SECONDS
(static/articles/admin/presence.js); an editor who stops checking in is forgotten after
EXPIRY_SECONDS. Kept in the cache only: if the cache is down, nobody is shown."""

import time

from django.core.cache import cache
from django.utils.translation import ngettext

HEARTBEAT_SECONDS = 20
EXPIRY_SECONDS = 50  # two missed heartbeats and a little


def editor_name(user) -> str:
    """How colleagues know `user`: their byline, else their full name, never an email address."""
    profile = getattr(user, "author_profile", None)
    name = profile.display_name if profile else user.get_full_name()
    return name or user.get_username().split("@")[0]


def check_in(article_id, user) -> list[str]:
    """Records that `user` has the article open; returns the names of the others who do."""
    key = f"article-presence:{article_id}"
    now = time.time()
    present = {
        user_id: (name, seen)
        for user_id, (name, seen) in (cache.get(key) or {}).items()
        if now - seen < EXPIRY_SECONDS
    }
    present[user.pk] = (editor_name(user), now)
    cache.set(key, present, EXPIRY_SECONDS)
    return sorted(name for user_id, (name, _seen) in present.items() if user_id != user.pk)


def notice(names: list[str]) -> str:
    if not names:
        return ""
    template = ngettext("%(names)s يحرر هذا المقال الآن", "%(names)s يحررون هذا المقال الآن", len(names))
    return template % {"names": "، ".join(names)}
