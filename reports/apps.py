from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Отчёты"

    def ready(self):
        # The render task is sent by name (reports.services.RENDER_TASK, so that services need not import
        # tasks, which import services); registering it here lets the web process run it inline.
        from reports import home, tasks  # noqa: F401

        home.register()
