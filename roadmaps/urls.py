from django.urls import path

from roadmaps import views

app_name = "roadmaps"
urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
]
