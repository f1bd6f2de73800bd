"""Old addresses and the import's memory, for administrators to check (read and delete only)."""

from django.contrib import admin

from wordpress.models import LegacyRedirect, WordPressItem


@admin.register(LegacyRedirect)
class LegacyRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "article"]
    search_fields = ["old_path"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]


@admin.register(WordPressItem)
class WordPressItemAdmin(admin.ModelAdmin):
    list_display = ["kind", "wp_id", "object_id", "parent", "complete", "imported_at"]
    list_filter = ["kind", "complete"]
    list_select_related = ["parent"]
    search_fields = ["wp_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
