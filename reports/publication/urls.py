from django.urls import path

from reports.publication import views

app_name = "public"
urlpatterns = [
    path("", views.public_index, name="index"),
    path("feed.atom", views.PublicationsFeed(), name="feed"),
    path("<int:pk>/", views.public_municipality, name="municipality"),
    path("<int:pk>/indicators.<str:fmt>", views.public_values, name="values"),
    path("files/<int:pk>/", views.public_file, name="file"),
]
