from django.urls import path

from roadmaps import views

app_name = "roadmaps"
urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("", views.roadmap_list, name="list"),
    path("new/", views.roadmap_create, name="create"),
    path("<int:pk>/", views.roadmap_detail, name="detail"),
    path("<int:pk>/edit/", views.roadmap_update, name="update"),
    path("<int:pk>/delete/", views.roadmap_delete, name="delete"),
    path("<int:pk>/history/", views.roadmap_history_view, name="history"),
    path("<int:pk>/versions/", views.roadmap_versions_view, name="versions"),
    path("<int:pk>/submit/", views.roadmap_submit, name="submit"),
    path("<int:pk>/approve/", views.roadmap_approve, name="approve"),
    path("<int:pk>/return/", views.roadmap_return, name="return"),
    path("<int:pk>/amend/", views.roadmap_amend, name="amend"),
    path("<int:pk>/copy/", views.roadmap_copy, name="copy"),
    path("<int:pk>/flags/clear/", views.roadmap_clear_flags, name="clear_flags"),
    path("<int:pk>/sections/add/", views.section_add, name="section_add"),
    path("<int:pk>/sections/reorder/", views.sections_reorder, name="sections_reorder"),
    path("<int:pk>/deadline-preview/", views.deadline_preview, name="deadline_preview"),
    path("sections/<int:section_pk>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:section_pk>/delete/", views.section_delete, name="section_delete"),
    path("sections/<int:section_pk>/move/", views.section_move, name="section_move"),
    path("sections/<int:section_pk>/generate/", views.section_generate, name="section_generate"),
    path("sections/<int:section_pk>/measures/add/", views.measure_add, name="measure_add"),
    path("sections/<int:section_pk>/measures/reorder/", views.measures_reorder, name="measures_reorder"),
    path("measures/<int:measure_pk>/", views.measure_row_view, name="measure_row"),
    path("measures/<int:measure_pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:measure_pk>/delete/", views.measure_delete, name="measure_delete"),
    path("measures/<int:measure_pk>/move/", views.measure_move, name="measure_move"),
    path("measures/<int:measure_pk>/assign/", views.measure_assign, name="measure_assign"),
]
