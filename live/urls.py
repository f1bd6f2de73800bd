from django.urls import path

from live import desk, views
from newsroom.pagecache import cache_public_page

app_name = "live"
urlpatterns = [
    path("<int:pk>/updates/", cache_public_page(views.updates), name="updates"),
    path("<int:pk>/feed/", cache_public_page(views.CoverageFeed()), name="feed"),
    # The live desk (staff).
    path("desk/", desk.index, name="desk_index"),
    path("desk/<int:pk>/", desk.desk, name="desk"),
    path("desk/<int:pk>/end/", desk.end, name="end"),
    path("desk/entry/<int:pk>/edit/", desk.edit, name="edit"),
    path("desk/entry/<int:pk>/action/", desk.entry_action, name="entry_action"),
]
