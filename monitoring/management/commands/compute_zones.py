from django.core.management.base import BaseCommand, CommandError

from config.lib.cli import id_option, number_option
from config.lib.preconditions import command_preconditions
from monitoring.models import Zone, ZoningMethod
from monitoring.services import ACADEMIC_YEARS
from monitoring.zoning import zones_compute, zones_compute_year


class Command(BaseCommand):
    help = (
        "Рассчитать зоны организаций по методике и вывести код каждой организации и её зону; "
        "с --year — по всем утверждённым методикам года во всех муниципалитетах"
    )

    def add_arguments(self, parser):
        parser.add_argument("--method", type=id_option(ZoningMethod, "id методики"), help="id методики зонирования")
        parser.add_argument(
            "--year",
            type=number_option("Учебный год", ACADEMIC_YEARS),
            help="учебный год по году окончания: все утверждённые методики этого года",
        )

    def handle(self, *args, method: int | None, year: int | None, **options):
        if (method is None) == (year is None):
            raise CommandError("Укажите одно из двух: --method (id методики) или --year (учебный год, все методики)")
        if year is not None:
            with command_preconditions():
                summary = zones_compute_year(year=year)
            for line in summary.skipped:
                self.stdout.write(f"Не рассчитана: {line}")
            self.stdout.write(", ".join(f"{key}: {value}" for key, value in summary.as_dict().items()))
            return
        zoning_method = ZoningMethod.objects.filter(pk=method).first()
        if zoning_method is None:
            raise CommandError(f"Нет методики зонирования с id {method}")
        with command_preconditions():
            summary = zones_compute(method=zoning_method)
        for zone in (
            Zone.objects.filter(method=zoning_method).select_related("organization").order_by("organization__code")
        ):
            change = f" (была: {zone.get_previous_colour_display().lower()})" if zone.changed else ""
            self.stdout.write(f"{zone.organization.code}\t{zone.get_colour_display()}{change}")
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in summary.as_dict().items()))
