"""What a reader's browser keeps for comments: the name and email it was asked to remember
(signed cookie), and the reader's comments still awaiting review (session)."""

import json

from django.core import signing

REMEMBER_COOKIE = "midad_commenter"
REMEMBER_SECONDS = 365 * 24 * 60 * 60
PENDING_SESSION_KEY = "my_pending_comments"


def remembered_commenter(request) -> dict:
    """Name and email the reader asked this browser to remember."""
    try:
        return json.loads(request.get_signed_cookie(REMEMBER_COOKIE, salt=REMEMBER_COOKIE))
    except (KeyError, signing.BadSignature, ValueError):
        return {}
