from django.urls import path

from schools import registry_views

app_name = "registry"
urlpatterns = [
    path("", registry_views.registry, name="organizations"),
    path("confirm/", registry_views.registry_confirm, name="confirm"),
    path("export.xlsx", registry_views.registry_download, name="export"),
]
