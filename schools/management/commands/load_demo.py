from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from roadmaps.catalogue import catalogue_load
from schools.demo import DEMO_PASSWORD, USERS

# Each app adds its part of the demo here, in the order the data depends on each other.
DEMO_LOADERS = [
    "schools.demo.load_demo_schools",
    "roadmaps.demo.load_demo_roadmaps",
    "roadmaps.execution.demo.load_demo_execution",
    "reports.demo.load_demo_reports",
    "monitoring.demo.load_demo_results",
    "monitoring.analysis.demo.load_demo_analysis",
]


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
        catalogue_load()
        for path in DEMO_LOADERS:
            created = import_string(path)()
            summary = ", ".join(f"{key}: {value}" for key, value in (created or {}).items())
            self.stdout.write(f"{path.rsplit('.', 1)[-1]}: создано {summary or 'ничего'}")
        self.stdout.write(self.style.SUCCESS(f"Демонстрационные пользователи (пароль «{DEMO_PASSWORD}»):"))
        for username, last, first, middle, role, _code, _position in USERS:
            self.stdout.write(f"  {username:<10} {role.label} — {last} {first} {middle}".rstrip())
