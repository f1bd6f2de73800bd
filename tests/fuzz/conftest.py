"""Sends the fuzz suite's requests and counts them; the figures end the run (`make fuzz`)."""

from collections import Counter

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.http.request import HttpHeaders
from django.test import Client

from newsroom.errors import refuse_unreadable_requests

STATUSES: Counter[int] = Counter()
TARGETS: Counter[str] = Counter()


def wsgi_guard_answer(method: str, path: str, headers: dict) -> HttpResponse | None:
    """The answer of the guard in front of Django (newsroom/wsgi.py), which the test client
    skips: it builds Django's request itself."""
    answered = {}
    guard = refuse_unreadable_requests(lambda environ, start_response: None)
    environ = HttpHeaders.to_wsgi_names(headers) | {"REQUEST_METHOD": method, "PATH_INFO": path}
    content = guard(environ, lambda status, headers: answered.update(status=int(status[:3])))
    return HttpResponse(b"".join(content), status=answered["status"]) if answered else None


@pytest.fixture
def send():
    """Sends one request as production sees it (CSRF enforced, DEBUG off, a 500 answered with
    the error page rather than raised), each in a savepoint so a failing one spoils no other."""

    def send_request(target: str, method: str, path: str, body: bytes = b"", headers=None, user=None):
        headers = headers or {}
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        if (response := wsgi_guard_answer(method, path, headers)) is None:
            with transaction.atomic():
                response = client.generic(method, path, body, headers=headers)
                transaction.set_rollback(True)
        STATUSES[response.status_code] += 1
        TARGETS[target] += 1
        return response

    return send_request


def pytest_terminal_summary(terminalreporter):
    if not STATUSES:  # nothing run in this process (another xdist worker, or deselected)
        return
    terminalreporter.section("fuzz figures")
    terminalreporter.write_line(f"requests sent: {STATUSES.total()}")
    terminalreporter.write_line(
        "by target: " + ", ".join(f"{name} {count}" for name, count in TARGETS.most_common())
    )
    terminalreporter.write_line(
        "statuses: " + ", ".join(f"{status}×{count}" for status, count in sorted(STATUSES.items()))
    )
