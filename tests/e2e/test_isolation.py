"""A browser test starts from the rows migrations made, as every other test that commits does."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from newsroom.roles import ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_inside_playwright_the_database_still_knows_what_to_restore(browser):
    """Playwright's sync API runs the test in a context of its own, where Django hands out new
    connection objects: they too must know the copy of the migrations' rows (tests/postgresql/),
    or the test's flush loses the roles for the next test."""
    assert hasattr(connection, "_test_serialized_contents")
    assert set(Group.objects.values_list("name", flat=True)) == set(ROLE_PERMISSIONS)
