"""Excel export of a roadmap in its printed layout and import back into a draft."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from reports.services import RoadmapStateError, roadmap_import_xlsx
from reports.testing import build_roadmap
from roadmaps.document import roadmap_document
from roadmaps.models import Measure, Roadmap, Section
from roadmaps.table import roadmap_table
from roadmaps.xlsx import SHEET_PARAMS, SHEET_PLAN, RoadmapImportError, roadmap_xlsx_bytes


def numbered(roadmap, number: str) -> Measure:
    """The measure that carries `number` in the roadmap's table (an imported number the table
    would give anyway is not stored as typed)."""
    return next(row.measure for row in roadmap_table(roadmap).rows if row.number == number)


def printed(roadmap):
    doc = roadmap_document(roadmap)
    return doc.title, doc.columns, [(row.kind, row.number, row.text, row.cells) for row in doc.rows]


def workbook(data):
    return load_workbook(io.BytesIO(data))


def save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def find_row(sheet, text):
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and text in cell.value:
                return cell.row
    raise AssertionError(text)


def test_export_has_the_printed_layout(roadmap):
    book = workbook(roadmap_xlsx_bytes(roadmap))
    sheet = book[SHEET_PLAN]
    header = find_row(sheet, "№ п/п")
    assert [c.value for c in sheet[header]] == [
        "№ п/п",
        "Наименование мероприятия / Описание",
        "Сроки",
        "Ответственные исполнители",
        "Перечень действий",
        "Ожидаемый результат",
    ]
    assert sheet.print_title_rows == f"${header}:${header}"
    assert sheet.page_setup.orientation == "landscape"
    assert any(c.value == "«УТВЕРЖДАЮ»" for row in sheet.iter_rows(max_row=3) for c in row)
    section_row = find_row(sheet, "1. Мероприятия раздела 1")
    assert any(str(rng).startswith(f"A{section_row}:") for rng in sheet.merged_cells.ranges)
    assert sheet.cell(row=section_row + 1, column=1).value == "1.1."


def test_round_trip_into_a_new_draft_keeps_the_content(authority, methodist):
    original = build_roadmap(authority, with_direction=True)
    Measure.objects.filter(section__roadmap=original).update(
        note="=СУММ(A1:A2) не формула", target_text="не менее 80 %"
    )
    outcome = roadmap_import_xlsx(data=roadmap_xlsx_bytes(original), by=methodist, owner=authority)
    copy = outcome.roadmap
    assert outcome.created and copy.pk != original.pk and copy.status == Roadmap.Status.DRAFT
    assert printed(copy) == printed(original)
    assert (copy.code, copy.period_start, copy.period_end, copy.approver_name) == (
        original.code,
        original.period_start,
        original.period_end,
        original.approver_name,
    )
    section = copy.sections.get(order=1)
    assert section.kind == Section.Kind.DIRECTION and section.tracks.count() == 1
    measure = Measure.objects.filter(section__roadmap=copy).first()
    assert measure.executors.get(is_lead=True).organization == authority
    assert measure.evidence_kinds.count() == 2


def test_edit_in_excel_then_import_into_the_draft(authority, methodist):
    draft = build_roadmap(authority, status=Roadmap.Status.DRAFT)
    book = workbook(roadmap_xlsx_bytes(draft))
    sheet = book[SHEET_PLAN]
    row = find_row(sheet, "Мероприятие 1-2")
    sheet.cell(row=row, column=2).value = "Исправленное в Excel мероприятие"
    sheet.cell(row=row, column=3).value = "Октябрь"
    outcome = roadmap_import_xlsx(data=save(book), by=methodist, roadmap=draft)
    assert not outcome.created and outcome.roadmap.pk == draft.pk
    measure = numbered(draft, "1.2.")
    assert measure.description == "Исправленное в Excel мероприятие" and measure.deadline_text == "Октябрь"
    assert Measure.objects.filter(section__roadmap=draft).count() == 6


def test_formula_like_text_is_written_as_text(authority):
    roadmap = build_roadmap(authority)
    Measure.objects.filter(section__roadmap=roadmap, number="1.1").update(
        description='=HYPERLINK("http://evil")', note="+7 905", expected_result="@SUM(1)"
    )
    sheet = workbook(roadmap_xlsx_bytes(roadmap))[SHEET_PLAN]
    row = find_row(sheet, "HYPERLINK")
    cells = [sheet.cell(row=row, column=c) for c in range(1, sheet.max_column + 1)]
    formula_like = [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
    assert {c.value.split("\n")[0] for c in formula_like} >= {'=HYPERLINK("http://evil")', "+7 905", "@SUM(1)"}
    for cell in formula_like:
        assert cell.data_type == "s"
        assert cell.quotePrefix
    # the actions cell («- Проведено совещание») starts with a dash and must stay text too
    assert any(c.value.startswith("- Проведено") for c in formula_like)


def test_import_refuses_formulas_naming_the_cell(authority, methodist):
    draft = build_roadmap(authority, status=Roadmap.Status.DRAFT)
    book = workbook(roadmap_xlsx_bytes(draft))
    sheet = book[SHEET_PLAN]
    row = find_row(sheet, "Мероприятие 1-1")
    sheet.cell(row=row, column=3).value = "=TODAY()"  # a real formula typed in Excel
    sheet.cell(row=row + 1, column=2).value = None  # a measure without description
    with pytest.raises(RoadmapImportError) as error:
        roadmap_import_xlsx(data=save(book), by=methodist, roadmap=draft)
    # The guarded opener refuses the file at the formula, naming the sheet and the cell.
    (problem,) = error.value.problems
    assert f"Лист «{SHEET_PLAN}»" in problem.reason and f"C{row} формулы" in problem.reason
    # nothing was written
    assert Measure.objects.get(section__roadmap=draft, number="1.1").deadline_text == "Август-сентябрь ежегодно"
    assert Measure.objects.filter(section__roadmap=draft).count() == 6


def test_import_reports_every_bad_value_with_a_russian_reason(authority, methodist):
    draft = build_roadmap(authority, status=Roadmap.Status.DRAFT)
    book = workbook(roadmap_xlsx_bytes(draft))
    params = book[SHEET_PARAMS]
    params.cell(row=find_row(params, "Начало периода"), column=2).value = "31.02.2022"
    params.cell(row=find_row(params, "Гриф"), column=2).value = "Секретно"
    sheet = book[SHEET_PLAN]
    row = find_row(sheet, "Протокол совещания 1-1")
    sheet.cell(row=row, column=6).value = "Протокол\nПодтверждающие документы: Грамота"
    with pytest.raises(RoadmapImportError) as error:
        roadmap_import_xlsx(data=save(book), by=methodist, roadmap=draft)
    messages = [str(p) for p in error.value.problems]
    assert any("«Начало периода»: дата в виде ДД.ММ.ГГГГ" in m and "31.02.2022" in m for m in messages)
    assert any("«Гриф»: допустимо" in m and "Секретно" in m for m in messages)
    assert any(f"строка {row}" in m and "Грамота" in m and "неизвестный вид" in m for m in messages)


def test_import_rejects_a_file_that_is_not_a_workbook(authority, methodist):
    with pytest.raises(RoadmapImportError) as error:
        roadmap_import_xlsx(data=b"not a zip", by=methodist, owner=authority)
    assert "не является книгой Excel" in str(error.value)
    assert not Roadmap.objects.exists()


def test_import_only_into_a_draft(roadmap, methodist):
    with pytest.raises(RoadmapStateError):
        roadmap_import_xlsx(data=roadmap_xlsx_bytes(roadmap), by=methodist, roadmap=roadmap)


def test_director_may_not_import(roadmap, director_a, school_a):
    with pytest.raises(PermissionDenied):
        roadmap_import_xlsx(data=roadmap_xlsx_bytes(roadmap), by=director_a, owner=school_a)


def test_the_same_file_twice_changes_nothing(authority, methodist, roadmap):
    data = roadmap_xlsx_bytes(roadmap)
    first = roadmap_import_xlsx(data=data, by=methodist, owner=authority)
    measure_ids = set(Measure.objects.filter(section__roadmap=first.roadmap).values_list("pk", flat=True))
    second = roadmap_import_xlsx(data=data, by=methodist, owner=authority)
    assert second.unchanged and second.roadmap == first.roadmap
    assert Roadmap.objects.filter(status=Roadmap.Status.DRAFT).count() == 1
    assert set(Measure.objects.filter(section__roadmap=first.roadmap).values_list("pk", flat=True)) == measure_ids
    # into the draft itself: also nothing rewritten
    third = roadmap_import_xlsx(data=data, by=methodist, roadmap=first.roadmap)
    assert third.unchanged


def test_the_same_file_after_editing_the_draft_is_imported_again(authority, methodist, roadmap):
    data = roadmap_xlsx_bytes(roadmap)
    draft = roadmap_import_xlsx(data=data, by=methodist, owner=authority).roadmap
    # the editor changes one measure only (the roadmap row itself is not saved)
    Measure.objects.filter(pk=numbered(draft, "1.1.").pk).update(description="Изменено в редакторе")
    again = roadmap_import_xlsx(data=data, by=methodist, roadmap=draft)
    assert not again.unchanged
    assert numbered(draft, "1.1.").description.startswith("Мероприятие 1-1")


def test_import_refuses_a_sheet_with_too_many_rows(authority, methodist, roadmap, monkeypatch):
    import roadmaps.xlsx

    monkeypatch.setattr(roadmaps.xlsx, "MAX_ROWS", 10)
    with pytest.raises(RoadmapImportError, match="слишком много строк: не больше 10"):
        roadmap_import_xlsx(data=roadmap_xlsx_bytes(roadmap), by=methodist, owner=authority)
