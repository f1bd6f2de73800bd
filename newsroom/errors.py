"""What a request the site cannot answer normally gets: an Arabic page in the site's design
(templates/error.html), never cached, and one log line unless the fault is ours.

Django's own error views re-run the CSRF check (`requires_csrf_token`), which parses the
body again: a body Django had refused (a charset other than UTF-8, a multipart form without
a boundary) made the error view fail too, and the reader got gunicorn's bare 500. These
views never read the body, and their pages need neither the request nor the database.
A Content-Type header Django cannot parse fails even earlier, while Django builds the
request: `refuse_unreadable_requests` answers it in front of Django (newsroom/wsgi.py).
"""

import codecs
import copy
import logging
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, QueryDict
from django.http.request import RawPostDataException
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_header_parameters
from django.utils.log import log_message

security_logger = logging.getLogger("django.security.BadRequest")


def error_page(status: int) -> HttpResponse:
    response = HttpResponse(render_to_string(f"{status}.html"), status=status)
    add_never_cache_headers(response)
    return response


def bad_request(request, exception):
    """400, or 413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE. A view that offers an
    `unparsed_fallback` (the comment form) answers a post whose body Django could not parse
    itself: the form again, with what could be recovered of it."""
    status = 413 if isinstance(exception, RequestDataTooBig) else 400
    if fallback := posted_fallback(request, "unparsed_fallback"):
        try:
            return fallback(exception, status)
        except Http404:  # nothing to post to: the plain page
            pass
    return error_page(status)


def posted_fallback(request, name: str):
    """The answer the view of a refused POST offers under `name` (`csrf_fallback`,
    `unparsed_fallback`), given the request and the URL's arguments; None if it offers none."""
    match = request.resolver_match
    fallback = getattr(match.func, name, None) if match and request.method == "POST" else None
    if fallback is None:
        return None
    return lambda *details: fallback(request, *details, *match.args, **match.kwargs)


def recoverable_fields(request, limit: int = 64 * 1024) -> QueryDict | None:
    """The fields in the first `limit` bytes of a form Django refused to parse (too big, too
    many fields, another charset), the last one perhaps cut short; None when the body is not
    an urlencoded form or is gone (a multipart body is read while it is parsed)."""
    if request.content_type != "application/x-www-form-urlencoded":
        return None
    try:
        head = request.body[:limit]
    except RequestDataTooBig:  # refused on its Content-Length, before a byte was read
        head = request.read(limit)
    except RawPostDataException:
        return None
    fields = QueryDict(mutable=True)
    for name, value in parse_qsl(head.decode(errors="replace"), keep_blank_values=True):
        fields.appendlist(name, value)
    return fields


def permission_denied(request, exception):
    return error_page(403)


def page_not_found(request, exception):
    """The site's own 404, with its header and search (the host and database are fine here)."""
    response = render(request, "404.html", status=404)
    add_never_cache_headers(response)
    return response


def server_error(request):
    return error_page(500)


def unreadable_content_type(environ) -> bool:
    """Whether Django would fail to build a request from `environ`: WSGIRequest() parses the
    Content-Type header and looks its charset up, and only an unknown charset is forgiven
    (not an unknown RFC 2231 encoding, a NUL, a header over 10,000 characters)."""
    try:
        _media_type, parameters = parse_header_parameters(environ.get("CONTENT_TYPE", ""))
        if "charset" in parameters:
            codecs.lookup(parameters["charset"])
    except LookupError:
        return False
    except ValueError:
        return True
    return False


def refuse_unreadable_requests(application):
    """The WSGI `application`, with a 400 page for a request Django could not even build."""

    def guarded(environ, start_response):
        if not unreadable_content_type(environ):
            return application(environ, start_response)
        path = environ.get("PATH_INFO", "")
        log_message(security_logger, "Invalid Content-Type header: %s", path, status_code=400)
        with translation.override(settings.LANGUAGE_CODE):
            response = error_page(400)
        start_response("400 Bad Request", list(response.items()))
        return [response.content]

    return guarded


class ClientErrorsInOneLine(logging.Filter):
    """A request refused with a 4xx (a forged Host header, a body too big, too many fields) is
    the client's doing, not a bug: one line naming the exception, without the traceback Django
    attaches. Server errors keep theirs."""

    def filter(self, record):
        exception = record.exc_info[0] if record.exc_info else None
        if exception is None or getattr(record, "status_code", 500) >= 500:
            return True
        line = copy.copy(record)  # the record is shared with the other handlers
        line.msg, line.args = f"{record.getMessage()} [{exception.__name__}]", ()
        line.exc_info = line.exc_text = None
        return line
