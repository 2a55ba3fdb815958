"""The copy of a results file that is kept: personal columns found by header and by content,
blanked; the codes the names give written in their place, so the copy reads as the upload would
have; impossible birth dates refused; what is kept as uploaded and what is rewritten."""

import dataclasses
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment

from config.lib.xlsx import safe_row
from monitoring.models import ResultImport, StudentResult
from monitoring.personal_data import CODE_HEADER, REMOVED, depersonalise
from monitoring.readers import EMPTY_RUN_LIMIT, ReaderError, personal_field, pseudonym, read_student_results
from tests.monitoring.test_import_fuzz import FUZZ, broken_bytes, mutated_rows, serialised

KEY = b"test-key"
CHILD = ("Пупкинсон", "Аристарх", "Евлампиевич", "07.08.2013")
OTHER = ("Кондратенко", "Ферапонт", "Силантьевич", "05.06.2014")


def full(person) -> str:
    return " ".join(person[:3])


def code_of(person) -> str:
    return pseudonym(KEY, last_name=person[0], first_name=person[1], middle_name=person[2], birth_date=person[3])


def read(data: bytes, filename: str):
    result = read_student_results(
        io.BytesIO(data), filename=filename, kind="vpr", subject="Математика", pseudonym_key=KEY
    )
    return dataclasses.asdict(result.rows), [(p.sheet, p.row, p.value, p.reason) for p in result.problems]


def kept_of(data: bytes, filename: str, students: bool = True):
    return depersonalise(data, filename=filename, key=KEY, students=students, max_bytes=50 << 20)


def cells(kept=None, *, content: bytes = b"", name: str = "x.xlsx") -> list[str]:
    content, name = (kept.content, kept.name) if kept is not None else (content, name)
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:  # kept as uploaded
            text = content.decode("cp1251")
        return text.replace("\r\n", ";").split(";")
    workbook = load_workbook(io.BytesIO(content))
    return [str(value) for sheet in workbook for row in sheet.values for value in row if value is not None]


def all_parts(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


def write(rows, filename, xlsx, csv_file):
    return csv_file(rows, encoding="utf-8") if filename.endswith(".csv") else xlsx(rows, title_rows=1)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("ФИО", "full_name"),
        ("Ф.И.О.", "full_name"),
        ("ф. и. о.", "full_name"),
        ("ФИО обучающегося", "full_name"),
        ("ФИО участника", "full_name"),
        ("Фамилия, имя", "full_name"),
        ("Фамилия  Имя  Отчество", "full_name"),
        ("Обучающийся", "full_name"),
        ("Ученик", "full_name"),
        ("Фамилия", "last_name"),
        ("Имя", "first_name"),
        ("Отчество", "middle_name"),
        ("Дата рождения", "birth_date"),
        ("ДАТА РОЖДЕНИЯ (ДД.ММ.ГГГГ)", "birth_date"),
        ("Д.р.", "birth_date"),
        ("Серия", "identifier"),
        ("Номер документа", "identifier"),
        ("Серия и номер свидетельства о рождении", "identifier"),
        ("СНИЛС", "identifier"),
        ("ФИО учителя", "other_person"),
        ("Фамилия родителя", "other_person"),
        ("Код участника", None),
        ("Отметка", None),
        ("Сведения", None),
    ],
)
def test_personal_headers_are_recognised_whatever_the_spelling(header, field):
    assert personal_field(header) == field


