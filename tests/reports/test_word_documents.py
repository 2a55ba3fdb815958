"""The roadmap and the order with its appendices as Word files (issue 21 part 5): the same numbers,
texts and columns as the PDF, laid out like the PDF (orientation, margins, page numbers through the
file), served through the one document path with the PDF's access rules."""

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Mm

from reports.models import ReportFile
from reports.pdf import render_order_pdf, render_roadmap_pdf
from reports.selectors import order_items
from reports.testing import build_roadmap, flat, pdf_pages
from reports.typography import typograph
from reports.word import column_shares, order_docx_bytes, roadmap_docx_bytes
from roadmaps.document import roadmap_document
from roadmaps.models import Roadmap
from roadmaps.services import PersonInput, order_save

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def read(data: bytes):
    return Document(io.BytesIO(data))


def plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def table_rows(table) -> list[list[str]]:
    """Each row's distinct cells (a merged section row reads as one cell)."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(plain(cell.text))
        rows.append(cells)
    return rows


def make_order(methodist, authority, roadmaps):
    return order_save(
        by=methodist,
        organization=authority,
        number="158",
        date=date(2022, 8, 27),
        title="Об утверждении планов мероприятий («дорожных карт»)",
        place_phrase="",
        roadmaps=roadmaps,
        items=["Руководителям подведомственных организаций принять участие в реализации мероприятий."],
        responsible=[],
        control=[PersonInput(position="начальник управления образования", name="Разуваева Т.В.")],
        signatory_position="Начальник управления образования",
        signatory_name="Т.В. Разуваева",
    )


def test_the_roadmap_in_word_has_the_pdf_numbers_texts_and_columns(authority):
    roadmap = build_roadmap(authority, sections=3, measures=4)
    doc = roadmap_document(roadmap)
    word = read(roadmap_docx_bytes(roadmap))

    assert plain(typograph(doc.title)) in [plain(p.text) for p in word.paragraphs]
    [table] = word.tables
    rows = table_rows(table)
    assert rows[0] == [label for _, label in doc.columns]
    expected = []
    for row in doc.rows:
        if row.kind == "measure":
            expected.append([row.number] + [plain(typograph(row.cells.get(key, ""))) for key, _ in doc.columns[1:]])
        else:
            expected.append([plain(typograph(row.text))])
    assert [[re.sub(r"– ", "", c) for c in r] for r in rows[1:]] == [
        [re.sub(r"- |– |— ", "", c) for c in r] for r in expected
    ]
    numbers = [r[0] for r in rows[1:] if len(r) > 1]
    assert numbers == [row.number for row in doc.measure_rows] and len(numbers) == 12

    pdf_text = flat(" ".join(pdf_pages(render_roadmap_pdf(roadmap))))
    for number, description in ((r[0], r[1]) for r in rows[1:] if len(r) > 1):
        assert f"{number} {description[:40]}" in pdf_text


def test_the_roadmap_in_word_is_landscape_with_the_pdf_margins_widths_and_page_numbers(authority):
    roadmap = build_roadmap(authority, sections=1, measures=2)
    word = read(roadmap_docx_bytes(roadmap))
    [section] = word.sections
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    margins = [section.top_margin, section.right_margin, section.bottom_margin, section.left_margin]
    assert [round(m / Mm(1)) for m in margins] == [20, 10, 20, 20]
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml and "стр. " in footer_xml
    usable = section.page_width - section.left_margin - section.right_margin
    widths = [cell.width for cell in word.tables[0].rows[0].cells]
    assert abs(sum(widths) - usable) < Mm(1)
    assert sum(column_shares()["plan"].values()) == 100
    assert sum(column_shares()["levels"].values()) == 100  # a regional plan's three levels and the rest


def test_the_order_in_word_reads_like_the_pdf_with_its_appendices_on_landscape_pages(methodist, authority):
    first = build_roadmap(authority, sections=1, measures=2, status=Roadmap.Status.DRAFT)
    second = build_roadmap(authority, sections=2, measures=1, status=Roadmap.Status.DRAFT)
    order = make_order(methodist, authority, [first, second])
    word = read(order_docx_bytes(order))
    texts = [plain(p.text) for p in word.paragraphs]

    assert "П Р И К А З" in texts and "п р и к а з ы в а ю:" in texts
    for item in order_items(order):
        assert plain(f"{item.number} {typograph(item.text)}") in texts
    assert any(text.startswith("27.08.2022") and text.endswith("№ 158") for text in texts)
    assert not any(".." in text.replace("...", "") for text in texts)

    orientations = [section.orientation for section in word.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.LANDSCAPE]
    assert [round(m / Mm(1)) for m in (word.sections[0].left_margin, word.sections[0].right_margin)] == [30, 15]
    # one footer for the whole file: the numbers run on, they do not restart in an appendix
    assert all(section.footer.is_linked_to_previous for section in word.sections[1:])
    assert "w:pgNumType" not in word.sections[1]._sectPr.xml
    assert [plain(p.text) for p in word.paragraphs if p.text.startswith("Приложение")] == [
        "Приложение 1",
        "Приложение 2",
    ]
    assert len(word.tables) == 2

    pdf_text = flat(" ".join(pdf_pages(render_order_pdf(order))))
    for table in word.tables:
        for row in table_rows(table)[1:]:
            if len(row) > 1:
                assert f"{row[0]} {row[1][:40]}" in pdf_text


@pytest.mark.parametrize(
    ("url_name", "target", "filename"),
    [("reports:roadmap_docx", "roadmap", "roadmap-{pk}.docx"), ("reports:order_docx", "order", "order-{pk}.docx")],
)
def test_word_files_come_through_the_document_path(
    client_for, methodist, authority, url_name, target, filename, django_capture_on_commit_callbacks
):
    roadmap = build_roadmap(authority, sections=1, measures=2, status=Roadmap.Status.DRAFT)
    order = make_order(methodist, authority, [roadmap])
    obj = roadmap if target == "roadmap" else order
    client = client_for(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(url_name, args=[obj.pk]))
    assert response.status_code in (200, 302)
    kept = ReportFile.objects.get(
        kind=ReportFile.Kind.ROADMAP_DOCX if target == "roadmap" else ReportFile.Kind.ORDER_DOCX
    )
    assert kept.filename == filename.format(pk=obj.pk)
    download = client.get(reverse("reports:file", args=[kept.pk]))
    assert download["Content-Type"] == DOCX
    data = b"".join(download.streaming_content)
    assert read(data).tables  # a real Word file
    # asked again with nothing changed: the kept file, no second rendering
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(url_name, args=[obj.pk]))
    assert ReportFile.objects.filter(kind=kept.kind).count() == 1


def test_a_director_gets_no_order_in_word(client_for, methodist, director_a, authority):
    roadmap = build_roadmap(authority, sections=1, measures=1, status=Roadmap.Status.DRAFT)
    order = make_order(methodist, authority, [roadmap])
    assert client_for(director_a).post(reverse("reports:order_docx", args=[order.pk])).status_code == 404
    assert not ReportFile.objects.filter(kind=ReportFile.Kind.ORDER_DOCX).exists()
