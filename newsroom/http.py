"""Facts about a request that depend on how the site is deployed."""

import hashlib
import hmac

from django.conf import settings


def client_ip(request) -> str:
    """The reader's address. Behind TRUSTED_PROXY_COUNT proxies (nginx, a load balancer)
    it is the address the outermost trusted proxy saw, read from X-Forwarded-For from the
    right, so a reader cannot choose it by sending the header themselves."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()
    ]
    if proxies and forwarded:
        return forwarded[-min(proxies, len(forwarded))]
    return request.META.get("REMOTE_ADDR", "")


def keyed_hash(purpose: str, value: str) -> str:
    """What is stored instead of something about a reader (their address, their browser): a
    hash keyed with SECRET_KEY and `purpose`, the same every time, useless without the key."""
    key = hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