@pytest.mark.parametrize("filename", ["vpr.xlsx", "vpr.csv"])
@pytest.mark.parametrize(
    "name_header",
    [["ФИО обучающегося"], ["Фамилия, имя"], ["Фамилия", "Имя", "Отчество"], ["Сведения об участнике"]],
)
def test_the_copy_reads_as_the_upload_did_and_holds_no_name(xlsx, csv_file, filename, name_header):
    """The same codes, rows and problems from the copy as from the upload, with the names gone.
    (An unknown header is found by its values; the upload itself gives no codes then.)"""
    split = len(name_header) == 3
    names = [list(person[:3]) if split else [full(person)] for person in (CHILD, OTHER)]
    rows = [
        ["Код ОО", "Класс", *name_header, "Дата рождения", "Отметка"],
        ["sch1", "5А", *names[0], CHILD[3], 4],
        ["sch1", "5А", *names[1], OTHER[3], 6],  # rejected: the mark
        ["sch1", "5А", *names[1], "31.02.2026", 3],  # rejected: no such day
    ]
    data = write(rows, filename, xlsx, csv_file)
    kept = kept_of(data, filename)
    assert kept.rewritten and kept.name == filename
    text = "\n".join(cells(kept))
    for part in [*CHILD, *OTHER]:
        assert part not in text
    assert CODE_HEADER in text and "31.02.2026" in text  # refused, so it stays for the preview to name

    copy_rows, copy_problems = read(kept.content, filename)
    assert copy_rows["participant_code"] == [code_of(CHILD)]
    if name_header != ["Сведения об участнике"]:
        assert (copy_rows, copy_problems) == read(data, filename)
    assert [reason for *_, reason in copy_problems] == [
        "Отметка «6» не допускается: ожидается 2, 3, 4 или 5",
        "Дата рождения «31.02.2026» невозможна: такого дня нет в календаре",
    ]


def test_a_file_with_its_own_codes_keeps_them_and_codes_only_the_rows_without(xlsx):
    rows = [
        ["Код ОО", "Класс", "Код участника", "Ф.И.О.", "Д.р.", "Отметка"],
        ["sch1", "5А", "000777", full(OTHER), OTHER[3], 5],
        ["sch1", "5А", "", full(CHILD), CHILD[3], 4],
        ["sch1", "5А", full(OTHER), "", OTHER[3], 3],  # a name typed where the code goes
    ]
    kept = kept_of(xlsx(rows), "vpr.xlsx")
    copy_rows, _ = read(kept.content, "vpr.xlsx")
    assert copy_rows["participant_code"] == ["000777", code_of(CHILD), code_of(OTHER)]
    assert not {*CHILD, *OTHER, full(OTHER)} & set(cells(kept))


def test_names_birth_dates_and_documents_are_found_by_their_values(xlsx):
    rows = [
        ["Код ОО", "Класс", "Код участника", "Кто", "Когда", "Бумага", "Страховой", "Примечание", "Отметка"],
        ["sch1", "5А", "1", full(CHILD), dt.date(2013, 8, 7), "II-ЖЭ 918273", "987-654-321 98", "", 4],
        ["sch1", "5А", "2", "Кондратенко Ф.С.", dt.date(2014, 6, 5), "IV-РУ 112233", "123-456-789 01", "болел", 5],
        ["sch1", "5А", "3", "Дюжев Пётр", dt.date(2014, 1, 2), "I-АБ 445566", "111-222-333 44", "Пупкинсон А.Е.", 3],
    ]
    kept = kept_of(xlsx(rows), "vpr.xlsx")
    text = "\n".join(cells(kept))
    for value in ["Пупкинсон", "Кондратенко", "Дюжев", "2013-08-07", "II-ЖЭ", "987-654-321", "445566"]:
        assert value not in text
    assert "болел" in text and "Примечание" in text  # a note is not a name
    assert read(kept.content, "vpr.xlsx")[0]["participant_code"] == ["1", "2", "3"]


def test_a_column_of_exam_dates_or_subjects_is_not_taken_for_personal_data(xlsx):
    rows = [
        ["Код ОО", "Класс", "Код участника", "Дата проведения", "Учебник", "Отметка"],
        ["sch1", "5А", "1", dt.date(2026, 4, 15), "Математика 5 класс", 4],
        ["sch1", "5А", "2", dt.date(2026, 4, 15), "Математика 5 класс", 5],
    ]
    data = xlsx(rows)
    kept = kept_of(data, "vpr.xlsx")
    assert not kept.rewritten and kept.content == data


