from django.core.management.base import BaseCommand, CommandError

from monitoring.indicators import indicators_compute
from schools.models import Municipality


class Command(BaseCommand):
    help = "Рассчитать показатели за учебный год (2024 = 2023/2024) по всем муниципалитетам или одному"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="учебный год по году окончания, например 2024")
        parser.add_argument("--municipality", type=int, help="id муниципалитета (по умолчанию все)")

    def handle(self, *args, year: int, municipality: int | None, **options):
        if municipality and not Municipality.objects.filter(pk=municipality).exists():
            raise CommandError(f"Нет муниципалитета с id {municipality}")
        summary = indicators_compute(year=year, municipality=municipality)
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in summary.as_dict().items()))
