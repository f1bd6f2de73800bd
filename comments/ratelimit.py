"""Counting attempts in the shared cache, so limits hold across workers and hosts."""

from django.core.cache import cache


def over_limit(key: str, *, limit: int, seconds: int) -> bool:
    """Count one attempt for `key`; True once more than `limit` happened within the window."""
    key = f"ratelimit:{key}"
    if cache.add(key, 1, seconds):  # atomic: only the first attempt of a window creates it
        return limit < 1
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, seconds)
        return limit < 1
