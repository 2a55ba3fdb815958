"""Numbers too large for their column, infinite or not numbers at all (10^30, 1e308, inf, nan) are
refused when the file is checked, as row problems naming the value and the allowed range: the
preview never promises rows the database refuses, the import writes nothing, and the command
prints the problems instead of a traceback."""

import io
import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from config.lib.numbers import column_range
from monitoring.models import Assessment, ResultImport, SchoolStat, StudentResult
from monitoring.readers import NUMBERS, TEXTS
from tests.hostile_numbers import HOSTILE, HOSTILE_IDS
from tests.hostile_numbers import csv_with as text_file
from tests.hostile_numbers import xlsx_with as workbook

A_HEADER = ["Код ОО", "Класс", "Предмет", "Код участника", "Вариант", "1", "Первичный балл", "Тестовый балл", "Отметка"]
B_HEADER = ["Код ОО", "Предмет", "Параллель", "Кол-во участников", "2", "3", "4", "5"]


def pupil(school, **cells) -> list:
    row = dict(zip(A_HEADER, [school.code, "11а", "Математика (профильная)", "p1", 3, 1, 20, 70, 4], strict=True))
    row.update(cells)
    return list(row.values())


def nothing_written():
    return StudentResult.objects.count() == SchoolStat.objects.count() == Assessment.objects.count() == 0


# --------------------------------------------------------------------------- the one table


def test_every_reader_number_is_checked_against_its_model_field():
    """The readers' table names, for each number, the model fields it is stored in: their type is
    the one the table takes the range from, and the accepted range lies inside the column's."""
    for name, number in NUMBERS.items():
        for stored_in in number.stored_in:
            model_name, field_name = stored_in.split(".")
            field = apps.get_model("monitoring", model_name)._meta.get_field(field_name)
            assert field.get_internal_type() == number.field_type, (name, stored_in)
            column = column_range(field)
            assert column.low <= number.allowed.low <= number.allowed.high <= column.high, (name, stored_in)


def test_small_integer_columns_stop_at_32767_and_integer_columns_at_2147483647():
    assert (NUMBERS["variant"].allowed.low, NUMBERS["variant"].allowed.high) == (0, 32767)
    assert (NUMBERS["participants"].allowed.low, NUMBERS["participants"].allowed.high) == (1, 2147483647)


# --------------------------------------------------------------------------- format A


@pytest.mark.parametrize(("value", "shown"), HOSTILE, ids=HOSTILE_IDS)
@pytest.mark.parametrize(
    ("column", "label", "allowed"),
    [
        ("Вариант", "Вариант", "целое число от 0 до 32 767"),
        ("1", "Задание «1»: балл", "целое число от 0 до 32 767"),
        ("Первичный балл", "Первичный балл", "целое число от 0 до 32 767"),
        ("Тестовый балл", "Тестовый балл", "целое число от 0 до 100"),
    ],
)
@pytest.mark.parametrize("build", [workbook, text_file], ids=["xlsx", "csv"])
def test_a_number_the_column_cannot_hold_is_a_row_problem(
    run_import, school_a, value, shown, column, label, allowed, build
):
    rows = [A_HEADER, pupil(school_a, **{column: value}), pupil(school_a, **{"Код участника": "p2"})]
    filename = "ege.xlsx" if build is workbook else "ege.csv"
    result_import, preview = run_import(build(rows), filename, kind="ege", apply=False)
    assert (preview.read, preview.rejected, preview.to_take) == (2, 1, 1)
    [problem] = preview.problems
    assert (problem["row"], problem["column"], problem["value"]) == (2, column, shown)
    assert problem["reason"].startswith(f"{label} «{shown}» ")
    assert problem["reason"].endswith(f"ожидается {allowed}")
    assert nothing_written()


@pytest.mark.parametrize(
    ("value", "accepted"),
    [("-0", 0), (-0.0, 0), ("32767", 32767), ("32768", None), ("1e-320", None), ("1e999", None), ("1" * 5000, None)],
)
def test_the_edges_of_a_small_integer(run_import, school_a, value, accepted):
    rows = [A_HEADER, pupil(school_a, **{"Вариант": value})]
    build = workbook if isinstance(value, float) else text_file
    result_import, outcome = run_import(build(rows), "ege.csv" if build is text_file else "ege.xlsx", kind="ege")
    if accepted is None:
        assert result_import.status == ResultImport.Status.REJECTED
        assert outcome.problems[0]["column"] == "Вариант"
        assert "ожидается целое число от 0 до 32 767" in outcome.problems[0]["reason"]
        assert nothing_written()
    else:
        assert result_import.status == ResultImport.Status.IMPORTED, outcome.problems
        assert StudentResult.objects.get().variant == accepted


