from django.core.management.base import BaseCommand

from roadmaps.catalogue import catalogue_load


class Command(BaseCommand):
    help = "Загрузить справочники (направления, треки, этапы цикла, типы функций, виды документов)"

    def add_arguments(self, parser):
        parser.add_argument(
            "--update", action="store_true", help="вернуть исходные формулировки записям, изменённым администратором"
        )

    def handle(self, *args, update: bool, **options):
        created = catalogue_load(update=update)
        total = sum(created.values())
        details = ", ".join(f"{key}: {count}" for key, count in created.items() if count)
        self.stdout.write(f"Справочники загружены: создано записей {total}" + (f" ({details})" if details else ""))
