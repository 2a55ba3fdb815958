from django.urls import path

from monitoring import views

app_name = "results"
urlpatterns = [
    path("", views.results_home, name="results"),
    path("template/<str:format>.xlsx", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/recheck/", views.import_recheck, name="import_recheck"),
    path("imports/<int:pk>/columns/", views.import_columns, name="import_columns"),
    path("imports/<int:pk>/file/", views.import_file, name="import_file"),
    path("imports/<int:pk>/rejected.xlsx", views.import_rejected, name="import_rejected"),
]
