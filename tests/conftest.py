import os
import shutil

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from articles import popularity
from newsroom import cache_backend, cachetags
from tests import servers
from tests.factories import UserFactory

# Property tests and the fuzz suite (tests/fuzz): a quick run in `make test`, thousands of
# examples in `make fuzz` (HYPOTHESIS_PROFILE=long). Django needs no deadline; a test's
# fixtures (its database rows, its client) serve all of its examples.
_hypothesis_defaults = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}
hypothesis_settings.register_profile("quick", max_examples=25, **_hypothesis_defaults)
hypothesis_settings.register_profile("long", max_examples=2500, **_hypothesis_defaults)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


def pytest_collection_modifyitems(items):
    """Tests that commit (transactional_db, live_server) on the test database must restore the
    migrations' rows by serialized rollback. A plain flush re-creates them (post_migrate) right
    away under new ids, and the next serialized test on that worker, in whatever order the
    workers take tests, could not put the copied rows back beside them (tests/postgresql/): the
    copies refer to each other by the old ids. A test on a database of its own says
    `serialized_rollback=False`."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        declared = marker.kwargs if marker else {}
        commits = declared.get("transaction") or {"transactional_db", "live_server"} & set(item.fixturenames)
        if commits and "serialized_rollback" not in declared:
            raise pytest.UsageError(
                f"{item.nodeid}: mark it django_db(transaction=True, serialized_rollback=True)"
            )


@pytest.fixture
def editor(db):
    return UserFactory(username="editor-1", role="Editor")


@pytest.fixture
def journalist(db):
    return UserFactory(username="journalist-1", role="Journalist")


@pytest.fixture
def moderator(db):
    return UserFactory(username="moderator-1", role="Moderator")


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin-1", is_superuser=True)


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker, tmp_path_factory):
    """Rows that a module's tests share, written once, as Django's `setUpTestData` does: a
    module-scoped fixture that asks for this one writes inside a transaction rolled back after
    the module's last test, and each test's own transaction is a savepoint within it. Once
    asked for, it holds until the module ends: every test of such a module sees those rows, and
    none may commit (transactional_db, live_server). A test reads its objects afresh from the
    database, since the rollback does not undo what a test changed in memory. Files uploaded
    meanwhile go to a folder of the module's own, as a test's go to its own (`media_root`)."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with media, django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files of a test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_state(django_db_setup, django_db_blocker):
    """Cached pages, settings and counters, and the language a request activated in this
    thread, never leak from one test into another. The cache is a table of the test
    database, so tests without database access clear it too."""

    def reset():
        with django_db_blocker.unblock():
            cachetags.clear()  # the shared cache, and what this process keeps of it
        popularity._counted_here.clear()  # readers a worker counted without Redis
        translation.activate(settings.LANGUAGE_CODE)

    reset()
    yield
    reset()


@pytest.fixture
def redis_at(settings, monkeypatch):
    """Points the default cache at Redis on a loopback port (with a password, which no log line
    may show); this process knows nothing about any Redis yet."""
    monkeypatch.setattr(cache_backend, "_breakers", {})

    def point(port: int) -> None:
        settings.CACHES = {
            "default": {
                "BACKEND": "newsroom.cache_backend.ResilientRedisCache",
                "LOCATION": f"redis://:s3cret@127.0.0.1:{port}/0",
                "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
            }
        }

    return point


@pytest.fixture
def dead_redis(redis_at) -> int:
    """The default cache is a Redis that refuses every connection; returns its port."""
    port = servers.free_port()  # nothing listens there
    redis_at(port)
    return port


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A redis-server of this test process's own, empty at first: nobody needs to run one."""
    if not shutil.which("redis-server"):
        pytest.skip("NO REDIS-SERVER: tests of a shared Redis skipped (Debian: apt-get install redis-server)")
    with servers.redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url
