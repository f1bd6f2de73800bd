"""Facts about a request that depend on how the site is deployed."""

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
