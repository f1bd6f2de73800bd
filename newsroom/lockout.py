"""The answer to a login refused after too many failures (django-axes, settings.AXES_*)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


def locked_out_login(request, original_response=None, credentials=None):
    """The admin's login page with an Arabic notice, HTTP 429. It is the same whatever
    username was typed, so it tells nothing about which accounts exist."""
    context = {
        **admin.site.each_context(request),
        "title": _("Log in"),  # the admin's own title (Django's translations)
        "app_path": request.get_full_path(),
        "form": AdminAuthenticationForm(request),
        "next": request.POST.get("next", ""),
        "lockout_message": _("محاولات دخول فاشلة كثيرة، فأُوقف الدخول مؤقتاً. حاول مرة أخرى لاحقاً."),
    }
    response = render(
        request, "admin/login_locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    add_never_cache_headers(response)
    return response
