from django.urls import path

from reports.selfassessment import views

app_name = "selfassessment"
urlpatterns = [
    path("", views.matrix_page, name="matrix"),
    path("measure/", views.cell_measure, name="measure"),
    path("pdf/", views.matrix_pdf, name="pdf"),
    path("docx/", views.matrix_docx, name="docx"),
    path("region/", views.region_page, name="region"),
]
