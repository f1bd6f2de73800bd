"""Form stamps: when a reader got a form, signed, and good for one post.

A post that comes too soon after its stamp is likely a bot's; a stamp sent twice is a replay.
So a stamp is the reader's own: one in a page every reader shares would be everyone's, and
the first post would use it up. Like the CSRF field, the stamp field of such a page is empty
(`{% stamp_field %}`), filled per reader by the page cache middleware on personal pages and
by the reader's script from /csrf/ when they start writing.

Used stamps are remembered in the shared cache for as long as they could be valid. While
Redis is down nothing can be remembered and a replayed stamp is accepted: refusing every
reader's post would be worse than leaving a bot to the rate limits and moderation.
"""

import secrets

from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from newsroom.cache_backend import CacheUnavailable

MAX_AGE_SECONDS = 4 * 60 * 60  # plenty to write a comment; a refused form comes back with a new stamp
FIELD = b'<input type="hidden" name="rendered_at" value="" data-stamp-field>'
signer = signing.Signer(salt="comments.form-rendered-at")


class InvalidStamp(Exception):
    """The stamp is missing, forged, too old or used already."""


def issue(at: float | None = None) -> str:
    """A new stamp saying the reader got the form at `at` (a timestamp; now by default)."""
    issued = int(timezone.now().timestamp() if at is None else at)
    return signer.sign(f"{issued}:{secrets.token_urlsafe(12)}")


def use(stamp: str) -> int:
    """When `stamp` was issued; from now on it is used. InvalidStamp if it is no good."""
    try:
        issued, nonce = signer.unsign(stamp).split(":")
        issued = int(issued)
    except (signing.BadSignature, ValueError):
        raise InvalidStamp from None
    if timezone.now().timestamp() - issued > MAX_AGE_SECONDS:
        raise InvalidStamp
    try:
        first_use = cache.add(f"formstamp:{nonce}", 1, MAX_AGE_SECONDS)
    except CacheUnavailable:
        first_use = True
    if not first_use:
        raise InvalidStamp
    return issued
