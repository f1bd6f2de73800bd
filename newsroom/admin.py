"""Admin for the site-wide reader settings: a single row, changed in place."""

from django.contrib import admin
from django.http import HttpRequest

from newsroom.models import SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """Only the one row can be changed: no second row, and it cannot be deleted."""

    list_display = ["__str__", "calendar", "digits"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: SiteSettings | None = None) -> bool:
        return False
