from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "config.audit"
    label = "audit"
    verbose_name = "Журнал аудита"

    def ready(self) -> None:
        from config.audit import receivers  # noqa: F401  (login / logout / failed login records)
