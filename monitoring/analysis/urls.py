from django.urls import path

from monitoring.analysis import views as views
from monitoring.inschool import views as inschool

app_name = "monitoring"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("card/<int:pk>/", views.organization_card, name="organization"),
    path("card/<int:pk>/inschool/", inschool.school_analysis, name="school_analysis"),
    path("card/<int:pk>/teachers/", inschool.class_teachers, name="class_teachers"),
    path("assessments/<int:pk>/tasks/", inschool.assessment_tasks, name="assessment_tasks"),
    path("objectivity/", views.objectivity, name="objectivity"),
    path("effectiveness/", views.effectiveness, name="effectiveness"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/compute/", views.compute_indicators, name="compute_indicators"),
    path("indicators/values.<str:fmt>", views.values_export, name="values_export"),
    path("methods/", views.method_list, name="methods"),
    path("methods/<int:pk>/", views.method_detail, name="method"),
    path("methods/<int:pk>/approve/", views.method_approve, name="method_approve"),
    path("methods/<int:pk>/compute/", views.method_compute, name="method_compute"),
    path("methods/<int:pk>/zones.<str:fmt>", views.zones_export, name="zones_export"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("target/", views.target, name="target"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
]
