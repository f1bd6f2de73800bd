from django.urls import path

from comments import views

app_name = "comments"
urlpatterns = [
    path("news/<uslug:slug>/comment/", views.comment_post, name="post"),
    path("comments/<int:pk>/report/", views.report, name="report"),
]
