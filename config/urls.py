from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.lib.health import health
from schools.views import home

# «База данных занята» instead of a session error or a server error (config.lib.busy).
handler400 = "config.lib.busy.bad_request"
handler500 = "config.lib.busy.server_error"

admin.site.site_header = "МУКО: администрирование"
admin.site.site_title = "МУКО"
admin.site.index_title = "Справочники, организации и пользователи"

urlpatterns = [
    path("", home, name="home"),
    path("health/", health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("organizations/", include("schools.urls")),
    path("roadmaps/", include("roadmaps.urls")),
    path("cascade/", include("roadmaps.cascade.urls")),
    path("jobs/", include("config.jobs.urls")),
    path("admin/", admin.site.urls),
    path("execution/", include("roadmaps.execution.urls")),
    path("reports/selfassessment/", include("reports.selfassessment.urls")),
    path("reports/", include("reports.urls")),
    path("monitoring/recommendations/", include("monitoring.recommendations.urls")),
    path("monitoring/region/", include("monitoring.region.urls")),
    path("monitoring/clusters/", include("monitoring.clusters.urls")),
    path("monitoring/deficits/", include("monitoring.deficits.urls")),
    path("monitoring/identification/", include("monitoring.identification.urls")),
    path("monitoring/", include("monitoring.analysis.urls")),
    path("results/", include("monitoring.urls")),
    path("registry/", include("schools.registry_urls")),
    path("context/", include("schools.context.urls")),
    path("public/", include("reports.publication.urls")),
]
