"""Every reason a row or a file is rejected, with sheet, row (as Excel shows it), column, value
and a Russian reason; and that nothing is written when the file is rejected."""

import pytest
from openpyxl import load_workbook

from monitoring.models import Assessment, ResultImport, SchoolStat, StudentResult

HEADER = ["Код ОО", "Класс", "Предмет", "Код участника", "Отметка"]


def assert_nothing_written():
    assert StudentResult.objects.count() == 0
    assert SchoolStat.objects.count() == 0
    assert Assessment.objects.count() == 0


def only_problem(outcome):
    assert len(outcome.problems) == 1, outcome.problems
    return outcome.problems[0]


def test_unknown_school_codes_are_listed_together(xlsx, run_import, school_a):
    rows = [
        HEADER,
        [school_a.code, "5а", "Математика", "1", 4],
        ["sch404", "5а", "Математика", "2", 4],
        ["sch404", "5б", "Математика", "3", 4],
        ["sch405", "5а", "Математика", "4", 4],
    ]
    result_import, outcome = run_import(xlsx(rows, title_rows=2), kind="vpr")
    assert result_import.status == ResultImport.Status.REJECTED
    assert outcome.rejected == 3
    assert result_import.summary["unknown_schools"] == [
        {"code": "sch404", "rows": 2, "first_row": 5},
        {"code": "sch405", "rows": 1, "first_row": 7},
    ]
    problem = outcome.problems[0]
    assert (problem["sheet"], problem["row"], problem["column"], problem["value"]) == ("Лист1", 5, "Код ОО", "sch404")
    assert "Неизвестный код ОО" in problem["reason"]
    assert_nothing_written()


def test_mark_outside_2_5(xlsx, run_import, school_a):
    _, outcome = run_import(xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 7]]), kind="vpr")
    problem = only_problem(outcome)
    assert (problem["row"], problem["column"], problem["value"]) == (2, "Отметка", "7")
    assert "ожидается 2, 3, 4 или 5" in problem["reason"]
    assert_nothing_written()


def test_level_not_recognised(xlsx, run_import, school_a):
    rows = [["Код ОО", "Класс", "Код участника", "Уровень"], [school_a.code, "4а", "1", "отличный"]]
    _, outcome = run_import(xlsx(rows), kind="kdr", subject="Читательская грамотность")
    problem = only_problem(outcome)
    assert (problem["row"], problem["column"], problem["value"]) == (2, "Уровень", "отличный")
    assert "не распознан" in problem["reason"]
    assert_nothing_written()


def test_percentages_not_summing_to_100(xlsx, run_import, school_a):
    rows = [
        ["", "", "", "", "Распределение отметок в %", "", "", ""],
        ["Код ОО", "Предмет", "Параллель", "Кол-во участников", "2", "3", "4", "5"],
        [school_a.code, "Математика", 5, 20, 10, 20, 30, 30],
        [school_a.code, "Русский язык", 5, 20, 10, 20, 30, 40],
    ]
    result_import, outcome = run_import(xlsx(rows), kind="vpr", format=ResultImport.Format.SCHOOL_STATS)
    assert (outcome.read, outcome.rejected, outcome.to_take) == (2, 1, 1)
    problem = only_problem(outcome)
    assert problem["row"] == 3 and "сумм" in problem["reason"].lower(), problem
    assert_nothing_written()


def test_same_participant_twice_in_one_work(xlsx, run_import, school_a):
    rows = [HEADER, [school_a.code, "5а", "Математика", "77", 4], [school_a.code, "5а", "Математика", "77", 5]]
    _, outcome = run_import(xlsx(rows), kind="vpr")
    assert outcome.rejected >= 1
    assert any(problem["row"] == 3 and problem["value"] == "77" for problem in outcome.problems), outcome.problems
    assert_nothing_written()


def test_required_column_missing(xlsx, run_import, school_a):
    rows = [["Код ОО", "Класс", "Предмет", "Код участника"], [school_a.code, "5а", "Математика", "1"]]
    result_import, outcome = run_import(xlsx(rows), kind="vpr")
    assert result_import.status == ResultImport.Status.REJECTED
    assert outcome.imported == 0
    assert any(problem["column"] == "Отметка" and "Нет столбца" in problem["reason"] for problem in outcome.problems)
    assert_nothing_written()


