from django.urls import path

from schools.context import views

app_name = "context"
urlpatterns = [
    path("", views.context_page, name="page"),
    path("confirm/", views.context_confirm, name="confirm"),
    path("template.xlsx", views.context_template_download, name="template"),
]
