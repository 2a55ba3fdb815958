from django.core.management.base import BaseCommand

from monitoring.analysis.services import indicators_load


class Command(BaseCommand):
    help = "Загрузить каталог показателей из monitoring/data/indicators.yaml (повторный запуск ничего не меняет)"

    def handle(self, *args, **options):
        result = indicators_load()
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in result.items()))
