from django.urls import path

from articles import views

app_name = "articles"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news/<uslug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("section/<uslug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<uslug:slug>/", views.AuthorView.as_view(), name="author"),
    path("archive/", views.ArchiveIndexView.as_view(), name="archive"),
    path("archive/<int:year>/<int:month>/", views.ArchiveMonthView.as_view(), name="archive_month"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("ticker/", views.TickerView.as_view(), name="ticker"),
    path("views/<int:pk>/", views.record_view, name="record_view"),
]
