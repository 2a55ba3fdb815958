"""User text is escaped everywhere it is shown: pages, PDFs and workbooks."""

import io
from datetime import date

from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.pdf import render_roadmap_pdf
from roadmaps import services
from roadmaps.models import Section
from roadmaps.xlsx import roadmap_xlsx_bytes

HOSTILE = "<script>alert(1)</script>"


def hostile_roadmap(authority, methodist):
    roadmap = services.roadmap_create(
        owner=authority,
        by=methodist,
        title=f"План {HOSTILE}",
        period_start=date(2026, 8, 1),
        period_end=date(2027, 7, 31),
    )
    section = services.section_create(roadmap=roadmap, by=methodist, kind=Section.Kind.HEADING, heading=HOSTILE)
    services.measure_create(
        section=section, by=methodist, description=HOSTILE, deadline_text="Сентябрь", expected_result="=1+1"
    )
    return roadmap


def test_measure_titled_script_prints_as_text_on_the_page(client_for, authority, methodist):
    roadmap = hostile_roadmap(authority, methodist)
    page = client_for(methodist).get(reverse("roadmaps:detail", args=[roadmap.pk])).content.decode()
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_measure_titled_script_prints_as_text_in_the_pdf(authority, methodist):
    roadmap = hostile_roadmap(authority, methodist)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_roadmap_pdf(roadmap))).pages)
    assert "<script>alert(1)</script>" in text.replace("\n", "")


def test_exported_workbook_has_no_live_formulas_from_user_text(authority, methodist):
    roadmap = hostile_roadmap(authority, methodist)
    sheet = load_workbook(io.BytesIO(roadmap_xlsx_bytes(roadmap))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == "=1+1"]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_zones_export_keeps_a_formula_like_school_name_as_text(school_a):
    from monitoring.analysis.selectors import write_xlsx

    stream = io.BytesIO()
    write_xlsx(stream, ["Организация", "Балл"], [["=1+1", 2], ["+7 (845) школа", 3]])
    sheet = load_workbook(io.BytesIO(stream.getvalue())).active
    cells = [sheet["A2"], sheet["A3"]]
    assert [cell.value for cell in cells] == ["=1+1", "+7 (845) школа"]
    assert all(cell.data_type == "s" for cell in cells)
    assert sheet["B2"].value == 2
