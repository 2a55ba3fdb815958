from django.urls import path

from monitoring.clusters import views

app_name = "clusters"
urlpatterns = [
    path("", views.clusters_page, name="page"),
    path("compute/", views.clusters_compute, name="compute"),
]
