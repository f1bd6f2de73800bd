"""Log lines for machines (LOG_FORMAT=json), each with the id of the request it belongs to.

The id comes from the proxy in front (nginx's `$request_id`, sent as X-Request-ID), so that its
access log, gunicorn's and the site's lines about one request can be found together.
"""

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")  # what reaches a log line from a request header
_request_id: ContextVar[str] = ContextVar("request_id", default="")


@contextmanager
def request_id_of(request) -> Iterator[None]:
    """While the block runs, lines logged in this thread (or task) carry `request`'s id."""
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    token = _request_id.set(offered if _SAFE_ID.fullmatch(offered) else "")
    try:
        yield
    finally:
        _request_id.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the request id, the HTTP status
    and the traceback when there are. Arabic stays readable (no \\u escapes)."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if request_id := _request_id.get():
            line["request_id"] = request_id
        if status_code := getattr(record, "status_code", None):
            line["status_code"] = status_code
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
