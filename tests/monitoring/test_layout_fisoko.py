"""ФИС ОКО layouts (monitoring/readers/layouts/fisoko.py): files shaped like the real exports,
built with openpyxl and csv, read through the layout registry and the generic readers."""

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from config.lib.untrusted import open_table
from monitoring.readers import read_student_results
from monitoring.readers.headers import _task_label
from monitoring.readers.layouts import Block, TaskInfo, blocks
from monitoring.readers.values import _cell_text

KEY = b"k"

F1_HEADER = [
    "ОО",
    "Муниципалитет",
    "Название ОО",
    "Код участника",
    "Класс",
    "Вариант",
    "1 (2б)",
    "3.2 (2б)",
    "9.1 (1б)",
    "12К1 (1б)",
    "Первичный балл",
    "Отметка",
    "Отметка по журналу",
]
F1_DIFFICULTY = ["", "", "", "", "", "", "Б", "П", "Б", "В"]


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def read_blocks(data: bytes, filename: str, format: str = "students") -> list[tuple[Block, list[list]]]:
    """Every block with its rows read (tasks and skipped are filled while the rows are read)."""
    table = open_table(data, filename=filename)
    return [(block, list(block.rows)) for block in blocks(table, format=format)]


def _texts(row: list) -> list[str]:
    return [_cell_text(cell) for cell in row]


def canonical_f1() -> list[list]:
    """Variant 1 of the research notes: title on row 1, meta rows, a date cell, Б/П/В, «ОО»
    column, two schools with group lines, Cyrillic «Х», «НЕТ ОТМЕТКИ», footers."""
    school_4 = ["sch710201", "Томский район", "МБОУ СОШ № 4"]
    school_7 = ["sch710202", "Томский район", "МБОУ СОШ № 7"]
    return [
        ["ВПР 2026 Русский язык 4 класс"],  # 1
        ["Предмет", "Русский язык"],  # 2
        ["Максимальный первичный балл", 38],  # 3
        ["Дата", dt.datetime(2026, 4, 21)],  # 4
        [],  # 5
        F1_DIFFICULTY,  # 6
        F1_HEADER,  # 7
        ["МБОУ СОШ № 4 (sch710201) | Кол-во участников: 2"],  # 8
        [*school_4, "01234", "4А", 1, 2, "Х", 1, "X", 3, 3, 4],  # 9
        [*school_4, "01235", "4А", 2, "-", "—", 0, 1, 1, 2, "НЕТ ОТМЕТКИ"],  # 10
        ["МБОУ СОШ № 7 (sch710202) | Кол-во участников: 1"],  # 11
        [*school_7, 1236.0, "4Б", 1, 2, 2, 1, 1, 6, 5, 5],  # 12
        ["Средние", "", "", "", "", "", 1.7, 1.5, 0.7, 0.7, 3.3],  # 13
        ["Минимальная граница", "", "", "", "", "", "", "", "", "", 10],  # 14
        ["Всего участников: 3"],  # 15
    ]


# ---- Ф1: what the layout finds and how it rewrites the rows ------------------------------------


def test_f1_canonical_block_found_values():
    [(block, rows)] = read_blocks(xlsx_bytes({"Ф1": canonical_f1()}), "f1.xlsx")
    assert block.layout == "fisoko_f1"
    assert (block.subject, block.grade, block.date, block.kind) == ("Русский язык", 4, dt.date(2026, 4, 21), "vpr")
    assert block.tasks == {
        "1": TaskInfo(max_score=2, difficulty="Б"),
        "3(2)": TaskInfo(max_score=2, difficulty="П"),
        "9(1)": TaskInfo(max_score=1, difficulty="Б"),
        "12К1": TaskInfo(max_score=1, difficulty="В"),
    }
    assert len(rows) == 15  # row n of the block is Excel row n
    assert rows[6] == ["Код ОО", "Муниципалитет", "Название ОО", "Код участника", "Класс", "Вариант",
                       "1", "3.2", "9.1", "12К1", "Первичный балл", "Отметка", "Отметка по журналу"]  # fmt: skip
    assert rows[0] == ["ВПР 2026 Русский язык 4 класс"]  # the title stays
    assert rows[8] == [
        "sch710201",
        "Томский район",
        "МБОУ СОШ № 4",
        "01234",
        "4А",
        1.0,
        2.0,
        "",
        1.0,
        "",
        3.0,
        3.0,
        4.0,
    ]
    assert rows[9][6:] == ["", "", 0.0, 1.0, 1.0, 2.0, ""]
    assert rows[11][:4] == ["sch710202", "Томский район", "МБОУ СОШ № 7", 1236.0]
    assert [rows[i] for i in (7, 10, 12, 13, 14)] == [[], [], [], [], []]
    assert block.skipped == [
        (8, "строка группы: МБОУ СОШ № 4 (sch710201)"),
        (11, "строка группы: МБОУ СОШ № 7 (sch710202)"),
        (13, "итоговая строка: Средние"),
        (14, "итоговая строка: Минимальная граница"),
        (15, "итоговая строка: Всего участников: 3"),
    ]


