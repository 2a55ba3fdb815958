"""The roadmap and the order with its appendices as editable Word files (.docx, python-docx).

They print what the PDF prints — the same `RoadmapDocument` (numbers and cells from the one roadmap
table), the same order text and typography — laid out for an official to correct the wording before
signing: A4, the order on portrait pages, the plans on landscape ones, the margins of the PDF and
«стр. N из M» numbered through the whole file by Word's own fields.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports.pdf import order_context, print_css, spravka_context, zoning_appendix
from reports.typography import split_blocks, typograph
from roadmaps.document import RoadmapDocument, roadmap_document
from roadmaps.models import Order, Roadmap

FONT = "Times New Roman"
A4 = (Mm(210), Mm(297))
# (top, right, bottom, left) as in static/css/print.css: landscape plans and the portrait order.
LANDSCAPE_MARGINS = (Mm(20), Mm(10), Mm(20), Mm(20))
PORTRAIT_MARGINS = (Mm(20), Mm(15), Mm(20), Mm(30))


@lru_cache(maxsize=1)
def column_shares() -> dict[str, dict[str, int]]:
    """The printed columns' widths in per cent, read from print.css so that the PDF and the Word
    file cannot disagree: {"plan": {"description": 28, …}, "levels": {…}}."""
    css = print_css()
    plain = {key: int(width) for key, width in re.findall(r"^col\.c-(\w+) \{ width: (\d+)%; \}", css, re.M)}
    levels = dict(plain)
    for selectors, width in re.findall(r"^((?:table\.levels col\.c-\w+(?:, )?)+) \{ width: (\d+)%; \}", css, re.M):
        for key in re.findall(r"col\.c-(\w+)", selectors):
            levels[key] = int(width)
    return {"plan": plain, "levels": levels}


def roadmap_docx_bytes(roadmap: Roadmap) -> bytes:
    document = _new_document()
    _set_page(document.sections[0], landscape=True)
    _roadmap_body(document, roadmap_document(roadmap))
    return _save(document)


def order_docx_bytes(order: Order) -> bytes:
    """The order on portrait pages, then each roadmap it approves as its appendix on landscape ones."""
    document = _new_document()
    _set_page(document.sections[0], landscape=False)
    _order_body(document, order_context(order))
    links = list(order.approved.select_related("roadmap__owner").order_by("appendix_number"))
    for link in links:
        _set_page(document.add_section(WD_SECTION.NEW_PAGE), landscape=True, numbered=False)
        _roadmap_body(document, roadmap_document(link.roadmap, appendix_number=link.appendix_number, order=order))
    zoning = zoning_appendix(order, number=len(links) + 1)
    if zoning is not None:
        _set_page(document.add_section(WD_SECTION.NEW_PAGE), landscape=False, numbered=False)
        _zoning_body(document, zoning)
    return _save(document)


def _zoning_body(document, zoning: dict) -> None:
    """The zones of an order on the results of monitoring, as the PDF's appendix prints them."""
    section = document.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    for index, line in enumerate(zoning["stamp_lines"]):
        paragraph = _paragraph(document, line, bold=index == 0, size=12)
        paragraph.paragraph_format.left_indent = int(usable * 0.5)
    _paragraph(document, space_after=6)
    title = _paragraph(document, zoning["title"], align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=13)
    title.paragraph_format.space_after = Pt(12)
    previous = zoning["years"][1] or "прошлого года"
    heads = ["№ п/п", "Организация", "Код", f"Зона {zoning['years'][0]}", f"Зона {previous}", "Изменение"]
    # the shares of table.zones in print.css
    widths = [int(usable * share / 100) for share in (8, 32, 13, 16, 16, 15)]
    table = document.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    _repeat_as_header(table.rows[0])
    for cell, head, width in zip(table.rows[0].cells, heads, widths, strict=True):
        cell.width = width
        _cell_text(cell, head, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for number, row in enumerate(zoning["rows"], start=1):
        cells = table.add_row().cells
        values = [f"{number}.", row["name"], row["code"], row["zone"], row["previous"], row["movement"]]
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.width = width
            _cell_text(cell, value)


def spravka_docx_bytes(report) -> bytes:
    """The analytic report as the PDF prints it (the same context): the authority, the title, each
    section's text, generated statements in italics with their mark, its tables, then «Выводы и
    рекомендации» and who composed and approved it; A4 portrait with the order's margins. The bar
    charts are the PDF's: their numbers are in the tables beside them."""
    context = spravka_context(report)
    document = _new_document()
    _set_page(document.sections[0], landscape=False)
    _paragraph(document, context["authority"], align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    kind = _paragraph(document, "АНАЛИТИЧЕСКАЯ СПРАВКА", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=14)
    kind.paragraph_format.space_before = Pt(16)
    _paragraph(document, context["title"], align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, space_after=6)
    state = (
        f"Утверждена {context['approved_at']}" + (f", {context['approved_by']}" if context["approved_by"] else "") + "."
        if context["approved"]
        else "Проект, не утверждена."
    )
    _paragraph(
        document,
        f"Рассчитана по данным системы МУКО {context['generated_at']}. {state}",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=10,
        space_after=10,
    )
    section = document.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    for part in context["sections"]:
        heading = _paragraph(document, part["title"], bold=True, space_after=4)
        heading.paragraph_format.space_before = Pt(8)
        heading.paragraph_format.keep_with_next = True
        for text in part["paragraphs"]:
            _justified(document, text)
        for text in part["statements"]:
            paragraph = _justified(document, "")
            _run(paragraph, f"{text} ", italic=True)
            _run(paragraph, f"({context['generated_mark']})", italic=True, size=9)
        for table in part["tables"]:
            caption = _paragraph(document, table["caption"], bold=True, size=10, space_after=2)
            caption.paragraph_format.keep_with_next = True
            _plain_table(document, table["heads"], table["rows"], usable)
            _paragraph(document, space_after=4)
    heading = _paragraph(document, f"{context['conclusions_number']}. Выводы и рекомендации", bold=True, space_after=4)
    heading.paragraph_format.space_before = Pt(8)
    for line in context["conclusions"] or ["Выводы и рекомендации ещё не написаны."]:
        _justified(document, line)
    signature = _paragraph(document, f"Составил: {context['created_by'] or '—'}")
    signature.paragraph_format.space_before = Pt(30)
    if context["approved"]:
        _paragraph(document, f"Утвердил: {context['approved_by'] or '—'}, {context['approved_at']}")
    return _save(document)


def _justified(document, text: str):
    paragraph = _paragraph(document, text, indent=Mm(12.5), space_after=3)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return paragraph


def _plain_table(document, heads: list[str], rows: list[list[str]], usable) -> None:
    """A table of text cells in equal columns, its head repeated on every page."""
    width = int(usable / len(heads))
    table = document.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    table.autofit = False
    for column in table.columns:
        column.width = width
    _repeat_as_header(table.rows[0])
    for cell, head in zip(table.rows[0].cells, heads, strict=True):
        cell.width = width
        _cell_text(cell, head, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.width = width
            _cell_text(cell, value)


# --- pieces ---------------------------------------------------------------------------------------


def _new_document():
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.line_spacing = 1.0
    return document


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_page(section, *, landscape: bool, numbered: bool = True) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    top, right, bottom, left = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    section.top_margin, section.right_margin, section.bottom_margin, section.left_margin = top, right, bottom, left
    section.footer_distance = Mm(8)
    if not numbered:
        return  # a later section keeps the first one's footer: the numbers run on through the file
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(footer, "стр. ", size=9)
    _field(footer, "PAGE")
    _run(footer, " из ", size=9)
    _field(footer, "NUMPAGES")


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the pages out."""
    run = paragraph.add_run()
    run.font.size = Pt(9)
    for kind, text in (("begin", None), (None, f" {code} "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text.strip() == "1":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _run(paragraph, text: str, *, bold=False, italic=False, size: float | None = None):
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size:
        run.font.size = Pt(size)
    return run


def _paragraph(container, text: str = "", *, align=None, bold=False, size=None, space_after=0, indent=None):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if text:
        _run(paragraph, text, bold=bold, size=size)
    paragraph.paragraph_format.space_after = Pt(space_after)
    if indent is not None:
        paragraph.paragraph_format.first_line_indent = indent
    return paragraph


def _roadmap_body(document, doc: RoadmapDocument) -> None:
    section = document.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    for index, line in enumerate(doc.stamp_lines):
        paragraph = _paragraph(document, typograph(line), bold=index == 0, size=12)
        paragraph.paragraph_format.left_indent = int(usable * 0.58)
    _paragraph(document, space_after=6)
    title = _paragraph(document, typograph(doc.title), align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=13)
    title.paragraph_format.space_after = Pt(12)

    shares = column_shares()["levels" if doc.roadmap.level == Roadmap.Level.REGIONAL else "plan"]
    keys = [key for key, _ in doc.columns]
    total = sum(shares.get(key, 10) for key in keys)
    widths = [int(usable * shares.get(key, 10) / total) for key in keys]

    table = document.add_table(rows=1, cols=len(keys))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid Word and LibreOffice lay the table out by
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, (_, label), width in zip(header.cells, doc.columns, widths, strict=True):
        cell.width = width
        _cell_text(cell, label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for row in doc.rows:
        cells = table.add_row().cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
        if row.kind == "measure":
            _cell_text(cells[0], row.number, align=WD_ALIGN_PARAGRAPH.CENTER)
            for cell, key in zip(cells[1:], keys[1:], strict=True):
                _cell_blocks(cell, row.cells.get(key, ""))
        else:
            merged = cells[0].merge(cells[-1])
            _cell_text(merged, typograph(row.text), bold=row.kind == "section", italic=row.kind == "subsection")
            if row.kind == "section":
                _shade(merged, "F0F0F0")


def _order_body(document, context: dict) -> None:
    for line in context["org_lines"]:
        _paragraph(document, line, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=14)
    kind = _paragraph(document, "П Р И К А З", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=16)
    kind.paragraph_format.space_before, kind.paragraph_format.space_after = Pt(16), Pt(16)
    section = document.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    dated = _paragraph(document, space_after=16)
    dated.paragraph_format.tab_stops.add_tab_stop(usable, WD_TAB_ALIGNMENT.RIGHT)
    _run(dated, f"{context['date'] or '«____» ____________ 20___ г.'}\t№\u00a0{context['number']}", size=14)
    title = _paragraph(document, context["title"], bold=True, size=14, space_after=16)
    title.paragraph_format.right_indent = int(usable * 0.4)
    if context["basis"]:
        basis = _paragraph(document, context["basis"], size=14, indent=Mm(12.5))
        basis.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    decree = _paragraph(document, "п р и к а з ы в а ю:", size=14)
    decree.paragraph_format.space_before, decree.paragraph_format.space_after = Pt(11), Pt(11)
    for item in context["items"]:
        for text in [f"{item['number']} {item['text']}", *item["subitems"]]:
            paragraph = _paragraph(document, text, size=14, indent=Mm(12.5), space_after=3)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    signature = _paragraph(document, size=14)
    signature.paragraph_format.space_before = Pt(40)
    signature.paragraph_format.keep_with_next = True
    signature.paragraph_format.tab_stops.add_tab_stop(usable, WD_TAB_ALIGNMENT.RIGHT)
    _run(signature, f"{context['signatory_position']}\t{context['signatory_name']}", size=14)


def _cell_text(cell, text: str, *, bold=False, italic=False, align=None) -> None:
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    _run(paragraph, text, bold=bold, italic=italic, size=10)


def _cell_blocks(cell, text: str) -> None:
    """A cell's paragraphs and dash lists, as the PDF's `cell_html` lays them out."""
    first = True
    for kind, value in split_blocks(text):
        lines = [typograph(value)] if kind == "p" else [f"–\u00a0{typograph(item)}" for item in value]
        for line in lines:
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            _run(paragraph, line, size=10)
            if kind != "p":
                paragraph.paragraph_format.left_indent = Mm(3)
                paragraph.paragraph_format.first_line_indent = -Mm(3)


def _repeat_as_header(row) -> None:
    """The table's head repeats on every page, as in the PDF."""
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _shade(cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)
