"""Readers of assessment result files (monitoring/readers/): formats A and B of
shared/formats/IMPORT_FORMATS.md. Fixtures are generated into tmp_path with openpyxl and csv."""

import csv
import datetime as dt
import io
import os
import struct
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from monitoring.readers import (
    Problem,
    ReaderError,
    ReadResult,
    SchoolStatRow,
    StudentRows,
    normalize_subject,
    parse_class,
    pseudonym,
    read_school_stats,
    read_student_results,
)

KEY = b"test-installation-key"


# ---- fixture helpers -------------------------------------------------------------------------


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list], *, encoding: str, delimiter: str) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def read_a(path: Path, kind: str = "vpr", **options) -> ReadResult:
    return read_student_results(path, filename=path.name, kind=kind, pseudonym_key=KEY, **options)


def problems_at(result: ReadResult, row: int) -> list[Problem]:
    return [problem for problem in result.problems if problem.row == row]


def only_problem(result: ReadResult, row: int) -> Problem:
    found = problems_at(result, row)
    assert len(found) == 1, found
    return found[0]


def row_values(rows: StudentRows, i: int) -> dict:
    return {name: getattr(rows, name)[i] for name in StudentRows.__dataclass_fields__}


TITLE = [["Результаты ВПР 2025 года"], ["Муниципальный район, весна 2025"], []]


# ---- format A: each kind -----------------------------------------------------------------------


def test_vpr_with_journal_marks_title_rows_and_synonyms(tmp_path):
    header = ["Логин ОО", "Класс", "Предмет", "Код участника", "№1", "Задание 2", "3(1)", "3(2)"]
    header += ["Сумма баллов", "Оценка", "Отметка за четверть", "Вариант"]
    data = [
        ["sch000123", "5А", "Математика", "0001", 1, 2, 0, 1, 4, 4, 5, 1],
        ["sch000123", "5 б", "математика", "0002", 0, "0", None, 1, 1, 2, 3, 2],
        ["sch000124", "6-в", "Русский язык", "0003", 1, 1, 1, 1, 4, "«3»", None, 1],
        ["sch000124", "6", "рус. яз.", "0004", "Х", 1, 1, 0, 2, 3.0, "4", 2],
    ]
    path = write_xlsx(tmp_path / "vpr.xlsx", {"Лист1": [*TITLE, header, *data]})

    result = read_a(path)

    assert result.kind == "vpr"
    assert result.problems == []
    assert (result.read, result.absent, len(result.rows)) == (4, 0, 4)
    assert result.header_row == 4
    assert result.columns["school_code"] == "Логин ОО"
    assert result.columns["mark"] == "Оценка"
    assert result.columns["journal_mark"] == "Отметка за четверть"
    assert result.columns["primary_score"] == "Сумма баллов"
    assert result.columns["task:1"] == "№1"
    assert result.tasks == ["1", "2", "3(1)", "3(2)"]
    rows = result.rows
    assert row_values(rows, 0) == {
        "school_code": "sch000123",
        "class_name": "5А",
        "grade": 5,
        "class_letter": "А",
        "subject": "Математика",
        "participant_code": "0001",
        "variant": 1,
        "task_scores": "1,2,0,1",
        "primary_score": 4,
        "test_score": None,
        "mark": 4,
        "level": "",
        "journal_mark": 5,
        "control_group": False,
        "ovz": False,
        "source_row": 5,
        "sheet": "Лист1",
    }
    assert rows.class_name == ["5А", "5Б", "6В", "6"]
    assert rows.class_letter == ["А", "Б", "В", ""]
    assert rows.subject == ["Математика", "Математика", "Русский язык", "Русский язык"]
    assert rows.task_scores == ["1,2,0,1", "0,0,,1", "1,1,1,1", ",1,1,0"]
    assert rows.mark == [4, 2, 3, 3]
    assert rows.journal_mark == [5, 3, None, 4]
    assert rows.source_row == [5, 6, 7, 8]
    assert result.school_codes == {"sch000123", "sch000124"}
    assert result.subjects == {"Математика", "Русский язык"}
    assert result.grades == {5, 6}


def test_oge_subject_chosen_for_file_and_grade_nine_by_default(tmp_path):
    rows = [
        ["Протокол результатов ОГЭ"],
        ["Код образовательной организации", "Номер участника", "Первичный балл", "Отметка", "ОВЗ"],
        ["000123", "7001", 20, 4, "нет"],
        [123, 7002.0, 11, 3, "да"],
    ]
    path = write_xlsx(tmp_path / "oge.xlsx", {"ОГЭ": rows})

    result = read_a(path, kind="oge", subject="русский язык")

    assert result.problems == []
    assert result.rows.school_code == ["000123", "123"]
    assert result.rows.participant_code == ["7001", "7002"]
    assert result.rows.subject == ["Русский язык", "Русский язык"]
    assert result.rows.grade == [9, 9]
    assert result.rows.ovz == [False, True]
    assert result.header_row == 2