def without_oo_column(rows: list[list]) -> list[list]:
    """The same file without the «ОО» column: the school is known from the group lines only."""
    return [row[1:] if row and row[0] in ("ОО", "sch710201", "sch710202") else row for row in rows]


def test_f1_variants_title_on_row_3_text_date_latin_letters_no_oo_column():
    header = ["Муниципалитет", "Название ОО", "Код участника", "Класс", "Вариант",
              "1(2б)", "3.2 (2б)", "9,1 (1б)", "12K1 (1б)", "Первичный балл", "Отметка", "Отметка  по журналу"]  # fmt: skip
    sheet = [
        [],
        ["Федеральная служба по надзору в сфере образования и науки"],
        ["", "ВПР 2025 Математика 5 класс"],  # 3: the title in a merged cell further right
        ["Дата:", "22.04.2025"],
        ["", "", "", "", "", "б", "п", "в", "б"],
        header,  # 6
        ["МАОУ Гимназия № 1 (edu710003) | Кол-во участников: 3"],  # 7: three announced, two found
        ["Томский район", "МАОУ Гимназия № 1", "000917", "5в", 2, 1, "x", "х", 1, 5, 4, "нет  отметки"],
        ["Томский район", "МАОУ Гимназия № 1", "000918", "5в", 2, "—", 2, 1, 0, 3, 3, 3],
        ["МБОУ СОШ № 4 (sch710201) | Кол-во участников: 1"],  # 10
        ["Томский район", "МБОУ СОШ № 4", "000919", "5а", 1, 2, 2, 1, 1, 6, 5, 5],
        ["Средние", "", "", "", "", 1.5],
    ]
    [(block, rows)] = read_blocks(xlsx_bytes({"Лист1": sheet}), "vpr.xlsx")
    assert (block.layout, block.subject, block.grade, block.date) == (
        "fisoko_f1",
        "Математика",
        5,
        dt.date(2025, 4, 22),
    )
    assert block.tasks == {
        "1": TaskInfo(2, "Б"),
        "3(2)": TaskInfo(2, "П"),
        "9(1)": TaskInfo(1, "В"),
        "12К1": TaskInfo(1, "Б"),
    }
    assert rows[5] == ["Муниципалитет", "Название ОО", "Код участника", "Класс", "Вариант",
                       "1", "3.2", "9.1", "12К1", "Первичный балл", "Отметка", "Отметка  по журналу", "Код ОО"]  # fmt: skip
    assert rows[7] == [
        "Томский район",
        "МАОУ Гимназия № 1",
        "000917",
        "5в",
        2.0,
        1.0,
        "",
        "",
        1.0,
        5.0,
        4.0,
        "",
        "edu710003",
    ]
    assert rows[8][-1] == "edu710003"
    assert rows[10][-1] == "sch710201"
    assert (rows[6], rows[9], rows[11]) == ([], [], [])
    assert (7, "строка группы: МАОУ Гимназия № 1 (edu710003)") in block.skipped
    assert (
        7,
        "в строке группы «МАОУ Гимназия № 1 (edu710003)» указано участников: 3, а строк участников под ней: 2",
    ) in (block.skipped)
    assert not [note for row, note in block.skipped if row == 10 and "указано" in note]  # 1 announced, 1 found


