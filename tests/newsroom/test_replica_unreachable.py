"""A replica that cannot be reached (newsroom/db_router.py): readers are answered by the primary
and the operators warned. No replica is started for it: the alias points at a folder where no
server listens (the pair of test_replicas.py takes seconds to start)."""

import logging

import pytest

from tests.factories import ArticleFactory
from tests.newsroom.test_replicas import OLD, REPLICA, page_title, replica_alias

# Only a query outside any transaction is routed to a replica.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", REPLICA])


@pytest.fixture(scope="module", autouse=True)
def unreachable_replica(django_db_setup, tmp_path_factory):
    """Module-wide: a test names its aliases before it starts."""
    with replica_alias({"HOST": str(tmp_path_factory.mktemp("no-server"))}):
        yield


def test_an_unreachable_replica_leaves_readers_to_the_primary(client, caplog):
    article = ArticleFactory(title=OLD)
    with caplog.at_level(logging.WARNING, logger="newsroom.db_router"):
        assert page_title(client, article.get_absolute_url()) == OLD
    assert f"Replica {REPLICA} unreachable" in caplog.text