def test_ege_test_scores_base_math_marks_and_minimum_scores(tmp_path):
    rows = [
        ["Результаты ЕГЭ"],
        ["Код ОО", "Предмет", "Код участника", "Первичный балл", "Балл (ЕГЭ)", "Отметка"],
        ["sch1", "Математика профильная", "a1", 10, 62, None],
        ["sch1", "Математика (профильный уровень)", "a2", 3, 18, None],
        ["sch1", "математика базовая", "a3", 15, None, 5],
        ["sch1", "Русский язык", "a4", 30, 101, None],
        ["sch1", "Русский язык", "a5", 30, None, None],
        ["sch1", "Математика (базовая)", "a6", 15, None, None],
    ]
    path = write_xlsx(tmp_path / "ege.xlsx", {"ЕГЭ": rows})

    result = read_a(path, kind="ege", ege_min_scores={"Математика (профильная)": 27})

    assert result.rows.participant_code == ["a1", "a2", "a3"]
    assert result.rows.subject == ["Математика (профильная)", "Математика (профильная)", "Математика (базовая)"]
    assert result.rows.test_score == [62, 18, None]
    assert result.rows.mark == [None, 2, 5]  # 18 < 27: below the minimum counts as "2"
    assert result.rows.grade == [11, 11, 11]
    assert only_problem(result, 6) == Problem(
        "ЕГЭ", 6, "Балл (ЕГЭ)", "101", "Тестовый балл «101» вне диапазона: ожидается целое число от 0 до 100"
    )
    assert only_problem(result, 7) == Problem("ЕГЭ", 7, "Балл (ЕГЭ)", "", "Не указан тестовый балл")
    missing_mark = only_problem(result, 8)
    assert (missing_mark.column, missing_mark.value) == ("Отметка", "")
    assert "Не указана отметка" in missing_mark.reason


def test_kdr_levels_and_control_group(tmp_path):
    rows = [
        ["КДР «Читательская грамотность»", None, None, None, None],
        ["Код ОО", "Параллель", "Класс (литера)", "Код участника", "Уровень достижения", "Контрольная группа"],
        ["s1", 4, "А", "k1", "Ниже базового", "да"],
        ["s1", 4, "A", "k2", "ПОВЫШЕННЫЙ", "+"],  # Latin A
        ["s1", 4, "б", "k3", "базовый уровень", None],
        ["s1", 4, "б", "k4", "недостаточный", 0],
        ["s1", 4, "б", "k5", "выше базового", "нет"],
        ["s1", 4, "б", "k6", "Пониженный", True],
        ["s1", 4, "б", "k7", "Базовый", "1"],
    ]
    path = write_xlsx(tmp_path / "kdr.xlsx", {"КДР": rows})

    result = read_a(path, kind="kdr", subject="Читательская грамотность")

    assert result.problems == []
    assert result.rows.level == ["low", "high", "base", "insufficient", "high", "low", "base"]
    assert result.rows.control_group == [True, True, False, False, False, True, True]
    assert result.rows.class_name == ["4А", "4А", "4Б", "4Б", "4Б", "4Б", "4Б"]
    assert result.rows.grade == [4] * 7
    assert result.subjects == {"Читательская грамотность"}


# ---- CSV -------------------------------------------------------------------------------------


CSV_ROWS = [
    ["Код ОО", "Класс", "Предмет", "Код участника", "1", "2", "Отметка"],
    ["000777", "7Б", "Окружающий мир", "0042", "1", "0", "5"],
    ["000777", "7Б", "Окружающий мир", "0043", "2", "1", "4"],
]


def test_csv_windows_1251_with_semicolons(tmp_path):
    path = write_csv(tmp_path / "vpr.csv", [["Выгрузка ФИС ОКО"], *CSV_ROWS], encoding="cp1251", delimiter=";")

    result = read_a(path)

    assert result.problems == []
    assert result.rows.school_code == ["000777", "000777"]
    assert result.rows.participant_code == ["0042", "0043"]
    assert result.rows.subject == ["Окружающий мир", "Окружающий мир"]
    assert result.rows.task_scores == ["1,0", "2,1"]
    assert result.rows.source_row == [3, 4]
    assert result.header_row == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_csv_utf8_with_commas(tmp_path, encoding):
    rows = [[*CSV_ROWS[0], "Отметка по журналу"], [*CSV_ROWS[1], "4,0"], [*CSV_ROWS[2], ""]]
    path = write_csv(tmp_path / "vpr.csv", rows, encoding=encoding, delimiter=",")

    result = read_a(path)

    assert result.problems == []
    assert result.columns["school_code"] == "Код ОО"
    assert result.rows.mark == [5, 4]
    assert result.rows.journal_mark == [4, None]
    assert result.rows.grade == [7, 7]


