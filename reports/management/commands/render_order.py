from django.core.management.base import BaseCommand, CommandError

from config.lib.cli import id_option, write_output
from reports.pdf import render_order_pdf
from reports.services import pdf_page_count
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
        data = render_order_pdf(order)
        write_output(out, data)
        self.stdout.write(f"{out}: {pdf_page_count(data)} стр., {len(data)} байт")
