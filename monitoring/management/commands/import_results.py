"""python manage.py import_results FILE --kind vpr --year 2024 [--subject S --grade G] [--dry-run] [--json]"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from config.lib.cli import number_option, read_input
from monitoring.models import ResultImport
from monitoring.readers import NUMBERS
from monitoring.services import (
    ACADEMIC_YEARS,
    ResultImportError,
    result_import_apply,
    result_import_create,
    result_import_discard,
    result_import_preview,
)
from schools.models import Municipality


def municipality_by_name(name: str | None) -> Municipality:
    if name:
        found = list(Municipality.objects.filter(name__iexact=name.strip()))
        if len(found) != 1:
            raise CommandError(f"Муниципалитет «{name}» {'не найден' if not found else 'неоднозначен'}")
        return found[0]
    found = list(Municipality.objects.all()[:2])
    if len(found) != 1:
        raise CommandError('Укажите муниципалитет: --municipality "Наименование"')
    return found[0]


class Command(BaseCommand):
    help = "Импортировать результаты оценочной процедуры (форматы A и B) из книги Excel или CSV"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", required=True, choices=["vpr", "oge", "ege", "kdr", "niko"])
        parser.add_argument(
            "--year",
            required=True,
            type=number_option("Учебный год", ACADEMIC_YEARS),
            help="учебный год по году окончания: 2024 = 2023/2024",
        )
        parser.add_argument("--subject", default="", help="предмет, если в файле нет такого столбца")
        parser.add_argument(
            "--grade",
            type=number_option("Параллель", NUMBERS["grade"].allowed),
            default=None,
            help="параллель, если в файле нет такого столбца",
        )
        parser.add_argument("--municipality", default=None, help="наименование муниципалитета")
        parser.add_argument(
            "--format",
            default=ResultImport.Format.STUDENTS,
            choices=[choice for choice, _ in ResultImport.Format.choices],
        )
        parser.add_argument("--dry-run", action="store_true", help="только проверить, ничего не записывать")
        parser.add_argument("--json", action="store_true", help="вывести итог одним объектом JSON")
        parser.add_argument("--accept-partial", action="store_true", help="импортировать, даже если строки отклонены")

    def handle(self, *args, **options):
        path = Path(options["file"])
        data = read_input(path)
        municipality = municipality_by_name(options["municipality"])
        try:
            result_import = result_import_create(
                municipality=municipality,
                data=data,
                filename=path.name,
                kind=options["kind"],
                year=options["year"],
                subject=options["subject"],
                grade=options["grade"],
                format=options["format"],
            )
        except ResultImportError as error:
            raise CommandError(str(error)) from error
        try:
            if options["dry_run"]:
                outcome = result_import_preview(result_import=result_import)
                # A check writes nothing: neither results nor the record and its files.
                result_import_discard(result_import=result_import)
            else:
                outcome = result_import_apply(result_import=result_import, accept_partial=options["accept_partial"])
        except (DatabaseError, OverflowError) as error:
            # The checks should have refused the row; if the database still does, the import is
            # rolled back and recorded as failed, and the person reads why rather than a traceback.
            raise CommandError(
                f"Файл не импортирован: база данных не приняла данные ({error}). Прежние результаты не изменены"
            ) from error
        if options["json"]:
            self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False))
        else:
            self._print(outcome, options)
        if outcome.rejected or (outcome.problems and not outcome.read):
            sys.exit(1)

    def _print(self, outcome, options) -> None:
        write = self.stdout.write
        if outcome.duplicate_of and not options["dry_run"]:
            write(f"Этот файл уже импортирован (загрузка № {outcome.duplicate_of}): ничего не изменено")
        write(
            f"Прочитано: {outcome.read}; импортировано: {outcome.imported}; "
            f"отсутствовали: {outcome.absent}; отклонено: {outcome.rejected}"
        )
        if options["dry_run"]:
            write(f"Проверка без записи: будет принято {max(outcome.to_take, 0)}")
        if outcome.unknown_schools:
            codes = ", ".join(item["code"] for item in outcome.unknown_schools)
            write(f"Неизвестные коды ОО ({len(outcome.unknown_schools)}): {codes}")
        for problem in outcome.problems:
            place = f"лист «{problem['sheet']}», " if problem["sheet"] else ""
            row = f"строка {problem['row']}, " if problem["row"] is not None else ""
            column = f"столбец «{problem['column']}», " if problem["column"] else ""
            value = f"значение «{problem['value']}»: " if problem["value"] != "" else ""
            write(f"{place}{row}{column}{value}{problem['reason']}")
        if outcome.rejected and not options["dry_run"] and not options["accept_partial"]:
            write("Ничего не записано: исправьте строки или запустите с --accept-partial")