def test_the_reasons_say_what_is_wrong_with_the_value(run_import, school_a):
    rows = [
        A_HEADER,
        pupil(school_a, **{"Код участника": "a", "Вариант": "1e-320"}),
        pupil(school_a, **{"Код участника": "b", "Вариант": "inf"}),
        pupil(school_a, **{"Код участника": "c", "Вариант": "девять"}),
        pupil(school_a, **{"Код участника": "d", "Вариант": str(10**30)}),
    ]
    _, preview = run_import(text_file(rows), "ege.csv", kind="ege", apply=False)
    assert [problem["reason"] for problem in preview.problems] == [
        "Вариант «1e-320» — не целое число: ожидается целое число от 0 до 32 767",
        "Вариант «inf» — не конечное число: ожидается целое число от 0 до 32 767",
        "Вариант «девять» — не число: ожидается целое число от 0 до 32 767",
        "Вариант «1e+30» вне диапазона: ожидается целое число от 0 до 32 767",
    ]


# --------------------------------------------------------------------------- format B


@pytest.mark.parametrize(("value", "shown"), HOSTILE, ids=HOSTILE_IDS)
@pytest.mark.parametrize("build", [workbook, text_file], ids=["xlsx", "csv"])
def test_school_statistics_too_large_for_their_columns(run_import, school_a, school_b, value, shown, build):
    rows = [
        B_HEADER,
        # The marks add up to the participants, so only the range can tell this row is wrong.
        [school_a.code, "Математика", 5, value, value, 0, 0, 0],
        [school_b.code, "Математика", 5, 10, 1, 2, 3, 4],
    ]
    filename = "stats.xlsx" if build is workbook else "stats.csv"
    _, preview = run_import(build(rows), filename, format=ResultImport.Format.SCHOOL_STATS, apply=False)
    assert (preview.read, preview.rejected, preview.to_take) == (2, 1, 1)
    by_column = {problem["column"]: problem for problem in preview.problems}
    assert by_column["Кол-во участников"]["value"] == shown
    assert by_column["Кол-во участников"]["reason"].endswith("ожидается целое число от 1 до 2 147 483 647")
    assert by_column["2"]["reason"] == (
        f"Распределение отметок: значение «{shown}» "
        + ("вне диапазона" if shown.startswith("1e") else "— не конечное число")
        + ": ожидается число от 0 до 2 147 483 647"
    )
    assert nothing_written()


def test_a_percentage_over_100_is_named(run_import, school_a):
    rows = [
        ["", "", "", "", "Распределение отметок в %", "", "", ""],
        B_HEADER,
        [school_a.code, "Математика", 5, 20, 250, -50, -50, -50],
    ]
    _, preview = run_import(workbook(rows), "stats.xlsx", format=ResultImport.Format.SCHOOL_STATS, apply=False)
    reasons = {problem["column"]: problem["reason"] for problem in preview.problems}
    assert reasons["2"] == "Распределение отметок: значение «250» вне диапазона: ожидается число от 0 до 100"
    assert reasons["3"] == "Распределение отметок: значение «-50» вне диапазона: ожидается число от 0 до 100"


# --------------------------------------------------------------------------- the page and the command


@pytest.mark.parametrize(("value", "shown"), HOSTILE, ids=HOSTILE_IDS)
@pytest.mark.parametrize("build", [workbook, text_file], ids=["xlsx", "csv"])
def test_the_upload_page_previews_and_refuses_without_writing(
    client_for, methodist, school_a, value, shown, build, django_capture_on_commit_callbacks
):
    client = client_for(methodist)
    rows = [A_HEADER, pupil(school_a, **{"Первичный балл": value})]
    name = "ЕГЭ.xlsx" if build is workbook else "ЕГЭ.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("results:results"),
            {"file": SimpleUploadedFile(name, build(rows)), "format": "students", "kind": "ege", "year": 2024},
        )
    assert response.status_code == 302
    result_import = ResultImport.objects.get()
    assert result_import.status == ResultImport.Status.PREVIEWED
    assert result_import.summary["to_take"] == 0 and result_import.rejected_count == 1
    page = client.get(reverse("results:import_detail", args=[result_import.pk])).content.decode()
    assert f"Первичный балл «{shown}»" in page and "от 0 до 32 767" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("results:import_confirm", args=[result_import.pk]), {"accept_partial": "on"})
    result_import.refresh_from_db()
    assert result_import.status == ResultImport.Status.REJECTED  # nothing left to take
    assert nothing_written()


