"""Admin for settings kept in a single row, changed in place: the site-wide reader settings here."""

from django.contrib import admin
from django.http import HttpRequest

from newsroom.models import SingletonModel, SiteSettings


class SingletonAdmin(admin.ModelAdmin):
    """The admin of a SingletonModel: only the one row can be changed, no second row added, and
    it cannot be deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not self.model.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: SingletonModel | None = None) -> bool:
        return False


@admin.register(SiteSettings)
class SiteSettingsAdmin(SingletonAdmin):
    list_display = ["__str__", "calendar", "digits"]
