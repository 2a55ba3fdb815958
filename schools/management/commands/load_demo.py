from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils.module_loading import module_has_submodule

from schools.demo import DEMO_PASSWORD, USERS


def demo_loaders() -> list:
    """Every app contributes its part of the demo as `DEMO`, a list of loaders in its `demo`
    module; the apps run in INSTALLED_APPS order, which is the order their data depends on each
    other (schools, roadmaps, monitoring, reports). No app imports another's demo."""
    loaders = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "demo"):
            loaders.extend(getattr(import_module(f"{config.name}.demo"), "DEMO", []))
    return loaders


class Command(BaseCommand):
    help = "Загрузить демонстрационный муниципалитет (повторный запуск ничего не меняет)"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="загрузить даже при выключенном DEBUG")

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG выключен: похоже, это рабочий сервер. Демонстрационные данные и пользователи с общим "
                "паролем загружаются только с флагом --force"
            )
        # The demo's people are invented (…@muko.example): the letters of the notifications it makes
        # (a roadmap approved, measures assigned, evidence returned) go nowhere, rather than to a mail
        # server or printed over this summary; the notifications themselves are there to see.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for loader in demo_loaders():
                created = loader()
                summary = ", ".join(f"{key}: {value}" for key, value in (created or {}).items())
                self.stdout.write(f"{loader.__module__}.{loader.__name__}: создано {summary or 'ничего'}")
        self.stdout.write(self.style.SUCCESS(f"Демонстрационные пользователи (пароль «{DEMO_PASSWORD}»):"))
        for username, last, first, middle, role, _code, _position in USERS:
            self.stdout.write(f"  {username:<10} {role.label} — {last} {first} {middle}".rstrip())
