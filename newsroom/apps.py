from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    """post_migrate is sent once per app with models, after auth has created that app's
    permissions; the roles are complete after the last app's, so they are synced then only
    (each sync costs some 30 queries)."""
    if sender is [config for config in apps.get_app_configs() if config.models_module][-1]:
        from newsroom.roles import sync_roles

        sync_roles()


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = _("مداد")

    def ready(self):
        # post_migrate is Django's documented hook for data that depends on permissions.
        post_migrate.connect(_sync_roles, dispatch_uid="newsroom.sync_roles")
        from newsroom import expiry  # noqa: F401  (connects what each change expires)
