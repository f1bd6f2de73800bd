from django.urls import path

from comments import console, views

app_name = "comments"
urlpatterns = [
    path("news/<uslug:slug>/comment/", views.comment_post, name="post"),
    path("comments/<int:pk>/report/", views.report, name="report"),
    # The moderation console (staff with comments.moderate_comment).
    path("moderation/", console.queue, name="queue"),
    path("moderation/decide/", console.moderate, name="moderate"),
    path("moderation/commenter/", console.commenter, name="commenter"),
    path("moderation/commenter/block/", console.commenter_block, name="commenter_block"),
    path("moderation/commenter/export/", console.commenter_export, name="commenter_export"),
    path("moderation/commenter/erase/", console.commenter_erase, name="commenter_erase"),
]
