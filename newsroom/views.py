"""CSRF for pages every reader shares.

Cached public pages carry empty token fields (`{% csrf_field %}`, `{% stamp_field %}`): the
reader's script fills them from `csrf_token` when they start writing. A post that still
fails Django's check ends in `csrf_failure` (settings.CSRF_FAILURE_VIEW).
"""

from django.conf import settings
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from newsroom import formstamp
from newsroom.errors import posted_fallback


@require_GET
def csrf_token(request):
    """The reader's own CSRF token (and its cookie when they have none yet) and a form stamp:
    never cached."""
    response = JsonResponse({"token": get_token(request), "stamp": formstamp.issue()})
    response["Cache-Control"] = "no-store, private"
    return response


def csrf_failure(request, reason=""):
    """A post Django's CSRF check refused. An anonymous reader posting to a view that offers a
    `csrf_fallback` (the comment and report forms: a page from the shared cache without
    JavaScript, or a token gone stale) gets that view's answer: their form again, with what
    they typed and a fresh token, nothing saved. Everyone else — staff above all — is refused
    with an Arabic page. Always 403, never cached."""
    get_token(request)  # a fresh token for the form sent back, and its cookie if they had none
    fallback = posted_fallback(request, "csrf_fallback")
    user = getattr(request, "user", None)
    if fallback and not (user and user.is_authenticated):
        response = fallback()
    else:
        response = render(request, "403_csrf.html", {"reason": reason if settings.DEBUG else ""}, status=403)
    add_never_cache_headers(response)
    return response
