"""What a reader's browser does around the comment form, for the tests of this folder."""

import re
from html import unescape

from newsroom import cache_backend


def reader_tokens(client) -> dict[str, str]:
    """The reader's own CSRF token and form stamp, fetched as the page's script does once they
    start writing (pages from the shared cache carry empty fields)."""
    response = client.get("/csrf/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    return {"csrfmiddlewaretoken": response.json()["token"], "rendered_at": response.json()["stamp"]}


def csrf_token(client) -> str:
    return reader_tokens(client)["csrfmiddlewaretoken"]


def sql_of(captured) -> list[str]:
    """The SQL a request ran besides reading and writing the cache (a table in tests)."""
    tables = [f'"{table}"' for table in cache_backend.database_tables()]
    return [query["sql"] for query in captured if not any(table in query["sql"] for table in tables)]


def error_summary(html: str) -> list[str]:
    """The items of the form's error summary (above the fields, where focus lands), as text."""
    summary = re.search(r'<div class="form-errors" id="comment-errors"[^>]*>(.*?)</div>', html, re.S)
    assert summary, "no error summary on the page"
    items = re.findall(r"<li>(.*?)</li>", summary.group(1), re.S)
    return [unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]
