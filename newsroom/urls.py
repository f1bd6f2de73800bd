from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path, register_converter
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from newsroom import views
from newsroom.converters import UnicodeSlugConverter
from newsroom.forms import AdminLoginForm

register_converter(UnicodeSlugConverter, "uslug")

admin.site.site_header = _("مداد — غرفة الأخبار")
admin.site.site_title = _("مداد")
admin.site.index_title = _("إدارة المحتوى")
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("csrf/", views.csrf_token, name="csrf"),  # for forms on shared pages (newsroom/views.py)
    path("", include("articles.seo_urls")),  # sitemaps, robots.txt
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("comments.urls")),
    path("live/", include("live.urls")),
    path("", include("articles.urls")),
    path("", include("articles.feed_urls")),  # each edition's own feeds
    prefix_default_language=False,
)


def serve_media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


# Arabic pages that never read the request's body (see newsroom/errors.py).
handler400 = "newsroom.errors.bad_request"
handler403 = "newsroom.errors.permission_denied"
handler404 = "newsroom.errors.page_not_found"
handler500 = "newsroom.errors.server_error"

if settings.SERVE_MEDIA:
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve_media)]
