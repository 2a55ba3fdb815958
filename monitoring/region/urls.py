from django.urls import path

from monitoring.region import views

app_name = "region"
urlpatterns = [
    path("", views.values_page, name="values"),
    path("values.<str:fmt>", views.values_export, name="export"),
]
