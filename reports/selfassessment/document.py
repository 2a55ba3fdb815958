"""The self-assessment as a document, in the shape a region asks for: the summary table of directions
× stages with the points, the totals beside last year, then for each direction and stage its mark,
the documents that show it (number, date, address; the open page's address where it is published)
and what is missing. One context feeds the PDF (templates/reports/print/selfassessment.html) and the
Word file, so both say the same."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from reports.pdf import html_to_document, print_css
from reports.selfassessment.selectors import Matrix, Proof
from roadmaps.document import format_date

TITLE = "Самооценка муниципальных механизмов управления качеством образования"


def _address(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def _proof(proof: Proof) -> dict:
    text = proof.label
    if proof.kind:
        text = f"{proof.kind.capitalize()}: {text}" if not text.lower().startswith(proof.kind) else text
    if proof.number:
        text += f", № {proof.number}"
    if proof.date:
        text += f" от {format_date(proof.date)}"
    return {
        "text": text,
        "url": _address(proof.url) if proof.url else "",
        "public_url": _address(proof.public_url) if proof.public_url else "",
    }


def _total(total) -> str:
    text = f"{total.points} из {total.max_points}"
    return text + (f" ({total.percent:g} %)".replace(".", ",") if total.percent is not None else "")


def report_context(matrix: Matrix) -> dict:
    stages = matrix.catalogue.stages
    summary_rows = []
    directions = []
    for direction, cells, total in matrix.rows():
        summary_rows.append(
            [
                f"{direction.code}",
                *[str(cell.points) if cell.rule else "—" for cell in cells],
                _total(total),
                str(total.previous),
            ]
        )
        rows = []
        for cell in cells:
            documents = [_proof(proof) for check in cell.checks for proof in check.proofs]
            rows.append(
                {
                    "stage": cell.stage.title,
                    "mark": f"{cell.status_label}, {cell.points} из {cell.max_points}"
                    if cell.rule
                    else cell.status_label,
                    "documents": documents,
                    "missing": [f"{check.missing}." for check in cell.missing],
                }
            )
        directions.append({"title": f"{direction.code}. {direction.title}", "total": _total(total), "rows": rows})
    totals = [("Итого", matrix.overall)] + [(group.title, total) for group, total in matrix.group_rows()]
    return {
        "title": TITLE,
        "subtitle": f"{matrix.municipality.name}, {matrix.year_label} учебный год",
        "as_of": format_date(timezone.localdate()),
        "summary_heads": ["Направление", *[stage.title for stage in stages], "Итого", "Год назад"],
        "summary_rows": summary_rows,
        "totals": [
            (label, _total(total), "—" if total.previous is None else str(total.previous)) for label, total in totals
        ],
        "directions": directions,
        "scale": "Оценка этапа: «полностью» — выполнены все требования правила этапа, «частично» — часть, «нет» — ни одного.",
    }


def selfassessment_html(matrix: Matrix) -> str:
    context = report_context(matrix) | {"css": mark_safe(print_css())}
    return render_to_string("reports/print/selfassessment.html", context)


def render_selfassessment_pdf(matrix: Matrix) -> bytes:
    return html_to_document(selfassessment_html(matrix)).write_pdf()


def selfassessment_docx_bytes(matrix: Matrix) -> bytes:
    """The same document for Word: landscape A4 with the plans' margins, the summary table, the
    totals, then each direction's table of stages (mark, documents with their addresses, what is
    missing)."""
    from reports.word import _new_document, _paragraph, _plain_table, _save, _set_page

    context = report_context(matrix)
    document = _new_document()
    _set_page(document.sections[0], landscape=True)
    _paragraph(document, context["title"].upper(), align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=14)
    _paragraph(document, context["subtitle"], align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, space_after=2)
    _paragraph(
        document, f"По данным системы МУКО на {context['as_of']}. {context['scale']}", align=WD_ALIGN_PARAGRAPH.CENTER,
        size=10, space_after=8,
    )  # fmt: skip
    section = document.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    _plain_table(document, context["summary_heads"], context["summary_rows"], usable)
    _paragraph(document, space_after=6)
    _plain_table(document, ["", "Баллы", "Год назад"], [list(row) for row in context["totals"]], usable)
    for direction in context["directions"]:
        heading = _paragraph(document, f"{direction['title']} — {direction['total']}", bold=True, space_after=4)
        heading.paragraph_format.space_before = Pt(10)
        heading.paragraph_format.keep_with_next = True
        rows = [
            [
                row["stage"],
                row["mark"],
                "\n".join(_document_line(item) for item in row["documents"]) or "—",
                "\n".join(row["missing"]) or "—",
            ]
            for row in direction["rows"]
        ]
        _plain_table(document, ["Этап цикла", "Оценка", "Подтверждающие документы", "Чего не хватает"], rows, usable)
    return _save(document)


def _document_line(item: dict) -> str:
    line = f"{item['text']} — {item['url']}" if item["url"] else item["text"]
    return line + (f" (размещено: {item['public_url']})" if item["public_url"] else "")
