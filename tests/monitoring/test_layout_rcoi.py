"""The РЦОИ protocol layout (monitoring/readers/layouts/rcoi.py): files shaped like the protocols
the regional processing centre sends (sparse `;`-CSV with merged-cell gaps, xlsx with merged
header cells, .xls), read into blocks and through the generic format A reader."""

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
import xlwt

from config.lib.untrusted import open_table
from monitoring.readers import ReaderError, layouts, read_student_results
from monitoring.readers.layouts.rcoi import RCOI
from monitoring.readers.values import _cell_text

KEY = b"k"


def split(line: str) -> list[str]:
    return line.split(";")


# ЕГЭ 2022, Русский язык: the sparse regional protocol (merged cells leave a gap column after
# most headers; Фамилия/Имя/Отчество have none; a trailing «;»; footer numbers in the gaps).
RUSSIAN_EGE = [
    split("01 - Русский язык 2022.06.23;;;;;;;;;;;;;;;;;;;;;;;;;;;"),
    split(
        "№;;Код МСУ;;Код ОО;;Класс;;Код ППЭ;;Аудитория;;Фамилия;Имя;Отчество;;Серия;;Номер;;"
        "Задания с кратким ответом;;Задания с развёрнутым ответом;;Первичный балл;;Балл;"
    ),
    split("1;;111;;111002;;11;;1018;;9;;Иванов;Иван;Иванович;;1111;;222222;;++++++;;1(1)1(1)1(1)1(1);;10;;39;"),
    split("2;;111;;111002;;11;;1018;;9;;Петрова;Анна;Сергеевна;;1112;;333333;;+-+1-+;;2(2)0(3)1(1)10(12);;17;;58;"),
    split("Средние;;;;;;;;;;;;;;;;;;;;;;;;;13,5;;48,5;"),
    split("Минимальная граница;;;;;;;;;;;;;;;;;;;;;;;;;;;24;"),
    split("Всего участников;;;;;;;;;;;;;;;;;;;;;;;2;;;;;"),
]
RUSSIAN_HEADER = [
    "№",
    "Код МСУ",
    "Код ОО",
    "Класс",
    "Код ППЭ",
    "Аудитория",
    "Фамилия",
    "Имя",
    "Отчество",
    "Серия",
    "Номер",
    "Первичный балл",
    "Тестовый балл",
    *map(str, range(1, 11)),
]


