from django.urls import path

from roadmaps.execution import views as views
from roadmaps.notifications import views as notification_views

app_name = "execution"
urlpatterns = [
    path("", views.my_assignments, name="my"),
    path("calendar/", views.my_calendar, name="calendar"),
    path("all/", views.execution_list, name="list"),
    path("occurrence/<int:pk>/", views.assignment_detail, name="assignment"),
    path("occurrence/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("occurrence/<int:pk>/achieved/", views.achieved_value_set, name="achieved"),
    path("occurrence/<int:pk>/actions/<int:index>/", views.action_toggle, name="action_toggle"),
    path("occurrence/<int:pk>/submit/", views.assignment_submit, name="submit"),
    path("occurrence/<int:pk>/accept/", views.assignment_accept, name="accept"),
    path("occurrence/<int:pk>/return/", views.assignment_return, name="return"),
    path("occurrence/<int:pk>/reopen/", views.assignment_reopen, name="reopen"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("evidence/<int:pk>/file/", views.evidence_download, name="evidence_download"),
    path("review/", views.review_queue, name="review"),
    path("dashboard/", views.dashboard_index, name="dashboard"),
    path("dashboard/roadmap/<int:pk>/", views.dashboard_roadmap, name="dashboard_roadmap"),
    path("dashboard/municipality/<int:pk>/", views.dashboard_municipality, name="dashboard_municipality"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/bell/", views.notification_bell, name="bell"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notifications_read_all"),
    path("notifications/settings/", notification_views.notification_settings, name="notification_settings"),
]
