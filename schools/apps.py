from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _sqlite_unicode_like(sender, connection, **kwargs):
    """SQLite's LIKE folds case for ASCII only; Russian search needs Unicode case folding.

    PostgreSQL (production) uses UPPER() for icontains and needs nothing here.
    """
    if connection.vendor != "sqlite":
        return
    from config.lib.sqlite import like

    connection.connection.create_function("like", 2, like, deterministic=True)
    connection.connection.create_function("like", 3, like, deterministic=True)


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = "Организации и пользователи"

    def ready(self) -> None:
        connection_created.connect(_sqlite_unicode_like, dispatch_uid="sqlite_unicode_like")
