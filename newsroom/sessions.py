"""Sessions: in the database, read through the cache (Django's `cached_db`).

Readers' sessions (the comments they are waiting for) and editors' are read from the cache
on every request, not from PostgreSQL. A key the database does not know — an expired or
logged-out session's cookie, or a made-up one — is remembered as unknown for a while too:
otherwise each request carrying it would cost a database query, however often it came.
"""

from django.conf import settings
from django.contrib.sessions.backends import cached_db

from newsroom import cachetags

UNKNOWN = "unknown"  # what the cache holds for a key the database does not know
UNKNOWN_SECONDS = 300


class SessionStore(cached_db.SessionStore):
    @classmethod
    def cache_keys_of(cls, request) -> list[str]:
        """The cache key of the session `request` brings, if any: the page cache fetches it
        with the page's other entries, one round trip for both (newsroom/pagecache.py)."""
        store = cls(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        return [store.cache_key] if store.session_key else []

    def load(self):
        key = self.cache_key
        data = cachetags.read(key)  # the default cache: SESSION_CACHE_ALIAS is left as it is
        if data == UNKNOWN:
            self._session_key = None  # as for any unknown key: a new one if the session is saved
            return {}
        if data is not None:
            return data
        data = super().load()  # the cache again (another process may have filled it), then the database
        if self._session_key is None:  # the database does not know the key either
            self._cache.set(key, UNKNOWN, UNKNOWN_SECONDS)
        return data