def test_source_may_be_a_binary_stream(tmp_path):
    path = write_csv(tmp_path / "vpr.csv", CSV_ROWS, encoding="utf-8", delimiter=";")
    with path.open("rb") as stream:
        result = read_student_results(stream, filename="vpr.csv", kind="vpr", pseudonym_key=KEY)
    assert len(result.rows) == 2


def test_leading_zeros_are_kept_from_text_cells_only(tmp_path):
    rows = [["Код ОО", "Код участника", "Класс", "Предмет", "Отметка"], ["000123", "00045", "5А", "Математика", 3]]
    rows.append([123.0, 45, "5А", "Математика", 4])
    path = write_xlsx(tmp_path / "codes.xlsx", {"Лист1": rows})

    result = read_a(path)

    # A number cell has no leading zeros to keep: Excel dropped them when it was typed.
    assert result.rows.school_code == ["000123", "123"]
    assert result.rows.participant_code == ["00045", "45"]


# ---- format A: rejections ----------------------------------------------------------------------


REJECT_HEADER = ["Код ОО", "Параллель", "Класс", "Предмет", "Код участника", "1", "2", "Первичный балл", "Отметка"]
REJECT_HEADER += ["Отметка по журналу"]


def test_every_rejection_names_sheet_row_column_value_and_reason(tmp_path):
    rows = [
        ["Протокол проверки"],
        REJECT_HEADER,
        ["s1", 5, "5А", "Математика", "c1", 1, 1, 2, "«2»", 3],  # 3: fine, «2» accepted
        [None, 5, "5А", "Математика", "c2", 1, 1, 2, 3, 3],  # 4: no school code
        ["s1", 5, "5А", "Математика", "c3", 1, 1, 2, 6, 3],  # 5: mark 6
        ["s1", 5, "5А", "Математика", "c4", 1, 1, 2, 3, 1],  # 6: journal mark 1
        ["s1", 12, "12А", "Математика", "c5", 1, 1, 2, 3, 3],  # 7: grade 12
        ["s1", 5, "5А", None, "c6", 1, 1, 2, 3, 3],  # 8: no subject
        ["s1", 5, "5А", "Математика", "c7", -1, 1.5, 2, 3, 3],  # 9: two bad task scores
        ["s1", 5, "5А", "Математика", "c8", 1, 1, -3, 3, 3],  # 10: negative primary score
        ["s1", 5, "5А", "Математика", "c1", 0, 0, 0, 2, None],  # 11: c1 again
        ["s1", 5, "5А", "Математика", "c9", 1, 1, 2, None, 3],  # 12: no mark
        ["s1", 5, "5А", "Математика", "c10", 1, 1, 2, "пять", 3],  # 13: mark not a number
        ["s1", 6, "5А", "Математика", "c11", 1, 1, 2, 3, 3],  # 14: class contradicts Параллель
        ["s1", None, "пятый", "Математика", "c12", 1, 1, 2, 3, 3],  # 15: class not recognised
        ["s2", 5, "5А", "Математика", "c1", 1, 1, 2, 2.0, 2],  # 16: c1 in another school: fine
    ]
    path = write_xlsx(tmp_path / "bad.xlsx", {"Результаты": rows})

    result = read_a(path)

    assert result.rows.source_row == [3, 16]
    assert result.rows.mark == [2, 2]
    assert result.read == 14
    sheet = "Результаты"
    assert only_problem(result, 4) == Problem(sheet, 4, "Код ОО", "", "Не указан код ОО")
    assert only_problem(result, 5) == Problem(
        sheet, 5, "Отметка", "6", "Отметка «6» не допускается: ожидается 2, 3, 4 или 5"
    )
    assert only_problem(result, 6) == Problem(
        sheet,
        6,
        "Отметка по журналу",
        "1",
        "Отметка по журналу «1» не допускается: ожидается 2, 3, 4 или 5 или пусто",
    )
    assert only_problem(result, 7) == Problem(sheet, 7, "Параллель", "12", "Параллель 12 вне диапазона 1–11")
    assert only_problem(result, 8) == Problem(sheet, 8, "Предмет", "", "Не указан предмет")
    tasks = problems_at(result, 9)
    assert [(p.column, p.value) for p in tasks] == [("1", "-1"), ("2", "1.5")]
    assert [p.reason for p in tasks] == [
        "Задание «1»: балл «-1» вне диапазона: ожидается целое число от 0 до 32 767",
        "Задание «2»: балл «1.5» — не целое число: ожидается целое число от 0 до 32 767",
    ]
    primary = only_problem(result, 10)
    assert (primary.column, primary.value) == ("Первичный балл", "-3")
    duplicate = only_problem(result, 11)
    assert (duplicate.column, duplicate.value) == ("Код участника", "c1")
    assert "строке 3" in duplicate.reason and "Результаты" in duplicate.reason
    assert only_problem(result, 12) == Problem(sheet, 12, "Отметка", "", "Не указана отметка")
    assert only_problem(result, 13).value == "пять"
    mismatch = only_problem(result, 14)
    assert (mismatch.column, mismatch.value) == ("Класс", "5А")
    assert "не соответствует параллели 6" in mismatch.reason
    unknown_class = only_problem(result, 15)
    assert (unknown_class.column, unknown_class.value) == ("Класс", "пятый")
    assert "не распознан" in unknown_class.reason


