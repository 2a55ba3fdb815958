from django.urls import path

from monitoring.deficits import views

app_name = "deficits"
urlpatterns = [
    path("", views.deficit_map_page, name="map"),
    path("pair/", views.pair_measure, name="pair"),
]
