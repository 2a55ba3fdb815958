"""The execution report as an Excel workbook: sheet «Исполнение» (each measure with its
occurrences per organisation and their evidence, overdue rows filled red) and sheet «Сводка»."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from config.lib.xlsx import put_text
from reports.selectors import SUMMARY_COLUMNS, ExecutionReport
from roadmaps.document import format_date
from roadmaps.xlsx import BORDER, FONT

OVERDUE_FILL = PatternFill("solid", fgColor="F8D7DA")


def _row(sheet, row: int, values, *, bold=False, fill=None) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        put_text(cell, value)
        cell.font = Font(name=FONT, size=11, bold=bold)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.border = BORDER
        if fill:
            cell.fill = fill


def execution_workbook(report: ExecutionReport) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Исполнение"
    put_text(sheet.cell(row=1, column=1), f"Отчёт об исполнении: {report.title}")
    sheet.cell(row=1, column=1).font = Font(name=FONT, size=13, bold=True)
    put_text(
        sheet.cell(row=2, column=1),
        f"Период: {format_date(report.date_from)} — {format_date(report.date_to)}. "
        f"Состояние на {format_date(report.as_of)}.",
    )
    header = [
        "№ п/п",
        "Мероприятие",
        "Сроки",
        "Организация",
        "Исполнение",
        "Срок",
        "Состояние",
        "Просрочено",
        "Подтверждающие документы",
    ]
    _row(sheet, 4, header, bold=True)
    for column, width in enumerate([8, 60, 18, 28, 10, 12, 20, 12, 60], start=1):
        sheet.column_dimensions[chr(64 + column)].width = width
    row = 4
    for measure in report.measures:
        if not measure.lines:
            row += 1
            _row(
                sheet, row, [measure.number, measure.description, measure.deadline, "", "", "", "Не назначено", "", ""]
            )
        for line in measure.lines:
            row += 1
            evidence = "\n".join(
                " ".join(
                    part
                    for part in (
                        e["kind"],
                        f"№ {e['number']}" if e["number"] else "",
                        f"от {e['date']}" if e["date"] else "",
                        f": {e['title']}" if e["title"] else "",
                        e["link"],
                    )
                    if part
                )
                for e in line.evidence
            )
            _row(
                sheet,
                row,
                [
                    measure.number,
                    measure.description,
                    measure.deadline,
                    line.organization,
                    line.occurrence,
                    format_date(line.due_date),
                    line.state_label,
                    "да" if line.overdue else "",
                    evidence,
                ],
                fill=OVERDUE_FILL if line.overdue else None,
            )
    sheet.freeze_panes = "A5"
    sheet.print_title_rows = "4:4"
    sheet.page_setup.orientation = "landscape"

    summary = workbook.create_sheet("Сводка")
    _row(
        summary,
        1,
        ["Организация", *(label for _, label in SUMMARY_COLUMNS), "Принято, %"],
        bold=True,
    )
    summary.column_dimensions["A"].width = 40
    for index, r in enumerate(report.summary, start=2):
        _row(
            summary,
            index,
            [r["organization"], *r["cells"], r["percent"]],
            fill=OVERDUE_FILL if r["overdue"] else None,
        )
    t = report.totals
    _row(
        summary,
        len(report.summary) + 2,
        ["Итого", *t["cells"], t["percent"]],
        bold=True,
    )
    return workbook


def execution_xlsx_bytes(report: ExecutionReport) -> bytes:
    buffer = io.BytesIO()
    execution_workbook(report).save(buffer)
    return buffer.getvalue()
