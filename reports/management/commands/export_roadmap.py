from django.core.management.base import BaseCommand, CommandError

from config.lib.cli import id_option, write_output
from reports.models import ReportFile
from reports.services import document_render
from roadmaps.models import Roadmap


class Command(BaseCommand):
    help = "Дорожная карта в Excel в печатном виде: export_roadmap ID --out file.xlsx"

    def add_arguments(self, parser):
        parser.add_argument("roadmap_id", type=id_option(Roadmap, "id дорожной карты"))
        parser.add_argument("--out", required=True, help="Куда записать книгу .xlsx")

    def handle(self, *args, roadmap_id, out, **options):
        roadmap = Roadmap.objects.select_related("owner").filter(pk=roadmap_id).first()
        if roadmap is None:
            raise CommandError(f"Дорожная карта {roadmap_id} не найдена")
        # the same renderer as the page's job: the file is kept (its row names no author) and written to --out
        report = document_render(kind=ReportFile.Kind.ROADMAP_XLSX, roadmap=roadmap)
        with report.file.open("rb") as kept:
            data = kept.read()
        write_output(out, data)
        pages = f"{report.pages} стр., " if report.pages else ""
        self.stdout.write(f"{out}: {pages}{len(data)} байт")
