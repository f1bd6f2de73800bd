"""Live coverages in the admin: a list that leads to the live desk (live/desk.py), where
entries are written, and the history of every changed entry."""

from django.contrib import admin
from django.utils.html import format_html, strip_tags
from django.utils.translation import gettext_lazy as _

from live.models import LiveCoverage, LiveEntry, LiveEntryChange


@admin.register(LiveCoverage)
class LiveCoverageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "state", "started_at", "ended_at", "desk_link"]
    list_filter = ["state"]
    fields = ["article", "state", "started_at", "ended_at", "opened_by", "ended_by"]
    readonly_fields = ["state", "ended_at", "opened_by", "ended_by"]
    autocomplete_fields = ["article"]
    list_select_related = ["article"]

    def has_add_permission(self, request):
        return request.user.has_perm("live.manage_coverage")

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "article"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.opened_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("المكتب المباشر"))
    def desk_link(self, coverage):
        return format_html('<a href="{}">{}</a>', coverage.get_desk_url(), _("افتح المكتب"))

    def view_on_site(self, coverage):
        return coverage.get_absolute_url()


class ChangeInline(admin.TabularInline):
    model = LiveEntryChange
    fields = ["action", "changed_by", "changed_at", "said_before"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("live.view_liveentry")  # the history is part of the entry

    @admin.display(description=_("قبل التغيير"))
    def said_before(self, change):
        before = change.before
        return " — ".join(filter(None, [before.get("headline"), strip_tags(before.get("body", ""))]))


@admin.register(LiveEntry)
class LiveEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are written, edited, pinned and deleted on the live desk."""

    list_display = [
        "__str__",
        "coverage",
        "author",
        "published_at",
        "is_key_event",
        "is_pinned",
        "deleted_at",
    ]
    list_filter = ["is_key_event", "is_pinned"]
    list_select_related = ["coverage__article", "author"]
    inlines = [ChangeInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
