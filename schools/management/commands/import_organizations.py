"""python manage.py import_organizations FILE --municipality "NAME" [--region R] [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from config.lib.cli import read_input, text_option
from schools.models import Municipality
from schools.registry import RegistryImportError, registry_import


class Command(BaseCommand):
    help = "Импортировать реестр организаций (формат C); повторный запуск обновляет по коду, не дублирует"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--municipality",
            required=True,
            type=text_option(Municipality, "name", "Наименование муниципалитета"),
            help="наименование муниципалитета (создаётся, если нет)",
        )
        parser.add_argument(
            "--region",
            default="",
            type=text_option(Municipality, "region", "Субъект РФ"),
            help="субъект РФ для нового муниципалитета",
        )
        parser.add_argument("--dry-run", action="store_true", help="только показать, что изменится")

    def handle(self, *args, file, municipality, region, dry_run, **options):
        path = Path(file)
        data = read_input(path)
        if not municipality:
            raise CommandError("Укажите наименование муниципалитета: --municipality «Наименование»")
        found = list(Municipality.objects.filter(name__iexact=municipality.strip()))
        if region:
            found = [item for item in found if item.region.lower() == region.strip().lower()]
        if len(found) > 1:
            raise CommandError(f"Муниципалитет «{municipality}» неоднозначен: укажите --region")
        try:
            with transaction.atomic():
                if found:
                    target = found[0]
                else:
                    target = Municipality.objects.create(name=municipality.strip(), region=region.strip() or "—")
                    self.stdout.write(f"Муниципалитет «{target.name}» {'будет создан' if dry_run else 'создан'}")
                outcome = registry_import(data=data, filename=path.name, municipality=target, dry_run=dry_run)
                if dry_run or outcome.has_errors:
                    transaction.set_rollback(True)
        except RegistryImportError as error:
            raise CommandError(str(error)) from error
        for error in outcome.errors:
            row = f"строка {error['row']}, " if error["row"] else ""
            column = f"столбец «{error['column']}», " if error["column"] else ""
            value = f"значение «{error['value']}»: " if error["value"] else ""
            self.stdout.write(f"{row}{column}{value}{error['reason']}")
        verb = "будет" if dry_run else "выполнено"
        self.stdout.write(
            f"Организаций {verb}: создано {outcome.new}, изменено {outcome.updated}, без изменений {outcome.skipped}"
        )
        if outcome.has_errors:
            raise CommandError("В файле есть ошибки: ничего не записано")
