from django.core.management.base import BaseCommand

from monitoring.services import EGE_MIN_SCORE_YEARS, ege_min_scores_load


class Command(BaseCommand):
    help = "Заполнить минимальные баллы ЕГЭ (Рособрнадзор) за последние годы; повторный запуск ничего не меняет"

    def handle(self, *args, **options):
        created = ege_min_scores_load()
        years = ", ".join(map(str, EGE_MIN_SCORE_YEARS))
        self.stdout.write(f"Минимальные баллы ЕГЭ за {years}: добавлено {created}")