def test_level_control_group_and_kdr_level_rejections(tmp_path):
    rows = [
        ["Код ОО", "Класс", "Код участника", "Уровень", "Контрольная группа"],
        ["s1", "6А", "k1", "средний", "да"],
        ["s1", "6А", "k2", "базовый", "может быть"],
        ["s1", "6А", "k3", None, "нет"],
        ["s1", "6А", "k4", "высокий", ""],
    ]
    path = write_xlsx(tmp_path / "kdr.xlsx", {"Лист1": rows})

    result = read_a(path, kind="kdr", subject="Читательская грамотность")

    assert result.rows.participant_code == ["k4"]
    level = only_problem(result, 2)
    assert (level.sheet, level.column, level.value) == ("Лист1", "Уровень", "средний")
    assert "не распознан" in level.reason
    control = only_problem(result, 3)
    assert (control.column, control.value) == ("Контрольная группа", "может быть")
    assert "да/нет" in control.reason
    assert only_problem(result, 4) == Problem("Лист1", 4, "Уровень", "", "Не указан уровень")


def test_file_subject_and_grade_reject_rows_of_another_work(tmp_path):
    rows = [
        ["Код ОО", "Класс", "Предмет", "Код участника", "Отметка"],
        ["s1", "5А", "Математика", "1", 4],
        ["s1", "6А", "Математика", "2", 4],
        ["s1", "5А", "История", "3", 4],
    ]
    path = write_xlsx(tmp_path / "vpr.xlsx", {"Лист1": rows})

    result = read_a(path, subject="математика", grade=5)

    assert result.rows.participant_code == ["1"]
    assert "не совпадает с выбранной для файла (5)" in only_problem(result, 3).reason
    assert only_problem(result, 4).value == "История"


def test_absent_rows_are_counted_not_validated_and_not_returned(tmp_path):
    rows = [
        ["Код ОО", "Класс", "Предмет", "Код участника", "Отметка", "Отсутствовал", "Статус"],
        ["s1", "5А", "Математика", "1", 4, None, None],
        ["s1", "5А", "Математика", "2", None, "да", None],
        ["s1", "5А", "Математика", "3", None, "+", None],
        ["s1", "5А", "Математика", "4", 9, 1, None],
        ["s1", "5А", "Математика", "5", None, None, "Не участвовал"],
        ["s1", "5А", "Математика", "6", None, "нет", "Неявка по болезни"],
        ["s1", "5А", "Математика", "7", 3, "нет", "участвовал"],
        [None, None, None, None, None, None, None],
        [],
    ]
    path = write_xlsx(tmp_path / "absent.xlsx", {"Лист1": rows})

    result = read_a(path)

    assert result.problems == []
    assert result.rows.participant_code == ["1", "7"]
    assert (result.read, result.absent) == (7, 5)


def test_names_never_reach_the_result_and_make_a_stable_pseudonym(tmp_path):
    first_file = [
        ["Код ОО", "Класс", "Предмет", "Фамилия", "Имя", "Отчество", "Дата рождения", "Отметка"],
        ["s1", "4А", "Математика", "Семёнова", "Алёна", "Игоревна", dt.datetime(2015, 3, 9), 5],
        ["s1", "4А", "Математика", "Петров", "Пётр", None, dt.datetime(2015, 1, 2), 3],
    ]
    second_file = [
        ["Код ОО", "Класс", "Предмет", "ФИО", "Дата рождения", "Отметка"],
        ["s9", "6Б", "Математика", "  СЕМЕНОВА   алена  игоревна ", "09.03.2015", 4],
    ]
    first = read_a(write_xlsx(tmp_path / "2024.xlsx", {"Лист1": first_file}))
    second = read_a(write_xlsx(tmp_path / "2026.csv.xlsx", {"Лист1": second_file}))

    code = first.rows.participant_code[0]
    assert code.startswith("p") and len(code) == 21
    assert second.rows.participant_code == [code]
    assert first.rows.participant_code[1] != code
    for result in (first, second):
        text = repr(result).casefold()
        for word in ("семёнова", "семенова", "алёна", "алена", "игоревна", "петров", "пётр", "2015", "09.03"):
            assert word not in text