def test_f1_chosen_by_sheet_name_after_an_extra_sheet():
    f1 = canonical_f1()[4:]  # no title: the sheet name tells
    data = xlsx_bytes(
        {"Инструкция": [["Как читать отчёт"], ["Код участника", "Первичный балл"]], "Индивидуальные результаты": f1}
    )
    found = read_blocks(data, "f1.xlsx")
    assert [(block.sheet, block.layout) for block, _ in found] == [
        ("Инструкция", ""),
        ("Индивидуальные результаты", "fisoko_f1"),
    ]
    block, rows = found[1]
    assert block.subject == "" and block.grade is None and block.date is None  # the title was cut off
    assert list(block.tasks) == ["1", "3(2)", "9(1)", "12К1"]
    assert rows[2][0] == "Код ОО"


def test_f1_as_csv_with_the_header_repeated_on_a_page():
    sheet = canonical_f1()
    sheet[3] = ["Дата проведения", "2026-04-21"]
    sheet.insert(10, F1_DIFFICULTY)  # a printed export repeats the difficulty row and the header
    sheet.insert(11, F1_HEADER)
    [(block, rows)] = read_blocks(csv_bytes(sheet), "f1.csv")
    assert (block.layout, block.date) == ("fisoko_f1", dt.date(2026, 4, 21))
    assert rows[11] == rows[6] and rows[11][0] == "Код ОО" and rows[11][6] == "1"
    assert rows[10] == [] and (11, "строка уровней сложности заданий (Б/П/В)") in block.skipped
    assert rows[8][3] == "01234"  # CSV text keeps the leading zero


def test_product_format_a_is_not_taken_for_f1():
    rows = [
        ["Код ОО", "Предмет", "Класс", "Код участника", "1", "2", "Первичный балл", "Отметка", "Отметка по журналу"],
        ["sch710201", "Математика", "5А", "0001", 1, 0, 1, 3, 3],
    ]
    for data, name in ((xlsx_bytes({"Результаты": rows}), "a.xlsx"), (csv_bytes(rows), "a.csv")):
        [(block, read)] = read_blocks(data, name)
        assert block.layout == "" and block.tasks == {} and block.skipped == []
        assert [_texts(row) for row in read] == [_texts(row) for row in rows]  # untouched


def test_f1_is_not_offered_to_the_school_statistics_reader():
    [(block, _)] = read_blocks(xlsx_bytes({"Ф1": canonical_f1()}), "f1.xlsx", format="school_stats")
    assert block.layout == ""


# ---- Ф1 through the generic format A reader ---------------------------------------------------


def reread(tmp_path: Path, block: Block, rows: list[list]):
    """The block's rows as a file of their own, read by the generic reader with the block's
    subject and grade: what read_student_results will do once it reads blocks."""
    path = tmp_path / "block.xlsx"
    path.write_bytes(xlsx_bytes({block.sheet: rows}))
    return read_student_results(
        path, filename=path.name, kind="vpr", subject=block.subject, grade=block.grade, pseudonym_key=KEY
    )


def test_f1_rows_are_read_by_the_format_a_reader(tmp_path):
    [(block, rows)] = read_blocks(xlsx_bytes({"Ф1": canonical_f1()}), "f1.xlsx")
    result = reread(tmp_path, block, rows)
    assert result.problems == []
    assert result.tasks == list(block.tasks)
    out = result.rows
    assert len(out.participant_code) == 3
    assert out.participant_code == ["01234", "01235", "1236"]
    assert out.school_code == ["sch710201", "sch710201", "sch710202"]
    assert out.source_row == [9, 10, 12]
    assert out.task_scores == ["2,,1", ",,0,1", "2,2,1,1"]
    assert out.journal_mark == [4, None, 5]
    assert out.mark == [3, 2, 5]


def test_f1_without_oo_column_is_read_by_the_format_a_reader(tmp_path):
    [(block, rows)] = read_blocks(xlsx_bytes({"Лист1": without_oo_column(canonical_f1())}), "f1.xlsx")
    result = reread(tmp_path, block, rows)
    assert result.problems == []
    assert result.rows.school_code == ["sch710201", "sch710201", "sch710202"]
    assert result.school_codes == {"sch710201", "sch710202"}


