from django.core.management.base import BaseCommand, CommandError

from config.lib.cli import id_option, write_output
from reports.models import ReportFile
from reports.services import document_render
from roadmaps.models import Order


class Command(BaseCommand):
    help = "Приказ с приложениями (дорожными картами) в одном PDF: render_order ID --out file.pdf"

    def add_arguments(self, parser):
        parser.add_argument("order_id", type=id_option(Order, "id приказа"))
        parser.add_argument("--out", required=True, help="Куда записать PDF")

    def handle(self, *args, order_id, out, **options):
        order = Order.objects.select_related("organization").filter(pk=order_id).first()
        if order is None:
            raise CommandError(f"Приказ {order_id} не найден")
        # the same renderer as the page's job: the file is kept (its row names no author) and written to --out
        report = document_render(kind=ReportFile.Kind.ORDER_PDF, order=order)
        with report.file.open("rb") as kept:
            data = kept.read()
        write_output(out, data)
        pages = f"{report.pages} стр., " if report.pages else ""
        self.stdout.write(f"{out}: {pages}{len(data)} байт")
