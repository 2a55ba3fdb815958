from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.pdf import render_order_pdf
from reports.services import pdf_page_count
from roadmaps.models import Order


class Command(BaseCommand):
    help = "Приказ с приложениями (дорожными картами) в одном PDF: render_order ID --out file.pdf"

    def add_arguments(self, parser):
        parser.add_argument("order_id", type=int)
        parser.add_argument("--out", required=True, help="Куда записать PDF")

    def handle(self, *args, order_id, out, **options):
        order = Order.objects.select_related("organization").filter(pk=order_id).first()
        if order is None:
            raise CommandError(f"Приказ {order_id} не найден")
        data = render_order_pdf(order)
        Path(out).write_bytes(data)
        self.stdout.write(f"{out}: {pdf_page_count(data)} стр., {len(data)} байт")
