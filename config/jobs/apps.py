from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "config.jobs"
    label = "jobs"
    verbose_name = "Фоновые задания"

    def ready(self) -> None:
        # The folder of uploads in progress, whose leftovers housekeeping deletes, exists before
        # Django's checks look for it and before the first upload (config.lib.uploads).
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from config.lib.uploads import upload_temp_dir

        try:
            upload_temp_dir()
        except OSError as error:
            raise ImproperlyConfigured(
                f"FILE_UPLOAD_TEMP_DIR={settings.FILE_UPLOAD_TEMP_DIR!r}: папку для загружаемых файлов "
                f"не удалось создать ({error.strerror})"
            ) from error
