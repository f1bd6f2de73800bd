import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

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
def fresh_state():
    """Cached pages, settings and counters, and the language a request activated in this
    thread, never leak from one test into another."""
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