def test_a_two_row_header_with_names_under_fio(xlsx):
    rows = [
        ["Код ОО", "Класс", "ФИО", None, None, "Отметка"],
        [None, None, "Фамилия", "Имя", "Отчество", None],
        ["sch1", "5А", *CHILD[:3], 4],
    ]
    kept = kept_of(xlsx(rows), "vpr.xlsx")
    assert not set(CHILD[:3]) & set(cells(kept))
    no_birth = pseudonym(KEY, last_name=CHILD[0], first_name=CHILD[1], middle_name=CHILD[2], birth_date="")
    assert read(kept.content, "vpr.xlsx")[0]["participant_code"] == [no_birth]


def test_every_sheet_is_cleaned_and_keeps_its_name(xlsx):
    workbook = Workbook()
    for title, person in [("5А", CHILD), ("5Б", OTHER)]:
        sheet = workbook.create_sheet(title)
        sheet.append(["Код ОО", "Класс", "ФИО", "Дата рождения", "Отметка"])
        sheet.append(["sch1", title, full(person), person[3], 7])
    del workbook["Sheet"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    kept = kept_of(buffer.getvalue(), "vpr.xlsx")
    assert not {full(CHILD), full(OTHER), CHILD[3], OTHER[3]} & set(cells(kept))
    assert load_workbook(io.BytesIO(kept.content)).sheetnames == ["5А", "5Б"]
    assert [(sheet, row) for sheet, row, *_ in read(kept.content, "vpr.xlsx")[1]] == [("5А", 2), ("5Б", 2)]


def test_a_workbook_with_parts_the_readers_do_not_read_is_rewritten(xlsx):
    """A comment is not a cell: it is not checked, so it is not kept."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Код ОО", "Класс", "Код участника", "Отметка"])
    sheet.append(["sch1", "5А", "1", 4])
    sheet["C2"].comment = Comment(full(CHILD), "учитель")
    buffer = io.BytesIO()
    workbook.save(buffer)
    kept = kept_of(buffer.getvalue(), "vpr.xlsx")
    assert kept.rewritten and kept.personal_columns == []
    assert CHILD[0].encode() in all_parts(buffer.getvalue())
    assert CHILD[0].encode() not in all_parts(kept.content)
    assert read(kept.content, "vpr.xlsx") == read(buffer.getvalue(), "vpr.xlsx")


def test_formula_like_text_and_control_characters_survive_the_rewrite(xlsx):
    rows = [
        ["Код ОО", "Класс", "ФИО", "Отметка"],
        ["=sch1", "5А", full(CHILD), 4],
        ["sch1_x0001_", "5А", full(OTHER), 5],  # an escaped control character, read back as \x01
    ]
    # «=sch1» typed as text ('=sch1 in Excel): a formula itself would be refused by the opener.
    data = xlsx([safe_row(None, row) for row in rows])
    kept = kept_of(data, "vpr.xlsx")
    assert kept.rewritten
    assert read(kept.content, "vpr.xlsx") == read(data, "vpr.xlsx")


def test_a_csv_tail_after_empty_lines_is_not_kept_but_still_reported(csv_file):
    head = csv_file([["Код ОО", "Класс", "Код участника", "Отметка"], ["sch1", "5А", "1", "4"]], encoding="utf-8")
    data = head + b"\r\n" * EMPTY_RUN_LIMIT + f"sch1;5А;{full(CHILD)};4\r\n".encode()
    kept = kept_of(data, "vpr.csv")
    assert kept.rewritten and CHILD[0].encode() not in kept.content
    assert [note.reason for note in kept.notes] == [read(data, "vpr.csv")[1][0][3]]


def test_birth_dates_that_cannot_be_are_rejected_naming_the_value(xlsx, run_import, school_a, settings):
    today = dt.date.today()
    rows = [
        ["Код ОО", "Класс", "ФИО", "Дата рождения", "Отметка"],
        [school_a.code, "5А", full(CHILD), CHILD[3], 4],
        [school_a.code, "5А", "Иванов Иван Иванович", "31.02.2026", 4],
        [school_a.code, "5А", "Петров Пётр Петрович", "01.01.1890", 4],
        [school_a.code, "5А", "Сидоров Сидор Сидорович", today.replace(year=today.year - 1).strftime("%d.%m.%Y"), 4],
        [school_a.code, "5А", "Козлов Козьма Козьмич", "весной", 4],
    ]
    result_import, outcome = run_import(xlsx(rows), kind="vpr", subject="Математика", accept_partial=True)
    assert (outcome.imported, outcome.rejected) == (1, 4)
    reasons = [problem["reason"] for problem in outcome.problems]
    assert reasons[0] == "Дата рождения «31.02.2026» невозможна: такого дня нет в календаре"
    assert reasons[1].startswith("Дата рождения «01.01.1890» вне допустимого диапазона: участнику должно быть от 5")
    assert "вне допустимого диапазона" in reasons[2]
    assert reasons[3] == "Дата рождения «весной» не распознана: ожидается дата вида ДД.ММ.ГГГГ"
    assert all(problem["column"] == "Дата рождения" for problem in outcome.problems)
    key = settings.PSEUDONYM_KEY.encode()
    assert list(StudentResult.objects.values_list("participant_code", flat=True)) == [
        pseudonym(key, last_name=CHILD[0], first_name=CHILD[1], middle_name=CHILD[2], birth_date=CHILD[3])
    ]


def test_an_unreadable_upload_is_not_kept_and_the_preview_says_why(run_import, client_for, methodist):
    result_import, outcome = run_import(b"PK\x03\x04" + b"\x00" * 200, "vpr.xlsx", kind="vpr", apply=False)
    assert not result_import.file
    assert result_import.status == ResultImport.Status.REJECTED
    assert "повреждён" in outcome.problems[0]["reason"]
    response = client_for(methodist).get(reverse("results:import_file", args=[result_import.pk]))
    assert response.status_code == 404


def test_the_page_names_the_cleaned_columns_and_serves_the_copy(xlsx, run_import, client_for, methodist, school_a):
    rows = [["Код ОО", "Класс", "ФИО обучающегося", "Отметка"], [school_a.code, "5А", full(CHILD), 4]]
    result_import, _ = run_import(xlsx(rows), "ВПР.xls", kind="vpr", subject="Математика", apply=False)
    client = client_for(methodist)
    page = client.get(reverse("results:import_detail", args=[result_import.pk])).content.decode()
    assert "«ФИО обучающегося» (теперь «Код участника»)" in page and "файл без персональных данных" in page
    response = client.get(reverse("results:import_file", args=[result_import.pk]))
    assert response["Content-Disposition"].endswith(".xlsx")  # ВПР.xls rewritten is an .xlsx
    content = b"".join(response.streaming_content)
    assert school_a.code in cells(content=content) and full(CHILD) not in cells(content=content)


def test_a_name_where_the_importer_reads_something_else_is_refused_without_the_name(xlsx, run_import, school_a):
    """Columns shifted by one: names under «Отметка», a birth date under «Класс». The rows are
    refused as before, but the problems (stored in the database) and the copy name no one."""
    rows = [
        ["Результаты ВПР 2024, классный руководитель Иванова М.П."],  # a name inside a title
        [full(OTHER)],  # a title row that is a name
        ["Результаты ВПР 2024"],
        ["Код ОО", "Класс", "Предмет", "Код участника", "Отметка"],
        [school_a.code, "5А", "Математика", "1", 4],
        [school_a.code, CHILD[3], "Математика", "2", full(CHILD)],
        [school_a.code, "5А", "Пупкинсон Аристарх Евлампиевич", "3", 5],
    ]
    result_import, outcome = run_import(xlsx(rows), kind="vpr", apply=False)
    assert (outcome.read, outcome.rejected) == (3, 2)
    stored = json.dumps(result_import.problems, ensure_ascii=False)
    assert "[удалено]" in stored and CHILD[0] not in stored and CHILD[3] not in stored
    text = "\n".join(cells(content=Path(result_import.file.path).read_bytes()))
    assert CHILD[0] not in text and OTHER[0] not in text and CHILD[3] not in text and "Иванова" not in text
    assert "Результаты ВПР 2024" in text  # a title naming no one stays


# --------------------------------------------------------------------------- any file


def named_rows() -> list[list]:
    return [
        ["Результаты ВПР 2024"],
        ["Код ОО", "Класс", "Предмет", "Код участника", "ФИО", "Дата рождения", "1", "Отметка"],
        ["sch1", "5А", "Математика", "", full(CHILD), CHILD[3], 1, 4],
        ["sch1", "5А", "Математика", "x2", full(OTHER), OTHER[3], 2, 5],
        ["sch1", "5Б", "Математика", "", "Дюжев Пётр Ильич", "12.12.2013", 0, 3],
        ["sch2", "5Б", "Математика", "", "Мамедов Али Гасан оглы", "31.02.2026", 1, 2],
    ]


NAME_WORDS = ["Пупкинсон", "Аристарх", "Кондратенко", "Ферапонт", "Дюжев", "Ильич", "Мамедов", "Гасан"]
BIRTH_DATES = [CHILD[3], OTHER[3], "12.12.2013"]


def outcome(data: bytes, filename: str):
    try:
        rows, problems = read(data, filename)
    except ReaderError as error:
        return "refused", str(error)
    return rows, problems


def test_whatever_the_file_the_copy_reads_as_the_upload_did_and_holds_no_name(xlsx, csv_file):
    """Mutated cells, rows, columns and headers, junk bytes, CSV and .xlsx: the copy is refused
    when the upload is, and otherwise gives the same rows and refuses the same rows for the same
    reasons (a value in a column read as something else shows as «[удалено]»); it never holds
    a name or a birth date of the file, whatever became of its headers."""

    @FUZZ
    @given(data=st.data())
    def run(data):
        rows = data.draw(mutated_rows(named_rows(), header=1))
        upload, filename = data.draw(serialised(rows, xlsx, csv_file))
        junk = data.draw(st.integers(0, 4)) == 0
        if junk:
            upload = data.draw(broken_bytes(upload))
        kept = kept_of(upload, filename)
        original = outcome(upload, filename)
        if kept.content is None:
            assert original == ("refused", str(kept.error))
            return
        copy = outcome(kept.content, filename)
        names_read = not junk and original[0] != "refused" and "ФИО" in [str(cell) for cell in rows[1]]
        if original[0] == "refused" or names_read:
            assert (copy[0] == "refused") == (original[0] == "refused"), (original, copy)
        if names_read and "Дата рождения" in [str(cell) for cell in rows[1]]:
            assert copy[0] == original[0]
            assert len(copy[1]) == len(original[1]), (original[1], copy[1])
            for (sheet, row, value, reason), (sheet_0, row_0, value_0, reason_0) in zip(
                copy[1], original[1], strict=True
            ):
                assert (sheet, row) == (sheet_0, row_0)
                assert (value, reason) == (value_0, reason_0) or REMOVED in value + reason
        if not junk:
            text = "\n".join(cells(kept))
            assert not [word for word in NAME_WORDS + BIRTH_DATES if word in text]

    run()


def test_export_words_in_a_read_column_are_not_taken_for_names():
    """«НЕТ ОТМЕТКИ» (ФИС ОКО's journal mark) and «Всего участников» look like two capitalised
    words, but they are what the exports write, not people."""
    from monitoring.personal_data import NAME, PLAIN_NAME, _classify_text

    for text in ("НЕТ ОТМЕТКИ", "Нет отметки", "Всего участников", "Русский язык", "Не явился"):
        assert not _classify_text(text) & (NAME | PLAIN_NAME), text
    assert _classify_text("ИВАНОВ ИВАН ИВАНОВИЧ") & PLAIN_NAME
