from django.core.management.base import BaseCommand, CommandError

from config.lib.cli import id_option, write_output
from reports.pdf import render_roadmap_pdf
from reports.services import pdf_page_count
from roadmaps.models import Roadmap


class Command(BaseCommand):
    help = "Печатная форма дорожной карты в PDF: render_roadmap ID --out file.pdf"

    def add_arguments(self, parser):
        parser.add_argument("roadmap_id", type=id_option(Roadmap, "id дорожной карты"))
        parser.add_argument("--out", required=True, help="Куда записать PDF")

    def handle(self, *args, roadmap_id, out, **options):
        roadmap = Roadmap.objects.select_related("owner").filter(pk=roadmap_id).first()
        if roadmap is None:
            raise CommandError(f"Дорожная карта {roadmap_id} не найдена")
        data = render_roadmap_pdf(roadmap)
        write_output(out, data)
        self.stdout.write(f"{out}: {pdf_page_count(data)} стр., {len(data)} байт")
