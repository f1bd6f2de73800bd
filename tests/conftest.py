import socket

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from newsroom import cache_backend
from tests.factories import UserFactory


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
            cache.clear()
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
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    redis_at(port)  # nothing listens there once the probe is closed
    return port