def test_rows_without_any_participant_code_or_names_are_allowed(tmp_path):
    rows = [["Код ОО", "Класс", "Предмет", "Отметка"], ["s1", "5А", "Математика", 4], ["s1", "5А", "Математика", 4]]
    result = read_a(write_xlsx(tmp_path / "vpr.xlsx", {"Лист1": rows}))
    assert result.rows.participant_code == ["", ""]
    assert result.problems == []


def test_every_sheet_with_a_header_is_read_and_others_are_skipped(tmp_path):
    header = ["Код ОО", "Класс", "Предмет", "Код участника", "1", "2", "3", "Отметка"]
    sheets = {
        "Инструкция": [["Заполните лист «5 класс»"], ["Код ОО — логин ОО в ФИС ОКО"]],
        "5 класс": [header, ["s1", "5А", "Математика", "1", 1, 0, 1, 4]],
        "6 класс": [["ВПР 6 класс"], header[:5] + ["Отметка"], ["s1", "6А", "Математика", "1", 2, 5]],
    }
    result = read_a(write_xlsx(tmp_path / "vpr.xlsx", sheets))

    assert result.rows.sheet == ["5 класс", "6 класс"]
    assert result.rows.source_row == [2, 3]
    assert result.rows.task_scores == ["1,0,1", "2"]
    assert result.tasks == ["1", "2", "3"]
    assert result.header_row == 1


def test_missing_required_columns_are_named(tmp_path):
    rows = [["Отчёт"], ["Код ОО", "Класс", "Код участника", "Балл"], ["s1", "5А", "1", 4]]
    with pytest.raises(ReaderError) as caught:
        read_a(write_xlsx(tmp_path / "vpr.xlsx", {"Лист1": rows}))
    message = str(caught.value)
    assert "«Предмет»" in message and "«Отметка»" in message
    assert {p.column for p in caught.value.problems} == {"Предмет", "Отметка"}
    assert all(p.sheet == "Лист1" and p.row == 2 for p in caught.value.problems)


def test_header_below_the_first_30_rows_is_not_searched(tmp_path):
    rows = [[f"Пояснение {i}"] for i in range(31)]
    rows += [["Код ОО", "Класс", "Предмет", "Отметка"], ["s1", "5А", "Математика", 4]]
    with pytest.raises(ReaderError, match="не найдена строка заголовков"):
        read_a(write_xlsx(tmp_path / "vpr.xlsx", {"Лист1": rows}))


def test_progress_is_reported_every_10000_rows(tmp_path):
    rows = [["Код ОО", "Класс", "Предмет", "Отметка"]] + [["s1", "5А", "Математика", "4"]] * 25_000
    path = write_csv(tmp_path / "big.csv", rows, encoding="utf-8", delimiter=";")
    seen: list[int] = []

    result = read_a(path, progress=seen.append)

    assert seen == [10_000, 20_000]
    assert result.read == 25_000


# ---- hostile input -----------------------------------------------------------------------------


def test_max_rows_exceeded_is_refused(tmp_path):
    rows = [["Код ОО", "Класс", "Предмет", "Отметка"]] + [["s1", "5А", "Математика", 4]] * 101
    path = write_xlsx(tmp_path / "vpr.xlsx", {"Лист1": rows})
    with pytest.raises(ReaderError, match="больше 100 строк"):
        read_a(path, max_rows=100)
    assert len(read_a(path, max_rows=101).rows) == 101


def test_file_over_max_bytes_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 2048)
    with pytest.raises(ReaderError, match="слишком большой"):
        read_a(path, max_bytes=1024)


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + os.urandom(4096),
        os.urandom(10_000),
        b"PK\x03\x04" + os.urandom(3000),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(3000),
        b"",
    ],
    ids=["executable", "random", "broken-zip", "broken-ole", "empty"],
)
def test_not_a_workbook_is_a_reader_error(tmp_path, content):
    path = tmp_path / "results.xlsx"
    path.write_bytes(content)
    with pytest.raises(ReaderError) as caught:
        read_a(path)
    assert caught.value.problems and all(problem.reason for problem in caught.value.problems)


