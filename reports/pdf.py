"""HTML → PDF with WeasyPrint for roadmaps, orders (with their appendices in one file) and
execution reports. The HTML comes from templates/reports/print/ and static/css/print.css."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from reports.selectors import SUMMARY_COLUMNS, ExecutionReport, order_items
from reports.typography import cell_html, typograph
from roadmaps.document import RoadmapDocument, format_date, organisation_genitive, roadmap_document
from roadmaps.models import Order

# A measure row shorter than this (characters over all its cells) is kept on one page; a longer
# one may break across pages, and orphans/widows keep at least two lines with its number.
KEEP_ROW_CHARS = 900

Progress = Callable[[int, int], None]


@lru_cache(maxsize=1)
def print_css() -> str:
    return (Path(settings.BASE_DIR) / "static" / "css" / "print.css").read_text(encoding="utf-8")


def roadmap_context(doc: RoadmapDocument) -> dict:
    """What templates/reports/print/roadmap_body.html needs for one roadmap."""
    keys = [key for key, _ in doc.columns]
    rows = []
    for row in doc.rows:
        if row.kind == "measure":
            html_cells = [row.number] + [cell_html(row.cells.get(key, "")) for key in keys[1:]]
            keep = sum(len(v) for v in row.cells.values()) < KEEP_ROW_CHARS
            rows.append({"kind": "measure", "html_cells": html_cells, "keep": keep})
        else:
            rows.append({"kind": row.kind, "html": typograph(row.text)})
    return {
        "doc": doc,
        "rows": rows,
        "title": typograph(doc.title),
        "stamp_lines": [typograph(line) for line in doc.stamp_lines],
    }


def roadmap_html(doc: RoadmapDocument, *, css: str | None = None) -> str:
    context = roadmap_context(doc) | {"css": mark_safe(print_css() if css is None else css)}
    return render_to_string("reports/print/roadmap.html", context)


def html_to_document(html: str):
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).render()


def render_roadmap_pdf(roadmap, *, progress: Progress | None = None) -> bytes:
    if progress:
        progress(0, 2)
    document = html_to_document(roadmap_html(roadmap_document(roadmap)))
    if progress:
        progress(1, 2)
    data = document.write_pdf()
    if progress:
        progress(2, 2)
    return data


def order_context(order: Order) -> dict:
    """What templates/reports/print/order_body.html needs: the order's own text."""
    organisation = order.organization
    header = order.header.strip() or organisation.full_name or organisation.short_name
    org_lines = [line.strip() for line in header.splitlines() if line.strip()]
    return {
        "order": order,
        "org_lines": org_lines,
        "date": format_date(order.date),
        "number": order.number or "____",
        "title": typograph(order.title),
        "basis": typograph(order.basis),
        "items": [
            {"number": item.number, "text": typograph(item.text), "subitems": [typograph(s) for s in item.subitems]}
            for item in order_items(order)
        ],
        "signatory_position": typograph(order.signatory_position),
        "signatory_name": typograph(order.signatory_name),
    }


def order_html(order: Order, *, progress: Progress | None = None) -> str:
    """The order and, after it, every roadmap it approves as its appendix: one HTML document, so
    that one rendering numbers the pages of the whole file («стр. 1 из N» … «стр. N из N»). The
    order sits on portrait pages (the named page `portrait`), the appendices on landscape ones."""
    links = list(order.approved.select_related("roadmap__owner").order_by("appendix_number"))
    total = len(links) + 1
    appendices = []
    for index, link in enumerate(links, start=1):
        doc = roadmap_document(link.roadmap, appendix_number=link.appendix_number, order=order)
        appendices.append(roadmap_context(doc))
        if progress:
            progress(index, total)
    context = order_context(order) | {
        "appendices": appendices,
        "zoning": zoning_appendix(order, number=len(links) + 1),
        "css": mark_safe(print_css()),
    }
    return render_to_string("reports/print/order.html", context)


