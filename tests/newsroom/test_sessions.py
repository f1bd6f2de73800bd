"""Sessions live in the database and are read through the cache (newsroom/sessions.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.sessions import SessionStore
from tests.comments.reader import sql_of

pytestmark = pytest.mark.django_db


def session_sql(action) -> list[str]:
    """The SQL `action` runs on tables other than the cache's."""
    with CaptureQueriesContext(connection) as queries:
        action()
    return [sql for sql in sql_of(queries) if "django_session" in sql]


def test_a_saved_session_is_read_from_the_cache_not_the_database():
    session = SessionStore()
    session["waiting_for"] = [7]
    session.save()
    assert session_sql(lambda: SessionStore(session.session_key).load()) == []
    assert SessionStore(session.session_key)["waiting_for"] == [7]


def test_an_unknown_key_costs_one_query_then_none_and_is_never_adopted():
    first = SessionStore("made-up-or-expired-key")
    assert len(session_sql(first.load)) == 1
    again = SessionStore("made-up-or-expired-key")
    assert session_sql(again.load) == []
    assert again.session_key is None  # a save gets a key of the server's making
    again["waiting_for"] = [7]
    again.save()
    assert again.session_key not in (None, "made-up-or-expired-key")


def test_a_logged_out_session_is_unknown_at_once(client, editor):
    client.force_login(editor)
    key = client.cookies["sessionid"].value
    assert SessionStore(key).get("_auth_user_id") == str(editor.pk)
    client.post("/admin/logout/")
    assert SessionStore(key).load() == {}
    client.cookies["sessionid"] = key
    assert client.get("/admin/").status_code == 302  # to the login page