def test_f1_end_to_end_through_read_student_results(tmp_path):
    path = tmp_path / "f1.xlsx"
    path.write_bytes(xlsx_bytes({"Инструкция": [["Как читать отчёт"]], "Индивидуальные результаты": canonical_f1()}))
    result = read_student_results(path, filename=path.name, kind="vpr", pseudonym_key=KEY)
    assert result.problems == []
    assert len(result.rows.participant_code) == 3
    assert result.subjects == {"Русский язык"} and result.grades == {4}
    assert result.school_codes == {"sch710201", "sch710202"}


# ---- task headers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [("12К1", "12К1"), ("12k1", "12К1"), ("12 К 2", "12К2"), ("12к", "12к"), ("5А", "5а"), ("3.2", "3(2)"),
     ("№ 4(1)", "4(1)"), ("1", "1"), ("Отметка", None), ("12К", "12к")],
)  # fmt: skip
def test_task_label_criteria(text, label):
    assert _task_label(text) == label


# ---- statistics reports ----------------------------------------------------------------------


def marks_report() -> list[list]:
    """Variant 9: header block, two-row header under a merged «Распределение групп баллов в %»,
    «Вся выборка» / region / municipality rows, schools «(login) name», comma decimals, a school
    without participants, sums 99.9 (accepted) and 97 (rejected)."""
    return [
        ["Всероссийские проверочные работы 2026 (4 класс)"],  # 1
        ["Дата: 21.04.2026"],  # 2
        ["Предмет: Математика"],  # 3
        ["Статистика по отметкам"],  # 4
        ["Максимальный первичный балл: 20"],  # 5
        [],  # 6
        ["Группы участников", "Кол-во ОО", "Кол-во участников", "Распределение групп баллов в %"],  # 7
        ["", "", "", 2, 3, 4, 5],  # 8
        ["Вся выборка", 40000, 1500000, 5.1, 30, 40, 24.9],  # 9
        ["Томская обл.", 300, 10000, 4, 31, 40, 25],  # 10
        ["   Томский район", 20, 500, 4, 31, 40, 25],  # 11
        ["(sch710201) МБОУ СОШ № 4", 1, 24, "12,5", "37,5", "25", "25"],  # 12
        ["(sch710202) МБОУ СОШ № 7", 1, 0],  # 13
        ["(edu710003) МАОУ Гимназия № 1", 1, 10, 10, 30, 40, 19.9],  # 14
        ["(sch710204) МБОУ ООШ с. Ягодное", 1, 10, 10, 30, 40, 17],  # 15
    ]


def journal_report() -> list[list]:
    """Variant 10: blocks of four lines under each group line, «Отметке» and odd spacing."""
    lines = ("Понизили ( Отметка < Отметка по журналу) %", "Подтвердили ( Отметка = Отметке по журналу) %",
             "Повысили ( Отметка > Отметка по журналу) %")  # fmt: skip
    return [
        ["ВПР 2021. 5 класс"],  # 1
        ["Предмет: Русский язык"],  # 2
        ["Сравнение отметок с отметками по журналу"],  # 3
        [],  # 4
        ["Группы участников", "Кол-во участников", "%"],  # 5
        ["Вся выборка"],  # 6
        [lines[0], 250000, 17.5],  # 7
        [lines[1], 1125000, 75],  # 8
        [lines[2], 125000, 7.5],  # 9
        ["Всего", 1500000, 100],  # 10
        ["(sch710201) МБОУ СОШ № 4"],  # 11
        [lines[0], 3, "12,5"],  # 12
        [lines[1], 20, "83,33"],  # 13
        [lines[2], 1, "4,17"],  # 14
        ["Всего", 24, 100],  # 15
        ["(sch710202) МБОУ СОШ № 7"],  # 16
        [lines[0], 1, 10],  # 17
        [lines[1], 9, 90],  # 18
        [lines[2], 0, 0],  # 19
    ]


