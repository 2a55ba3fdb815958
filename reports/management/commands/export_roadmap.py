from django.core.management.base import BaseCommand, CommandError

from config.lib.cli import id_option, write_output
from roadmaps.models import Roadmap
from roadmaps.xlsx import roadmap_xlsx_bytes


class Command(BaseCommand):
    help = "Дорожная карта в Excel в печатном виде: export_roadmap ID --out file.xlsx"

    def add_arguments(self, parser):
        parser.add_argument("roadmap_id", type=id_option(Roadmap, "id дорожной карты"))
        parser.add_argument("--out", required=True, help="Куда записать книгу .xlsx")

    def handle(self, *args, roadmap_id, out, **options):
        roadmap = Roadmap.objects.select_related("owner").filter(pk=roadmap_id).first()
        if roadmap is None:
            raise CommandError(f"Дорожная карта {roadmap_id} не найдена")
        data = roadmap_xlsx_bytes(roadmap)
        write_output(out, data)
        self.stdout.write(f"{out}: {len(data)} байт")
