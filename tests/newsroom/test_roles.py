"""The roles (newsroom/roles.py): made by migrate, with exactly their permissions."""

import pytest
from django.contrib.auth.models import Group
from django.core.management.sql import emit_post_migrate_signal

from newsroom import roles


@pytest.mark.django_db
def test_migrate_gives_each_role_exactly_its_permissions():
    for role, apps in roles.ROLE_PERMISSIONS.items():
        granted = Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")
        assert set(granted) == {(app, codename) for app, codenames in apps.items() for codename in codenames}


@pytest.mark.django_db
def test_migrate_syncs_the_roles_once_not_once_per_app(monkeypatch):
    synced = []
    monkeypatch.setattr(roles, "sync_roles", lambda: synced.append("synced"))
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert synced == ["synced"]
