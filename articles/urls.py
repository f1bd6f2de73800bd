from django.urls import path

from articles import views
from newsroom.pagecache import cache_public_page

app_name = "articles"
urlpatterns = [
    path("", cache_public_page(views.HomeView.as_view()), name="home"),
    path("news/<uslug:slug>/", cache_public_page(views.ArticleDetailView.as_view()), name="detail"),
    path("section/<uslug:slug>/", cache_public_page(views.SectionView.as_view()), name="section"),
    path("tag/<uslug:slug>/", cache_public_page(views.TagView.as_view()), name="tag"),
    path("author/<uslug:slug>/", cache_public_page(views.AuthorView.as_view()), name="author"),
    path("archive/", cache_public_page(views.ArchiveIndexView.as_view()), name="archive"),
    path(
        "archive/<int:year>/<int:month>/",
        cache_public_page(views.ArchiveMonthView.as_view()),
        name="archive_month",
    ),
    path("search/", cache_public_page(views.SearchView.as_view()), name="search"),
    path("ticker/", views.ticker, name="ticker"),
    path("views/<int:pk>/", views.record_view, name="record_view"),
]
