import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from reports.testing import flat, pdf_pages
from roadmaps.models import Order


def test_render_roadmap_command_writes_the_pdf(roadmap, tmp_path):
    out = tmp_path / "plan.pdf"
    call_command("render_roadmap", str(roadmap.pk), "--out", str(out))
    assert "«УТВЕРЖДАЮ»" in flat(pdf_pages(out.read_bytes())[0])


def test_export_roadmap_command_writes_the_workbook(roadmap, tmp_path):
    out = tmp_path / "plan.xlsx"
    call_command("export_roadmap", str(roadmap.pk), "--out", str(out))
    assert "Дорожная карта" in load_workbook(out).sheetnames


def test_render_order_command_writes_order_and_appendix(roadmap, authority, tmp_path):
    order = Order.objects.create(
        organization=authority, number="7", date=roadmap.approval_order.date, title="Об утверждении"
    )
    order.approved.create(roadmap=roadmap, appendix_number=1)
    out = tmp_path / "order.pdf"
    call_command("render_order", str(order.pk), "--out", str(out))
    text = flat(" ".join(pdf_pages(out.read_bytes())))
    assert "П Р И К А З" in text and "Приложение 1 к приказу" in text


def test_unknown_roadmap_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="не найдена"):
        call_command("render_roadmap", "999999", "--out", str(tmp_path / "x.pdf"))
