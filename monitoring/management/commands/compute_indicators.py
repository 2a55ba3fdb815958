from django.core.management.base import BaseCommand, CommandError

from config.lib.cli import id_option, number_option
from config.lib.preconditions import command_preconditions
from monitoring.indicators import indicators_compute
from monitoring.services import ACADEMIC_YEARS
from schools.models import Municipality


class Command(BaseCommand):
    help = "Рассчитать показатели за учебный год (2024 = 2023/2024) по всем муниципалитетам или одному"

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=number_option("Учебный год", ACADEMIC_YEARS),
            required=True,
            help="учебный год по году окончания, например 2024",
        )
        parser.add_argument(
            "--municipality",
            type=id_option(Municipality, "id муниципалитета"),
            help="id муниципалитета (по умолчанию все)",
        )

    def handle(self, *args, year: int, municipality: int | None, **options):
        if municipality and not Municipality.objects.filter(pk=municipality).exists():
            raise CommandError(f"Нет муниципалитета с id {municipality}")
        with command_preconditions():
            summary = indicators_compute(year=year, municipality=municipality)
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in summary.as_dict().items()))
