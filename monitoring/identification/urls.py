from django.urls import path

from monitoring.identification import views

app_name = "identification"
urlpatterns = [
    path("", views.method_list, name="methods"),
    path("methods/<int:pk>/", views.method_detail, name="method"),
    path("methods/<int:pk>/approve/", views.method_approve, name="method_approve"),
    path("methods/<int:pk>/run/", views.method_run, name="run"),
    path("criteria/<int:pk>/delete/", views.criterion_delete, name="criterion_delete"),
    path("lists/<int:pk>/", views.list_detail, name="list"),
    path("lists/<int:pk>/approve/", views.list_approve, name="list_approve"),
    path("lists/<int:pk>/print/", views.list_print, name="list_print"),
]