def test_header_repeated_on_every_page_is_skipped(tmp_path):
    header = ["Код ОО", "Класс", "Предмет", "Отметка", "Отсутствовал"]
    rows = [header, ["s1", "5А", "Математика", 4], header, ["s1", "5А", "Математика", 5]]
    result = read_a(write_xlsx(tmp_path / "vpr.xlsx", {"Лист1": rows}))
    assert (result.read, result.absent, result.rows.mark, result.problems) == (2, 0, [4, 5], [])


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "results.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    with pytest.raises(ReaderError, match="не является книгой Excel или CSV"):
        read_a(path)


def _minimal_xlsx(path: Path, sheet_data: bytes, *, compress: int = zipfile.ZIP_DEFLATED) -> Path:
    content_types = (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        b'+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        b'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.worksheet+xml"/></Types>'
    )
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        b'<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    )
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main"><sheetData>' + sheet_data + b"</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", compress) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


HEADER_XML = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Код ОО</t></is></c><c r="B1" t="inlineStr"><is><t>Класс</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>Предмет</t></is></c><c r="D1" t="inlineStr"><is><t>Отметка</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>s1</t></is></c><c r="B2" t="inlineStr"><is><t>5А</t></is></c>'
    '<c r="C2" t="inlineStr"><is><t>Математика</t></is></c><c r="D2"><v>4</v></c></row>'
).encode()


def test_hand_written_xlsx_reads(tmp_path):
    result = read_a(_minimal_xlsx(tmp_path / "ok.xlsx", HEADER_XML))
    assert result.rows.mark == [4]


def test_xlsx_written_with_unusual_attribute_order_and_prefixes_reads(tmp_path):
    odd = HEADER_XML.replace(b'<c r="', b'<c s="0" r="').replace(b"<row ", b"<x:row xmlns:x='urn:x' ")
    odd = odd.replace(b"</row>", b"</x:row>")
    assert b'<c r="' not in odd
    result = read_a(_minimal_xlsx(tmp_path / "odd.xlsx", odd))
    assert (result.rows.mark, result.rows.source_row) == ([4], [2])


@pytest.mark.parametrize(
    "far_cells",
    [
        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',  # 512 GB of cells in calamine
        b'<row r="1048576"><c r="T1048576"><v>1</v></c></row>',  # a million empty rows
        b'<row r="3"><c r="xfd3"><v>1</v></c></row><row r="900000"><c r="a900000"><v>1</v></c></row>',
        b'<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="1048576">'
        b'<x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
        b'<row r="3">' + b"<c><v>1</v></c>" * 20_000 + b'</row><row r="1000000"><c><v>1</v></c></row>',
    ],
    ids=["far-corner", "far-row", "lower-case-refs", "prefixed-tags", "cells-without-refs"],
)
def test_tiny_xlsx_asking_for_a_huge_cell_area_is_refused_quickly(tmp_path, far_cells):
    path = _minimal_xlsx(tmp_path / "bomb.xlsx", HEADER_XML + far_cells)
    # 20 000 cells without references run past column XFD: the sheet is damaged, not large.
    with pytest.raises(ReaderError, match="слишком велик|почти пуст|повреждён"):
        read_a(path)


def test_xlsx_with_a_corrupted_sheet_stream_is_a_reader_error(tmp_path):
    rows = [["Код ОО", "Класс", "Предмет", "Отметка"]] + [["s1", "5А", "Математика", n % 4 + 2] for n in range(2000)]
    path = write_xlsx(tmp_path / "vpr.xlsx", {"Лист1": rows})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 100, start + info.compress_size - 100, 7):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(ReaderError, match="повреждён"):
        read_a(path)


def test_zip_bomb_is_refused_by_its_compression_ratio(tmp_path):
    padding = b"<!--" + b" " * (11 << 20) + b"-->"  # 11 MB that deflate squeezes a thousandfold
    path = _minimal_xlsx(tmp_path / "bomb.xlsx", HEADER_XML + padding)
    started = time.monotonic()
    with pytest.raises(ReaderError, match="сжат подозрительно сильно"):
        read_a(path)
    assert time.monotonic() - started < 5


def test_zip_declaring_a_huge_uncompressed_size_is_refused(tmp_path):
    path = _minimal_xlsx(tmp_path / "bomb.xlsx", HEADER_XML)
    data = bytearray(path.read_bytes())
    # Forge the central directory entry of the sheet: 4 GB uncompressed.
    entry = data.rfind(b"PK\x01\x02", 0, data.find(b"PK\x05\x06"))
    data[entry + 24 : entry + 28] = struct.pack("<I", 0xFFFF_FFF0)
    path.write_bytes(bytes(data))
    started = time.monotonic()
    with pytest.raises(ReaderError, match="после распаковки"):
        read_a(path)
    assert time.monotonic() - started < 5


