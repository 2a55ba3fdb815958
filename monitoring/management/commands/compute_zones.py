from django.core.management.base import BaseCommand, CommandError

from config.lib.cli import id_option
from config.lib.preconditions import command_preconditions
from monitoring.models import Zone, ZoningMethod
from monitoring.zoning import zones_compute


class Command(BaseCommand):
    help = "Рассчитать зоны организаций по методике и вывести код каждой организации и её зону"

    def add_arguments(self, parser):
        parser.add_argument(
            "--method", type=id_option(ZoningMethod, "id методики"), required=True, help="id методики зонирования"
        )

    def handle(self, *args, method: int, **options):
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
