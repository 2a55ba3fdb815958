from django.urls import path

from schools import views

app_name = "schools"
urlpatterns = [
    path("", views.organization_list, name="organization_list"),
    path("<int:pk>/", views.organization_detail, name="organization_detail"),
]