def zoning_appendix(order: Order, *, number: int) -> dict | None:
    """The zones an order on the results of monitoring states, as its appendix: each organisation's
    zone now and by last year's method, and the movement between them. None for any other order."""
    from monitoring.analysis.selectors import zoning_results
    from monitoring.models import ZoningMethod
    from monitoring.zoning import colour_label

    method = ZoningMethod.objects.filter(results_order=order).select_related("municipality").first()
    if method is None:
        return None
    results = zoning_results(method)
    previous = results.previous_method
    return {
        "number": number,
        "stamp_lines": [
            f"Приложение {number}",
            f"к приказу {organisation_genitive(order.organization)}",
            f"от {format_date(order.date) or '__.__.____'} № {order.number or '____'}",
        ],
        "title": typograph(
            f"Итоги зонирования образовательных организаций за {method.year - 1}/{method.year} учебный год "
            f"по методике «{method.title}»"
        ),
        "years": (f"{method.year - 1}/{method.year}", f"{previous.year - 1}/{previous.year}" if previous else ""),
        "rows": [
            {
                "name": row.organization.short_name,
                "code": row.organization.code,
                "zone": colour_label(row.colour),
                "previous": colour_label(row.previous) if row.previous else "—",
                "movement": row.movement or "—",
            }
            for row in results.rows
        ],
    }


def render_order_pdf(order: Order, *, progress: Progress | None = None) -> bytes:
    """The order itself, then every approved roadmap as its appendix, in one PDF."""
    data = html_to_document(order_html(order, progress=progress)).write_pdf()
    if progress:
        total = order.approved.count() + 1
        progress(total, total)
    return data


def execution_html(report: ExecutionReport) -> str:
    context = {
        "report": report,
        "columns": SUMMARY_COLUMNS,
        "title": typograph(report.title),
        "date_from": format_date(report.date_from),
        "date_to": format_date(report.date_to),
        "as_of": format_date(report.as_of),
        "css": mark_safe(print_css()),
    }
    return render_to_string("reports/print/execution.html", context)


def render_execution_pdf(report: ExecutionReport) -> bytes:
    return html_to_document(execution_html(report)).write_pdf()


def zoning_html(method, *, user) -> str:
    """The zoning report: zone counts, the heat map (the same SVG as on the page) and the lists
    of organisations by zone with each rule's value."""
    from monitoring.analysis.selectors import overview
    from monitoring.analysis.svg import heatmap
    from monitoring.zoning import colour_label

    def cell_text(cell) -> str:
        if not cell or cell["value"] is None:
            return "нет данных"
        value = f"{cell['value']:.1f}".replace(".", ",")
        return f"{value} ({colour_label(cell['colour']).lower()})"

    rules, rows, counts = overview(user, method.municipality, method, sort="zone")
    by_colour: dict[str, list] = {"red": [], "yellow": [], "green": [], "no_data": []}
    for row in rows:
        if row.zone is not None:
            by_colour[row.zone.colour].append((row.organization, [cell_text(cell) for cell in row.cells]))
    context = {
        "method": method,
        "rules": rules,
        "counts": counts,
        "groups": [
            ("red", "Красная зона", by_colour["red"]),
            ("yellow", "Жёлтая зона", by_colour["yellow"]),
            ("green", "Зелёная зона", by_colour["green"]),
            ("no_data", "Недостаточно данных", by_colour["no_data"]),
        ],
        "heatmap": mark_safe(heatmap(rows, rules, card_url=lambda pk: "")),
        "title": typograph(method.title),
        "css": mark_safe(print_css()),
    }
    return render_to_string("reports/print/zoning.html", context)


