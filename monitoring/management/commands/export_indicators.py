import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.lib.cli import id_option, number_option, write_output
from monitoring.analysis.selectors import EXPORT_COLUMNS, export_rows, write_csv, write_xlsx
from monitoring.models import IndicatorValue
from monitoring.services import ACADEMIC_YEARS
from schools.models import Municipality


class Command(BaseCommand):
    help = "Выгрузить значения показателей за учебный год в CSV или XLSX"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=number_option("Учебный год", ACADEMIC_YEARS), required=True)
        parser.add_argument("--out", required=True, help="FILE.csv или FILE.xlsx")
        parser.add_argument(
            "--municipality",
            type=id_option(Municipality, "id муниципалитета"),
            help="id муниципалитета (по умолчанию все)",
        )

    def handle(self, *args, year: int, out: str, municipality: int | None, **options):
        path = Path(out)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("Файл должен оканчиваться на .csv или .xlsx")
        values = IndicatorValue.objects.filter(year=year)
        if municipality:
            values = values.filter(municipality_id=municipality)
        rows = export_rows(values)
        stream = io.BytesIO()
        (write_csv if path.suffix.lower() == ".csv" else write_xlsx)(stream, EXPORT_COLUMNS, rows, title="Показатели")
        write_output(path, stream.getvalue())
        self.stdout.write(f"Записано строк: {len(rows)} в {path}")
