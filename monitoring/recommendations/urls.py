from django.urls import path

from monitoring.recommendations import views

app_name = "recommendations"
urlpatterns = [
    path("", views.recommendation_list, name="list"),
    path("new/", views.recommendation_new, name="new"),
    path("<int:pk>/", views.recommendation_detail, name="detail"),
    path("<int:pk>/sample/", views.recommendation_sample, name="sample"),
    path("answers/<int:pk>/report/", views.addressee_report, name="report"),
    path("answers/<int:pk>/decide/", views.addressee_decide, name="decide"),
    path("files/<int:pk>/", views.file_download, name="file"),
]