def csv_bytes(rows: list[list], *, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def _excel_value(text: str):
    """Codes and scores as Excel keeps them when typed: numbers (no leading zeros)."""
    if re.fullmatch(r"[1-9]\d*", text):
        return int(text)
    return text or None


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    """Each header cell followed by an empty one is merged with it, as the protocols print."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for i, row in enumerate(rows, 1):
            for j, text in enumerate(row, 1):
                if text:
                    sheet.cell(i, j, _excel_value(text))
            if "Код ОО" in row:
                for j, text in enumerate(row[:-1], 1):
                    if text and not row[j]:
                        sheet.merge_cells(start_row=i, start_column=j, end_row=i, end_column=j + 1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls_bytes(sheets: dict[str, list[list]]) -> bytes:
    book = xlwt.Workbook()
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                if text:
                    sheet.write(i, j, _excel_value(text))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_blocks(data: bytes, filename: str) -> list[tuple[layouts.Block, list[list]]]:
    """Every block with its rows (read before the next block is asked for, as the contract says)."""
    out = []
    with open_table(data, filename=filename) as table:
        for block in layouts.blocks(table, format="students"):
            out.append((block, [[_cell_text(cell) for cell in row] for row in block.rows]))
    return out


def read(data: bytes, filename: str, kind: str, **options):
    return read_student_results(data, filename=filename, kind=kind, pseudonym_key=KEY, **options)


# ---- ЕГЭ Русский язык in every file type --------------------------------------------------------


def test_ege_russian_sparse_csv_becomes_one_block_with_task_columns():
    [(block, rows)] = read_blocks(csv_bytes(RUSSIAN_EGE), "01_2022.06.23.csv")

    assert (block.layout, block.subject, block.date) == ("rcoi", "Русский язык", dt.date(2022, 6, 23))
    assert (block.kind, block.grade) == ("ege", 11)
    assert len(rows) == 7
    assert rows[0] == []
    assert rows[1] == RUSSIAN_HEADER
    assert rows[2] == [
        "1",
        "111",
        "111002",
        "11",
        "1018",
        "9",
        "Иванов",
        "Иван",
        "Иванович",
        "1111",
        "222222",
        "10",
        "39",
        *(["1"] * 10),
    ]
    assert rows[3][11:] == ["17", "58", "1", "0", "1", "1", "0", "1", "2", "0", "1", "10"]
    assert rows[4:] == [[], [], []]
    assert {label: info.max_score for label, info in block.tasks.items()} == {
        "1": 1,
        "2": 1,
        "3": 1,
        "4": 1,
        "5": 1,
        "6": 1,
        "7": 2,
        "8": 3,
        "9": 1,
        "10": 12,
    }
    assert block.skipped == [
        (5, "итоговая строка «Средние»"),
        (6, "итоговая строка «Минимальная граница»"),
        (7, "итоговая строка «Всего участников»"),
    ]


def _russian_files() -> dict[str, tuple[bytes, str]]:
    return {
        "utf-8-sig": (csv_bytes(RUSSIAN_EGE), "protocol.csv"),
        "cp1251": (csv_bytes(RUSSIAN_EGE, encoding="cp1251"), "protocol.csv"),
        "xlsx": (xlsx_bytes({"Протокол": RUSSIAN_EGE}), "protocol.xlsx"),
        "xls": (xls_bytes({"Протокол": RUSSIAN_EGE}), "protocol.xls"),
    }


@pytest.mark.parametrize("variant", ["utf-8-sig", "cp1251", "xlsx", "xls"])
def test_ege_russian_reads_the_same_from_csv_in_either_encoding_xlsx_and_xls(variant):
    data, filename = _russian_files()[variant]
    reference = read_blocks(*_russian_files()["utf-8-sig"])

    [(block, rows)] = read_blocks(data, filename)

    [(expected, expected_rows)] = reference
    assert rows == expected_rows
    assert (block.subject, block.date, block.kind, block.grade) == ("Русский язык", dt.date(2022, 6, 23), "ege", 11)
    assert block.tasks == expected.tasks
    assert block.skipped == expected.skipped

    result = read(data, filename, "ege")
    assert result.problems == []
    assert len(result.rows) == 2
    assert result.rows.test_score == [39, 58]
    assert result.rows.primary_score == [10, 17]
    assert result.rows.subject == ["Русский язык", "Русский язык"]
    assert result.rows.school_code == ["111002", "111002"]
    assert result.rows.grade == [11, 11]
    assert result.rows.task_scores == ["1,1,1,1,1,1,1,1,1,1", "1,0,1,1,0,1,2,0,1,10"]
    assert result.rows.source_row == [3, 4]
    assert [problem.row for problem in result.skipped] == [5, 6, 7]
    assert result.task_info["10"]["max"] == 12
    # The pseudonym is made from the names; the names themselves go nowhere.
    assert all(code and "Иванов" not in code for code in result.rows.participant_code)
    assert result.found[0]["subject"] == "Русский язык"
    assert result.found[0]["date"] == "2022-06-23"


def test_xlsx_merged_header_gaps_are_empty_and_values_are_found_by_header_text():
    data = xlsx_bytes({"Протокол": RUSSIAN_EGE})
    with open_table(data, filename="p.xlsx") as table:
        _, rows = next(table.sheets)
        header = list(rows)[1]
    assert header[1] in ("", None)  # the merged cell's second column
    [(block, rows)] = read_blocks(data, "p.xlsx")
    assert rows[1] == RUSSIAN_HEADER
    assert rows[2][2] == "111002"  # a number in Excel, a code as text


# ---- titles ------------------------------------------------------------------------------------

SOCIAL_DENSE = [
    split(";;;;;;;12 - Обществознание 2021.06.15;;;"),
    split(
        "№;Код МСУ;Код ОО;Класс;Код ППЭ;Аудитория;Фамилия;Имя;Отчество;Серия;Номер;"
        "Задания с кратким ответом;Задания с развернутым ответом;Первичный балл;Балл"
    ),
    split("1;111;111003;11А;1018;5;Сидоров;Пётр;Ильич;1111;444444;++-+;3(3)0(2);6;44"),
]


def test_title_in_a_later_column_and_a_dense_header():
    [(block, rows)] = read_blocks(csv_bytes(SOCIAL_DENSE), "p.csv")

    assert (block.subject, block.date, block.kind) == ("Обществознание", dt.date(2021, 6, 15), "ege")
    assert rows[1][-8:] == ["Первичный балл", "Тестовый балл", "1", "2", "3", "4", "5", "6"]
    assert rows[2][-8:] == ["6", "44", "1", "1", "0", "1", "3", "0"]
    assert [block.tasks[label].max_score for label in ("5", "6")] == [3, 2]


def test_a_title_alone_does_not_make_a_sheet_rcoi():
    assert RCOI.recognises("Лист1", [["Итоги 2022 года"], ["Код ОО", "Фамилия", "Первичный балл", "Отметка"]]) is False
    assert RCOI.recognises("Лист1", [["", "", "01 - Русский язык 2022.06.23"]]) is True


# ---- several blocks, ОГЭ «Балл» as the mark ------------------------------------------------------

OGE_HEADER = split(
    "№;;Код ОО;;Код МСУ;;Класс;;Код ППЭ;;Аудитория;;Фамилия;Имя;Отчество;;Серия;;Номер;;"
    "Задания с кратким ответом;;Задания с развёрнутым ответом;;Первичный балл;;Балл;"
)
OGE_TWO_BLOCKS = [
    split("01 - Русский язык 2025.06.03;;;;;;;;;;;;;;;;;;;;;;;;;;;"),
    OGE_HEADER,
    split("1;;111002;;111;;9А;;2001;;1;;Орлов;Глеб;Ильич;;1111;;100001;;+++-;;2(2)1(3);;6;;4;"),
    split("2;;111002;;111;;9Б;;2001;;1;;Белова;Ирина;Олеговна;;1111;;100002;;++--;;0(2)1(3);;3;;3;"),
    split("Средние;;;;;;;;;;;;;;;;;;;;;;;;;4,5;;3,5;"),
    split(""),
    split("02 - Математика 2025.06.06;;;;;;;;;;;;;;;;;;;;;;;;;;;"),
    OGE_HEADER,
    split("1;;111002;;111;;9А;;2002;;3;;Орлов;Глеб;Ильич;;1111;;100001;;+1+-+;;2(2);;6;;5;"),
    split("Всего участников;;;;;;;;;;;;;;;;;;;;;;;1;;;;;"),
]


def test_two_oge_blocks_in_one_sheet_each_with_its_own_subject_and_rows():
    [(first, rows1), (second, rows2)] = read_blocks(csv_bytes(OGE_TWO_BLOCKS), "oge.csv")

    assert (first.subject, first.date, first.kind, first.grade) == ("Русский язык", dt.date(2025, 6, 3), "oge", 9)
    assert (second.subject, second.date, second.kind) == ("Математика", dt.date(2025, 6, 6), "oge")
    assert len(rows1) == 6
    assert len(rows2) == 10
    assert rows2[:7] == [[]] * 7  # the first block's rows keep their places, empty
    assert "Отметка" in rows1[1] and "Балл" not in rows1[1]
    assert rows2[7][-7:] == ["Отметка", "1", "2", "3", "4", "5", "6"]
    assert rows2[8][-7:] == ["5", "1", "1", "1", "0", "1", "2"]
    assert [info.max_score for info in second.tasks.values()] == [1, 1, 1, 1, 1, 2]
    assert first.skipped == [(5, "итоговая строка «Средние»")]
    assert second.skipped == [(10, "итоговая строка «Всего участников»")]


def test_two_oge_blocks_end_to_end_and_a_second_sheet():
    more = [
        split("04 - Химия 2025.06.10;;;;;;;;;;;;;;;;;;;;;;;;;;;"),
        OGE_HEADER,
        split("1;;111005;;111;;9В;;2003;;2;;Юрьев;Олег;Петрович;;1111;;100009;;++;;1(2);;3;;3;"),
    ]
    data = xlsx_bytes({"ОГЭ": OGE_TWO_BLOCKS, "Химия": more})

    result = read(data, "oge.xlsx", "oge")

    assert result.problems == []
    by_subject: dict[str, int] = {}
    for subject in result.rows.subject:
        by_subject[subject] = by_subject.get(subject, 0) + 1
    assert by_subject == {"Русский язык": 2, "Математика": 1, "Химия": 1}
    assert result.rows.mark == [4, 3, 5, 3]
    assert result.rows.class_name == ["9А", "9Б", "9А", "9В"]
    assert result.rows.source_row == [3, 4, 9, 3]
    assert [(problem.sheet, problem.row) for problem in result.skipped] == [("ОГЭ", 5), ("ОГЭ", 10)]


def test_oge_balls_above_five_are_rejected_marks_not_test_scores():
    rows = [list(row) for row in OGE_TWO_BLOCKS[:4]]
    rows[3][-2] = "39"
    [(block, out), _] = read_blocks(csv_bytes(rows + OGE_TWO_BLOCKS[4:]), "oge.csv")
    assert block.kind == ""  # ninth grade, yet a «Балл» no mark can be: the block contradicts itself
    assert "Отметка" in out[1]

    result = read(csv_bytes(rows + OGE_TWO_BLOCKS[4:]), "oge.csv", "oge")
    [problem] = result.problems
    assert (problem.row, problem.column, problem.value) == (4, "Отметка", "39")
    assert "2, 3, 4 или 5" in problem.reason
    assert len(result.rows) == 2  # the other Русский язык row and the Математика row


def test_without_class_balls_are_read_by_their_values():
    header = split("№;Код ОО;Фамилия;Имя;Задания с кратким ответом;Первичный балл;Балл")
    marks = [split("01 - Физика 2025.06.11"), header, split("1;111002;Ан;Ян;++;2;3"), split("2;111002;Бо;Ли;+-;1;2")]
    scores = [split("03 - Физика 2022.06.11"), header, split("1;111002;Ан;Ян;++;2;3"), split("2;111002;Бо;Ли;+-;1;36")]

    [(mark_block, mark_rows)] = read_blocks(csv_bytes(marks), "m.csv")
    [(score_block, score_rows)] = read_blocks(csv_bytes(scores), "s.csv")

    assert (mark_block.kind, mark_block.grade, mark_rows[1][5]) == ("", None, "Отметка")
    assert (score_block.kind, score_rows[1][5]) == ("ege", "Тестовый балл")


# ---- ЕГЭ variants ----------------------------------------------------------------------------


def test_ege_base_mathematics_with_ocenka_and_no_extended_column():
    short = "+" * 15 + "-" * 5 + "1"
    rows = [
        split("22 - Математика базовая 2022.06.02"),
        split(
            "№;Код ОО;Класс;Код ППЭ;Аудитория;Фамилия;Имя;Отчество;Серия;Номер;Задания с кратким ответом;Первичный балл;Оценка"
        ),
        split(f"1;111002;11;1018;3;Кузнецов;Илья;Андреевич;1111;555555;{short};16;5"),
    ]
    [(block, out)] = read_blocks(csv_bytes(rows), "base.csv")

    assert (block.subject, block.kind) == ("Математика (базовая)", "ege")
    assert out[1][:10] == [
        "№",
        "Код ОО",
        "Класс",
        "Код ППЭ",
        "Аудитория",
        "Фамилия",
        "Имя",
        "Отчество",
        "Серия",
        "Номер",
    ]
    assert out[1][10:12] == ["Первичный балл", "Оценка"]
    assert len(block.tasks) == 21

    result = read(csv_bytes(rows), "base.csv", "ege")
    assert result.problems == []
    assert (result.rows.mark, result.rows.test_score, result.rows.subject) == ([5], [None], ["Математика (базовая)"])


def test_kege_with_an_empty_extended_column_and_zeros_in_the_short_string():
    short = "++-+++++++-----+++-++++-000"
    rows = [
        split("25 - Информатика и ИКТ (КЕГЭ) 2021.06.24"),
        split(
            "№;Код МСУ;Код ОО;Класс;Код ППЭ;Аудитория;Фамилия;Имя;Отчество;Серия;Номер;"
            "Задания с кратким ответом;Задания с развёрнутым ответом;Первичный балл;Балл"
        ),
        split(f"1;111;111002;11;1018;7;Смирнов;Денис;Олегович;1111;666666;{short};;16;65"),
    ]
    [(block, out)] = read_blocks(csv_bytes(rows), "kege.csv")

    assert (block.subject, block.kind) == ("Информатика", "ege")
    assert len(block.tasks) == len(short) == 27
    assert all(info.max_score == 1 for info in block.tasks.values())
    assert out[2][-27:] == ["0" if char in "-0" else "1" for char in short]

    result = read(csv_bytes(rows), "kege.csv", "ege")
    assert result.problems == []
    assert result.rows.test_score == [65]
    assert result.rows.task_scores[0].count("1") == 16


ENGLISH_2022 = [
    ["Английский язык п:2022.06.14; у:2022.06.16"],
    split(
        "№;Фамилия;;;Имя;;;Отчество;;Документ;Код ОО;Класс;Код ППЭ;Аудитория;;Часть с кратким ответом;"
        "Часть с развёрнутым ответом;Устная часть;Первичный балл устной части;Первичный балл письм. части;"
        "Первичный балл;Тестовый балл"
    ),
    split(
        "1;Волков;;;Максим;;;Игоревич;;1111 222222;111002;11;п:1111 у:1081;п:0003 у:0002;;+++73---;"
        "10(14)6(6);0(1)4(4)5(5);9;17;26;60"
    ),
]


def test_english_2022_quoted_title_with_semicolon_names_first_and_an_oral_part():
    data = csv_bytes(ENGLISH_2022)
    assert b'"\xd0\x90' in data  # the title is quoted: it holds the delimiter
    [(block, out)] = read_blocks(data, "eng.csv")

    assert (block.subject, block.date, block.kind) == ("Английский язык", dt.date(2022, 6, 14), "ege")
    header = out[1]
    assert header[:10] == ["№", "Фамилия", "Имя", "Отчество", "Документ", "Код ОО", "Класс", "Код ППЭ", "Аудитория"] + [
        "Первичный балл устной части"
    ]
    assert header[-14:-13] == ["Тестовый балл"]
    row = dict(zip(header, out[2], strict=True))
    assert (row["Фамилия"], row["Имя"], row["Документ"], row["Код ОО"]) == ("Волков", "Максим", "1111 222222", "111002")
    # short 1–8, written extended 9–10, oral 11–13
    assert [row[str(k)] for k in range(1, 14)] == ["1", "1", "1", "7", "3", "0", "0", "0", "10", "6", "0", "4", "5"]
    assert [block.tasks[str(k)].max_score for k in (4, 9, 10, 11, 13)] == [7, 14, 6, 1, 5]

    result = read(data, "eng.csv", "ege")
    assert result.problems == []
    assert (result.rows.test_score, result.rows.primary_score) == ([60], [26])


def test_english_2021_title_with_dots_and_commas():
    rows = [["Английский язык п.: 2021.06.18, у.: 2021.06.21"], *ENGLISH_2022[1:]]
    [(block, _)] = read_blocks(csv_bytes(rows), "eng.csv")
    assert (block.subject, block.date) == ("Английский язык", dt.date(2021, 6, 18))


# ---- odd rows ---------------------------------------------------------------------------------


def test_malformed_extended_answers_are_rejected_or_not_done_and_unnumbered_rows_are_named():
    rows = [list(row) for row in RUSSIAN_EGE]
    rows[2][22] = "1(1)X(1)1(1)1(1)"
    rows[3][22] = "два балла"
    rows.insert(4, split(";;111;;111002;;11;;1018;;9;;Зайцев;Олег;Петрович;;1111;;777777;;++++++;;;;6;;30;"))

    [(block, out)] = read_blocks(csv_bytes(rows), "p.csv")
    assert out[2][-4:] == ["1", "X", "1", "1"]
    assert out[3][-4:] == ["два балла", "", "", ""]
    assert block.skipped[0] == (5, "строка без порядкового номера участника в столбце «№»")
    assert all("Зайцев" not in reason for _, reason in block.skipped)

    result = read(csv_bytes(rows), "p.csv", "ege")
    assert len(result.rows) == 1
    assert result.rows.task_scores == ["1,1,1,1,1,1,1,,1,1"]  # «X» is a task not done
    [problem] = result.problems
    assert (problem.row, problem.column, problem.value) == (4, "7", "два балла")


def test_an_appeals_protocol_is_refused_not_read_as_results():
    rows = [
        split(
            "№;Код ОО;Класс;Код ППЭ;Аудитория;Фамилия;Имя;;Отчество;Документ;Тип апелляции / перепроверки;"
            "Состояние;;Дата отправки на обработку;Дата изменений;Балл до изменения;Текущие;;Разница"
        ),
        split(";;;;;;;;;;;;;;;;Первичный балл;Балл;"),
        split(
            "1;111002;11;1018;3;Иванов;Иван;;Иванович;1111 222222;Апелляция на результат;"
            "Апелляция удовлетворена;;2022.07.01;2022.07.03;12;14;45;2"
        ),
    ]
    data = csv_bytes(rows)
    assert RCOI.recognises("p.csv", rows) is True
    with open_table(data, filename="appeals.csv") as table, pytest.raises(ReaderError, match="апелляций"):
        list(layouts.blocks(table, format="students"))
    with pytest.raises(ReaderError, match="не результаты экзамена"):
        read(data, "appeals.csv", "ege")


def test_the_products_own_format_a_is_not_rcoi():
    format_a = [
        ["Код ОО", "Класс", "Предмет", "Фамилия", "Имя", "Отчество", "1", "2", "Первичный балл", "Отметка"],
        ["111002", "9А", "Математика", "Орлов", "Глеб", "Ильич", "1", "0", "12", "4"],
    ]
    ege_a = [
        ["Код ОО", "Класс", "Предмет", "Код участника", "Первичный балл", "Тестовый балл"],
        ["111002", "11", "Русский язык", "0001", "30", "62"],
    ]
    for rows in (format_a, ege_a):
        assert RCOI.recognises("Лист1", rows) is False
        [(block, out)] = read_blocks(xlsx_bytes({"Лист1": rows}), "a.xlsx")
        assert block.layout == ""
        assert out[0] == rows[0]


def test_codes_stored_as_excel_numbers_become_text():
    [(block, out)] = read_blocks(xls_bytes({"П": RUSSIAN_EGE}), "p.xls")
    assert out[2][1:4] == ["111", "111002", "11"]
    result = read(xls_bytes({"П": RUSSIAN_EGE}), "p.xls", "ege")
    assert result.rows.school_code == ["111002", "111002"]


def test_a_block_without_its_own_header_takes_the_one_above_and_a_repeated_header_is_dropped():
    rows = [
        *OGE_TWO_BLOCKS[:4],
        OGE_HEADER,  # repeated on a printed page
        split("3;;111002;;111;;9А;;2001;;1;;Котов;Лев;Ильич;;1111;;100003;;++++;;2(2)3(3);;9;;5;"),
        split("02 - Математика 2025.06.06;;;;;;;;;;;;;;;;;;;;;;;;;;;"),
        split("1;;111002;;111;;9А;;2002;;3;;Орлов;Глеб;Ильич;;1111;;100001;;+1+-+;;2(2);;6;;5;"),
    ]
    [(first, rows1), (second, rows2)] = read_blocks(csv_bytes(rows), "oge.csv")

    assert rows1[4] == [] and len(rows1) == 6
    assert first.skipped == []
    assert second.subject == "Математика"
    assert rows2[6] == rows1[1][:-6] + ["1", "2", "3", "4", "5", "6"]  # the header, in the title's row
    result = read(csv_bytes(rows), "oge.csv", "oge")
    assert result.problems == []
    assert result.rows.subject == ["Русский язык", "Русский язык", "Русский язык", "Математика"]
    assert result.rows.source_row == [3, 4, 6, 8]
