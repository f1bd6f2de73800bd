"""Every test starts from the rows migrations made, whatever test ran before it."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from articles.models import Article
from newsroom.roles import ROLE_PERMISSIONS
from tests.factories import ArticleFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_flush_after_a_test_that_commits_leaves_the_roles_for_the_next_test():
    """Django empties the tables after such a test and puts the migrations' rows back only when
    the next such test starts: a plain test in between would find no roles (tests/postgresql/)."""
    permissions = Permission.objects.count()
    ArticleFactory()

    # What Django's TransactionTestCase._fixture_teardown calls.
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False, inhibit_post_migrate=True)

    assert not Article.objects.exists()
    assert set(Group.objects.values_list("name", flat=True)) == set(ROLE_PERMISSIONS)
    assert Permission.objects.count() == permissions