def effectiveness_html(method, *, user) -> str:
    """«Анализ эффективности принятых мер»: for the measures targeted from the method's zones, each
    organisation's rule indicators before (the method's year) and after (the latest later year),
    the verdict on each measure and on all of them."""
    from monitoring.analysis.selectors import (
        direction_change,
        effectiveness,
        effectiveness_by_measure,
        effectiveness_verdict,
        target_attainment,
    )

    rows, _ = effectiveness(user, method.municipality, method=method)
    # The directions of the method's rules: their indicators for the municipality as a whole.
    direction = direction_change(
        method.municipality, [rule.indicator.direction_code for rule in method.rules.select_related("indicator")]
    )

    def number(value) -> str:
        return "нет данных" if value is None else f"{value:.1f}".replace(".", ",")

    context = {
        "method": method,
        "title": typograph(method.title),
        "rows": [
            {
                "organization": row["organization"].short_name,
                "measure": typograph(row["measure"].description),
                "indicator": f"{row['rule'].indicator.name} {row['rule'].slice_label}".strip(),
                "before": f"{number(row['before'])} ({row['before_year']})",
                "after": f"{number(row['after'])} ({row['after_year']})" if row["after_year"] else "нет данных",
                "change": row["change"] or "—",
            }
            for row in rows
        ],
        "verdict": effectiveness_verdict(rows),
        "by_measure": [(typograph(m.description), v) for m, v in effectiveness_by_measure(rows)],
        # The targets of the municipality's roadmaps from the method's year on (issue 21 part 4).
        "targets": [
            {
                "roadmap": typograph(str(t.roadmap)),
                "number": t.number,
                "measure": typograph(t.measure.description),
                "target": t.target,
                "achieved": t.text,
                "verdict": t.attainment.verdict,
            }
            for t in target_attainment(user, method.municipality, since_year=method.year)
        ],
        "direction": direction,
        "direction_rows": [
            {
                "indicator": typograph(row["indicator"].name),
                "slice": row["slice"],
                "unit": row["indicator"].unit or "—",
                "before": number(row["before"]),
                "after": number(row["after"]),
                "change": row["change"] or "—",
            }
            for row in direction.rows
        ],
        "today": format_date(timezone.localdate()),
        "css": mark_safe(print_css()),
    }
    return render_to_string("reports/print/effectiveness.html", context)


def render_effectiveness_pdf(method, *, user) -> bytes:
    return html_to_document(effectiveness_html(method, user=user)).write_pdf()


def render_zoning_pdf(method, *, user) -> bytes:
    return html_to_document(zoning_html(method, user=user)).write_pdf()


def recommendation_html(recommendation) -> str:
    """An addressed recommendation as a document on portrait pages: who sends it and to whom, its text
    and date of report, then how each addressee carried it out, as of today."""
    from monitoring.recommendations.selectors import summary

    authority = recommendation.municipality.organizations.filter(kind="authority").order_by("pk").first()
    addressees = list(recommendation.addressees.select_related("organization").order_by("organization__short_name"))
    context = {
        "recommendation": recommendation,
        "authority": authority.full_name if authority else str(recommendation.municipality),
        "text": [typograph(line) for line in recommendation.text.splitlines() if line.strip()],
        "addressees": addressees,
        "summary": summary(addressees),
        "today": format_date(timezone.localdate()),
        "css": mark_safe(print_css()),
    }
    return render_to_string("reports/print/recommendation.html", context)


def render_recommendation_pdf(recommendation) -> bytes:
    return html_to_document(recommendation_html(recommendation)).write_pdf()


def spravka_context(report) -> dict:
    """What the справка's page, its PDF and its Word file print: the frozen contents with charts as
    SVG, the conclusions as paragraphs, who composed and approved it. One context for all three."""
    from monitoring.analysis.svg import bar_chart
    from reports.spravka.statements import GENERATED

    content = report.content or {}
    sections = []
    for section in content.get("sections", []):
        chart = section.get("chart")
        sections.append(
            {
                **section,
                "paragraphs": [typograph(text) for text in section.get("paragraphs", [])],
                "statements": [typograph(text) for text in section.get("statements", [])],
                "svg": mark_safe(bar_chart(chart["bars"], caption=chart["caption"])) if chart else "",
            }
        )
    authority = report.municipality.organizations.filter(kind="authority").order_by("pk").first()
    return {
        "report": report,
        "authority": authority.full_name if authority else report.municipality.name,
        "title": typograph(content.get("title", report.title)),
        "sections": sections,
        "generated_mark": GENERATED,
        "generated_at": format_date(timezone.localtime(report.generated_at).date()) if report.generated_at else "",
        "conclusions": [typograph(line) for line in report.conclusions.splitlines() if line.strip()],
        "conclusions_number": len(sections) + 1,
        "approved": report.status == report.Status.APPROVED,
        "approved_at": format_date(timezone.localtime(report.approved_at).date()) if report.approved_at else "",
        "approved_by": _person(report.approved_by),
        "created_by": _person(report.created_by),
    }


def _person(user) -> str:
    if user is None:
        return ""
    return " ".join(part for part in (user.last_name, user.first_name) if part) or user.get_username()


def spravka_html(report) -> str:
    return render_to_string("reports/print/spravka.html", spravka_context(report) | {"css": mark_safe(print_css())})


def render_spravka_pdf(report) -> bytes:
    return html_to_document(spravka_html(report)).write_pdf()
