from django.urls import path

from roadmaps.cascade import views

app_name = "cascade"
urlpatterns = [
    path("roadmap/<int:pk>/", views.dashboard, name="dashboard"),
    path("roadmap/<int:pk>/publish/", views.publish, name="publish"),
    path("measure/<int:pk>/", views.measure_card, name="measure"),
]
