"""Archive an old year of participants' results: detach its partition (PostgreSQL), or attach it back.

    python manage.py results_archive --year 2019            # detach: the rows leave the results at once
    python manage.py results_archive --year 2019 --attach   # bring them back

A detached year stays in its own table, «monitoring_studentresult_archived_y2019», to be dumped
(`pg_dump -t monitoring_studentresult_archived_y2019`) and dropped by the administrator. The
schools' statistics, indicator values and zones of that year are kept: pages of that year still show
them; only the participants' rows are gone.
"""

from django.core.management.base import BaseCommand, CommandError

from config.lib.cli import number_option
from monitoring.partitions import results_year_attach, results_year_detach
from monitoring.services import ACADEMIC_YEARS


class Command(BaseCommand):
    help = "Отключить (архивировать) раздел результатов участников за учебный год или вернуть его"

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            required=True,
            type=number_option("Учебный год", ACADEMIC_YEARS),
            help="учебный год по году окончания (2019 = 2018/2019)",
        )
        parser.add_argument("--attach", action="store_true", help="вернуть архивированный год в результаты")

    def handle(self, *args, year: int, attach: bool, **options):
        try:
            table = results_year_attach(year) if attach else results_year_detach(year)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if attach:
            self.stdout.write(f"Результаты {year - 1}/{year} учебного года возвращены (раздел {table})")
        else:
            self.stdout.write(
                f"Результаты {year - 1}/{year} учебного года отключены от таблицы результатов и лежат в таблице {table}: "
                f"сохраните её (pg_dump -t {table}) и удалите, когда архив больше не нужен"
            )
