from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(**kwargs):
    from newsroom.roles import sync_roles

    sync_roles()


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = _("مداد")

    def ready(self):
        # post_migrate is Django's documented hook for data that depends on permissions.
        # It is sent once per app with models (this one has none); auth creates each
        # app's permissions in its own receiver first, so after the last app the roles
        # are complete. Syncing is idempotent and cheap.
        post_migrate.connect(_sync_roles, dispatch_uid="newsroom.sync_roles")
        from newsroom import expiry  # noqa: F401  (connects what each change expires)
