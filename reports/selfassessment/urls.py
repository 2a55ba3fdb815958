from django.urls import path

from reports.selfassessment import views

app_name = "selfassessment"
urlpatterns = [
    path("", views.matrix_page, name="matrix"),
    path("measure/", views.cell_measure, name="measure"),
    path("region/", views.region_page, name="region"),
]