def test_csv_of_blank_lines_passes_quickly_and_reports_data_after_the_gap(tmp_path):
    text = "Код ОО;Класс;Предмет;Отметка\r\ns1;5А;Математика;4\r\n" + "\r\n" * 50_000 + "s1;5А;Математика;5\r\n"
    path = tmp_path / "gap.csv"
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    result = read_a(path)
    assert time.monotonic() - started < 5
    assert result.rows.mark == [4]
    assert len(result.problems) == 1
    assert result.problems[0].row == 50_003
    assert "пустых строк" in result.problems[0].reason


def _ods(path: Path, table_body: str) -> Path:
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
        'xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
        'manifest:media-type="text/xml"/></manifest:manifest>'
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
        'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text='
        '"urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="Лист1">{table_body}</table:table></office:spreadsheet></office:body>'
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


def _ods_row(*values: object, repeat: int = 1) -> str:
    cells = []
    for value in values:
        if isinstance(value, str):
            cells.append(f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>')
        else:
            cells.append(f'<table:table-cell office:value-type="float" office:value="{value}"/>')
    attributes = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attributes}>{''.join(cells)}</table:table-row>"


def test_ods_is_read(tmp_path):
    body = _ods_row("Результаты") + _ods_row("Код ОО", "Класс", "Предмет", "Отметка")
    body += _ods_row("s1", "5А", "Математика", 4) + _ods_row("s1", "5Б", "Математика", 3)
    body += '<table:table-row table:number-rows-repeated="1048570"><table:table-cell/></table:table-row>'
    result = read_a(_ods(tmp_path / "vpr.ods", body))
    assert result.rows.mark == [4, 3]
    assert result.rows.source_row == [3, 4]


def test_ods_repeating_a_valued_row_millions_of_times_is_refused(tmp_path):
    body = _ods_row("Код ОО", "Класс", "Предмет", "Отметка")
    body += (
        '<table:table-row table:number-rows-repeated="200000"><table:table-cell table:number-columns-repeated="100" '
        'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
    )
    started = time.monotonic()
    with pytest.raises(ReaderError):
        read_a(_ods(tmp_path / "bomb.ods", body))
    assert time.monotonic() - started < 5


def test_ods_table_that_never_closes_is_still_measured(tmp_path):
    body = _ods_row("Код ОО", "Класс", "Предмет", "Отметка") + (
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="60" '
        'office:value-type="float" office:value="1"/></table:table-row>'
    )
    path = _ods(tmp_path / "bomb.ods", body)
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        content = archive.read("content.xml").replace(b"</table:table>", b"")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
    assert path.read_bytes() != data
    with pytest.raises(ReaderError):
        read_a(path)


# ---- format B -----------------------------------------------------------------------------------


def test_school_stats_with_counts(tmp_path):
    rows = [
        ["Статистика по отметкам", None, None, None, None, None, None, None],
        ["Код ОО", "Наименование ОО", "Предмет", "Класс", "Кол-во уч.", "«2»", "«3»", "«4»", "«5»"],
        ["s1", "МБОУ СОШ № 1", "Математика", 5, 20, 2, 8, 6, 4],
        ["s2", "МБОУ СОШ № 2", "Математика", "5", 10, None, 5, 5, None],
        ["s3", "МБОУ СОШ № 3", "Математика", 5, 10, 1, 1, 1, 1],
        ["s4", "МБОУ СОШ № 4", "Математика", 5, 0, 0, 0, 0, 0],
        ["s1", "МБОУ СОШ № 1", "Математика", 5, 20, 2, 8, 6, 4],
    ]
    path = write_xlsx(tmp_path / "stats.xlsx", {"Статистика": rows})

    result = read_school_stats(path, filename=path.name)

    assert result.kind == "school_stats"
    assert result.header_row == 2
    assert result.rows == [
        SchoolStatRow(
            "s1", "МБОУ СОШ № 1", "Математика", 5, 20, {2: 2, 3: 8, 4: 6, 5: 4}, None, None, None, 3, "Статистика"
        ),
        SchoolStatRow(
            "s2", "МБОУ СОШ № 2", "Математика", 5, 10, {2: 0, 3: 5, 4: 5, 5: 0}, None, None, None, 4, "Статистика"
        ),
    ]
    count_error = only_problem(result, 5)
    assert (count_error.column, count_error.value) == ("«2»", "4")
    assert "сумма 4 не равна количеству участников 10" in count_error.reason
    participants = only_problem(result, 6)
    assert (participants.column, participants.value) == ("Кол-во уч.", "0")
    assert participants.reason == "Количество участников «0» вне диапазона: ожидается целое число от 1 до 2 147 483 647"
    duplicate = only_problem(result, 7)
    assert "уже есть в строке 3" in duplicate.reason
    assert result.school_codes == {"s1", "s2"}