def test_marks_report_block_found_values():
    [(block, rows)] = read_blocks(xlsx_bytes({"Статистика": marks_report()}), "stat.xlsx", format="school_stats")
    assert block.layout == "fisoko_marks"
    assert (block.subject, block.grade, block.date, block.kind) == ("Математика", 4, dt.date(2026, 4, 21), "vpr")
    assert len(rows) == 15
    assert rows[6] == ["Код ОО", "Наименование ОО", "Кол-во ОО", "Кол-во участников", "Распределение групп баллов в %"]
    assert rows[7] == ["", "", "", "", 2.0, 3.0, 4.0, 5.0]
    assert rows[11] == ["sch710201", "МБОУ СОШ № 4", 1.0, 24.0, "12,5", "37,5", "25", "25"]
    assert rows[13][:2] == ["edu710003", "МАОУ Гимназия № 1"]
    assert [rows[i] for i in (8, 9, 10, 12)] == [[], [], [], []]
    assert block.skipped == [
        (9, "строка «Вся выборка» (не ОО)"),
        (10, "строка «Томская обл.» (не ОО)"),
        (11, "строка «Томский район» (не ОО)"),
        (13, "строка ОО sch710202 без участников"),
    ]


def test_marks_report_rows_are_read_by_the_format_b_reader(tmp_path):
    from monitoring.readers import read_school_stats

    [(block, rows)] = read_blocks(xlsx_bytes({"Статистика": marks_report()}), "stat.xlsx", format="school_stats")
    path = tmp_path / "block.xlsx"
    path.write_bytes(xlsx_bytes({block.sheet: rows}))
    result = read_school_stats(path, filename=path.name, subject=block.subject, grade=block.grade)
    assert [(row.school_code, row.school_name, row.participants, row.marks) for row in result.rows] == [
        ("sch710201", "МБОУ СОШ № 4", 24, {2: 3, 3: 9, 4: 6, 5: 6}),
        ("edu710003", "МАОУ Гимназия № 1", 10, {2: 1, 3: 3, 4: 4, 5: 2}),
    ]
    assert [(problem.row, "сумма процентов 97" in problem.reason) for problem in result.problems] == [(15, True)]


def test_journal_report_one_row_per_school():
    [(block, rows)] = read_blocks(xlsx_bytes({"Сравнение": journal_report()}), "cmp.xlsx", format="school_stats")
    assert (block.layout, block.subject, block.grade) == ("fisoko_journal", "Русский язык", 5)
    assert len(rows) == 19
    assert rows[4] == ["Код ОО", "Наименование ОО", "Кол-во участников", "Понизили, %", "Подтвердили, %", "Повысили, %"]
    assert rows[14] == ["sch710201", "МБОУ СОШ № 4", 24.0, "12,5", "83,33", "4,17"]
    assert [i + 1 for i, row in enumerate(rows) if row] == [1, 2, 3, 5, 15]
    assert (6, "строка «Вся выборка» (не ОО)") in block.skipped
    assert (10, "строка «Всего» группы «Вся выборка» (не ОО)") in block.skipped
    assert (11, "строка ОО sch710201: сведена в строку 15") in block.skipped
    assert (16, "у ОО sch710202 нет строки «Всего»: строки не прочитаны") in block.skipped


def test_journal_report_rows_are_read_by_the_format_b_reader(tmp_path):
    from monitoring.readers import read_school_stats

    [(block, rows)] = read_blocks(xlsx_bytes({"Сравнение": journal_report()}), "cmp.xlsx", format="school_stats")
    path = tmp_path / "block.xlsx"
    path.write_bytes(xlsx_bytes({block.sheet: rows}))
    result = read_school_stats(path, filename=path.name, subject=block.subject, grade=block.grade)
    [row] = result.rows
    assert (row.school_code, row.participants, row.lowered, row.confirmed, row.raised) == ("sch710201", 24, 3, 20, 1)


def test_product_format_b_and_f1_are_not_taken_for_reports():
    rows = [
        ["Код ОО", "Наименование ОО", "Предмет", "Параллель", "Кол-во участников", "2", "3", "4", "5"],
        ["sch710201", "МБОУ СОШ № 4", "Математика", 4, 24, 3, 9, 6, 6],
    ]
    for data, name in ((xlsx_bytes({"Статистика": rows}), "b.xlsx"), (csv_bytes(rows), "b.csv")):
        [(block, _)] = read_blocks(data, name, format="school_stats")
        assert block.layout == ""
    [(block, _)] = read_blocks(xlsx_bytes({"Индивидуальные результаты": canonical_f1()}), "f1.xlsx", "school_stats")
    assert block.layout == ""
    [(block, _)] = read_blocks(xlsx_bytes({"Статистика": marks_report()}), "stat.xlsx", format="students")
    assert block.layout == ""