def test_not_a_workbook(run_import):
    result_import, outcome = run_import(b"this is not a workbook at all", "results.xlsx", kind="vpr")
    assert result_import.status == ResultImport.Status.REJECTED
    assert outcome.problems and outcome.problems[0]["reason"]
    assert_nothing_written()


def test_code_of_an_organisation_that_is_not_a_school(xlsx, run_import, authority):
    _, outcome = run_import(xlsx([HEADER, [authority.code, "5а", "Математика", "1", 4]]), kind="vpr")
    assert "не является школой" in only_problem(outcome)["reason"]
    assert_nothing_written()


def test_all_problems_at_once_and_the_rest_untouched(xlsx, run_import, school_a):
    rows = [
        HEADER,
        [school_a.code, "5а", "Математика", "1", 4],
        ["nope", "5а", "Математика", "2", 4],
        [school_a.code, "5а", "Математика", "3", 1],
    ]
    result_import, outcome = run_import(xlsx(rows), kind="vpr")
    assert [problem["row"] for problem in outcome.problems] == [3, 4]
    assert (outcome.read, outcome.rejected, outcome.to_take) == (3, 2, 1)
    assert_nothing_written()


def test_accept_partial_imports_the_good_rows_only(xlsx, run_import, school_a):
    rows = [HEADER, [school_a.code, "5а", "Математика", "1", 4], [school_a.code, "5а", "Математика", "2", 9]]
    result_import, outcome = run_import(xlsx(rows), kind="vpr", accept_partial=True)
    assert result_import.status == ResultImport.Status.IMPORTED
    assert (outcome.imported, outcome.rejected) == (1, 1)
    assert list(StudentResult.objects.values_list("participant_code", flat=True)) == ["1"]


def test_rejected_rows_download_has_a_reason_column(xlsx, run_import, school_a):
    rows = [
        HEADER,
        [school_a.code, "5а", "Математика", "1", 4],
        ["sch404", "5б", "Математика", "2", 3],
        [school_a.code, "5б", "Математика", "3", 9],
    ]
    result_import, _ = run_import(xlsx(rows, title_rows=1), kind="vpr", apply=False)
    sheet = load_workbook(result_import.rejected_file.path).active
    values = list(sheet.values)
    assert values[0][-1] == "Причина"
    assert values[0][2:7] == tuple(HEADER)
    assert len(values) == 3
    assert values[1][:7] == ("Лист1", 4, "sch404", "5б", "Математика", "2", 3)
    assert "Неизвестный код ОО" in values[1][-1]
    assert values[2][:7] == ("Лист1", 5, school_a.code, "5б", "Математика", "3", 9)
    assert "Отметка «9»" in values[2][-1]


@pytest.mark.parametrize("year", [1999, 2101])
def test_year_out_of_range_is_refused(municipality, year):
    from monitoring.services import ResultImportError, result_import_create

    with pytest.raises(ResultImportError, match="Учебный год"):
        result_import_create(municipality=municipality, data=b"x", filename="a.xlsx", kind="vpr", year=year)


def test_rejected_rows_workbook_keeps_formula_like_cells_as_text(csv_file, run_import, school_a):
    """A CSV's cells are plain text, «=…» too; written back to the rejected-rows workbook they stay
    text (never a live formula), with the quote prefix."""
    rows = [
        HEADER,
        ['=HYPERLINK("http://example.com")', "5а", "Математика", "1", 4],
        [school_a.code, "=1+1", "Математика", "2", 9],
    ]
    result_import, _ = run_import(csv_file(rows), "file.csv", kind="vpr", apply=False)
    sheet = load_workbook(result_import.rejected_file.path).active
    hostile = [cell for row in sheet.iter_rows() for cell in row if str(cell.value or "").startswith("=")]
    assert [cell.value for cell in hostile] == ['=HYPERLINK("http://example.com")', "=1+1"]
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in hostile)