def test_school_stats_with_percentages_under_a_two_row_header(tmp_path):
    rows = [
        ["ВПР. Статистика по отметкам"],
        ["Код ОО", "Параллель", "Количество участников", "Распределение отметок в %", None, None, None],
        [None, None, None, 2, 3, 4, 5],
        ["s1", 4, 27, 11.11, 33.33, 33.33, 22.23],
        ["s2", 4, 3, 33.33, 33.33, 33.34, 0],
        ["s3", 4, 10, 10, 20, 30, 37],
    ]
    path = write_xlsx(tmp_path / "stats.xlsx", {"Лист1": rows})

    result = read_school_stats(path, filename=path.name, subject="Русский язык")

    assert result.header_row == 3
    assert result.columns["participants"] == "Количество участников"
    assert [(row.school_code, row.marks) for row in result.rows] == [
        ("s1", {2: 3, 3: 9, 4: 9, 5: 6}),
        ("s2", {2: 1, 3: 1, 4: 1, 5: 0}),
    ]
    assert all(sum(row.marks.values()) == row.participants for row in result.rows)
    assert all(row.subject == "Русский язык" for row in result.rows)
    bad_sum = only_problem(result, 6)
    assert bad_sum.value == "97"
    assert "сумма процентов 97 не равна 100" in bad_sum.reason


def test_school_stats_percentages_recognised_by_their_values_and_journal_comparison(tmp_path):
    rows = [
        ["Код ОО", "Предмет", "Параллель", "Кол-во участников", "2", "3", "4", "5", "Понизили", "Подтвердили"]
        + ["Повысили"],
        ["s1", "История", 6, 40, 12.5, 37.5, 25, 25, 10, 80, 10],
        ["s2", "История", 6, 8, 1, 3, 2, 2, 2, 5, 1],
        ["s3", "История", 6, 8, 1, 3, 2, 2, 2, 5, 2],
    ]
    path = write_csv(tmp_path / "stats.csv", rows, encoding="cp1251", delimiter=";")

    result = read_school_stats(path, filename=path.name)

    first, second = result.rows
    assert first.marks == {2: 5, 3: 15, 4: 10, 5: 10}
    assert (first.lowered, first.confirmed, first.raised) == (4, 32, 4)
    assert (second.lowered, second.confirmed, second.raised) == (2, 5, 1)
    journal = only_problem(result, 4)
    assert journal.column == "Понизили"
    assert "не равна количеству участников 8" in journal.reason


def test_school_stats_without_required_columns(tmp_path):
    rows = [["Код ОО", "Предмет", "Класс", "2", "3"], ["s1", "Математика", 5, 1, 2]]
    with pytest.raises(ReaderError) as caught:
        read_school_stats(write_xlsx(tmp_path / "stats.xlsx", {"Лист1": rows}), filename="stats.xlsx")
    assert {p.column for p in caught.value.problems} == {"Кол-во участников", "4", "5"}


# ---- helpers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5А", (5, "А")),
        ("5 А", (5, "А")),
        ("5-а", (5, "А")),
        ("5", (5, "")),
        (5.0, (5, "")),
        ("10 «Б»", (10, "Б")),
        ("11b", (11, "В")),  # Latin look-alike
        ("7 кл.", (7, "")),
        ("5АБ", (None, "")),
        ("", (None, "")),
        ("класс", (None, "")),
    ],
)
def test_parse_class(text, expected):
    assert parse_class(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("русский язык", "Русский язык"),
        ("Рус. яз.", "Русский язык"),
        ("МАТЕМАТИКА", "Математика"),
        ("Математика (профильная)", "Математика (профильная)"),
        ("математика профиль", "Математика (профильная)"),
        ("Математика базовая", "Математика (базовая)"),
        ("окружающий  мир", "Окружающий мир"),
        ("Читательская грамотность", "Читательская грамотность"),
        ("  астрономия  ", "Астрономия"),
        ("", ""),
    ],
)
def test_normalize_subject(text, expected):
    assert normalize_subject(text) == expected


def test_pseudonym_ignores_case_spacing_and_yo_but_not_the_key():
    one = pseudonym(KEY, last_name="Семёнова", first_name="Алёна", middle_name="", birth_date=dt.date(2015, 3, 9))
    two = pseudonym(KEY, last_name=" семенова ", first_name="АЛЕНА", middle_name=None, birth_date="09.03.2015")
    other_key = pseudonym(b"other", last_name="Семёнова", first_name="Алёна", middle_name="", birth_date="2015-03-09")
    assert one == two != other_key
    assert one.startswith("p") and len(one) == 21