def run_command(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import_results", *map(str, args), stdout=out, stderr=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


@pytest.mark.parametrize(("value", "shown"), HOSTILE, ids=HOSTILE_IDS)
@pytest.mark.parametrize("build", [workbook, text_file], ids=["xlsx", "csv"])
def test_the_command_prints_the_problem_and_writes_nothing(tmp_path, municipality, school_a, value, shown, build):
    path = tmp_path / ("ege.xlsx" if build is workbook else "ege.csv")
    path.write_bytes(build([A_HEADER, pupil(school_a, **{"Вариант": value})]))
    code, out = run_command(path, "--kind", "ege", "--year", 2024, "--accept-partial")
    assert code == 1
    assert "Traceback" not in out and "Error" not in out
    assert re.search(rf"строка 2, столбец «Вариант», значение «{re.escape(shown)}»: Вариант «{re.escape(shown)}»", out)
    assert nothing_written()


@pytest.mark.parametrize(("grade", "shown"), [(10**30, "1e+30"), (0, "0"), (12, "12")])
def test_a_grade_for_the_whole_file_out_of_range_is_refused(tmp_path, municipality, school_a, grade, shown):
    from monitoring.services import ResultImportError, result_import_create

    path = tmp_path / "ege.csv"
    path.write_bytes(text_file([A_HEADER, pupil(school_a)]))
    with pytest.raises(
        CommandError, match=re.escape(f"Параллель «{shown}» вне диапазона: ожидается целое число от 1 до 11")
    ):
        call_command("import_results", str(path), "--kind", "ege", "--year", "2024", "--grade", str(grade))
    with pytest.raises(ResultImportError, match="для всего файла вне диапазона: ожидается целое число от 1 до 11"):
        result_import_create(
            municipality=municipality, data=path.read_bytes(), filename="ege.csv", kind="ege", year=2024, grade=grade
        )
    assert ResultImport.objects.count() == 0 and nothing_written()


# --------------------------------------------------------------------------- text of limited length


def test_every_reader_text_fits_its_model_field():
    for text in TEXTS.values():
        model_name, field_name = text.stored_in.split(".")
        assert apps.get_model("monitoring", model_name)._meta.get_field(field_name).max_length == text.max_length


def test_text_longer_than_its_column_is_a_row_problem(run_import, school_a):
    """PostgreSQL refuses it («value too long for type character varying(20)») where SQLite
    stores it: the check must not depend on the database the preview ran on."""
    header = ["Код ОО", "Класс", "Параллель", "Предмет", "Код участника", "Отметка"]
    rows = [
        header,
        [school_a.code, "класс с очень длинным названием", 5, "Математика", "p1", 4],
        [school_a.code, "5А", 5, "Математика", "x" * 65, 4],
        [school_a.code, "5А", 5, "П" * 201, "p3", 4],
        [school_a.code, "5А", 5, "Математика", "x" * 64, 4],
    ]
    result_import, outcome = run_import(text_file(rows), "vpr.csv", accept_partial=True)
    assert result_import.status == ResultImport.Status.IMPORTED
    assert [(problem["row"], problem["column"], problem["reason"]) for problem in outcome.problems] == [
        (2, "Класс", "Класс длиннее 20 символов (31): сократите до 20"),
        (3, "Код участника", "Код участника длиннее 64 символов (65): сократите до 64"),
        (4, "Предмет", "Предмет длиннее 200 символов (201): сократите до 200"),
    ]
    assert list(StudentResult.objects.values_list("participant_code", flat=True)) == ["x" * 64]


def test_a_subject_for_the_whole_file_longer_than_its_column_is_refused(municipality):
    from monitoring.services import ResultImportError, result_import_create

    with pytest.raises(ResultImportError, match="длиннее 200 символов"):
        result_import_create(
            municipality=municipality, data=b"x", filename="a.csv", kind="vpr", year=2024, subject="П" * 201
        )
