"""Comments in the admin: the rules and the blocked commenters are edited here; comments
themselves are moderated in the console (comments/console.py), where every decision is
recorded, so the admin's comment pages lead there."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from comments.console import commenter_url
from comments.models import BlockedCommenter, Comment, ModerationSettings
from newsroom.admin import SingletonAdmin


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The admin index lists comments; opening them opens the moderation console."""

    def changelist_view(self, request, extra_context=None):
        return redirect("comments:queue")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        comment = self.get_object(request, unquote(object_id))
        return redirect(commenter_url(comment.email) if comment else "comments:queue")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Comment | None = None) -> bool:
        return False  # erasing goes through the console, which keeps counts and pages right


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(SingletonAdmin):
    fields = ["mode", "max_links", "hold_words", "banned_words", "close_after_days", "notify_emails"]
    list_display = ["__str__", "mode", "max_links", "close_after_days"]


class BlockedCommenterForm(forms.ModelForm):
    class Meta:
        model = BlockedCommenter
        fields = ["email", "ip_hash", "kind", "note"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("ip_hash"):
            raise forms.ValidationError(_("أدخل البريد الإلكتروني أو بصمة عنوان IP."))
        if cleaned.get("email"):
            cleaned["email"] = cleaned["email"].strip().lower()
        return cleaned


@admin.register(BlockedCommenter)
class BlockedCommenterAdmin(admin.ModelAdmin):
    form = BlockedCommenterForm
    list_display = ["email", "ip_hash", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["email", "ip_hash"]
    ordering = ["-created_at"]
