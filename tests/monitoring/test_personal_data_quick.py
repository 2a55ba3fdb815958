"""The quick survey of a coded .xlsx: a file whose rows below the first ones hold only codes,
marks and plain text is judged by its distinct texts and kept byte for byte; a name, a birth
date or a document anywhere below sends it to the full survey, which takes it out."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from monitoring import personal_data
from monitoring.personal_data import _HEAD_ROWS, _Classifier, _coded_plans, depersonalise

KEY = b"test-key"
HEADER = ["Логин ОО", "Класс", "Код участника", "1", "2", "Первичный балл", "Отметка", "Примечание"]
BELOW = _HEAD_ROWS + 40  # rows past what the quick survey reads row by row


def coded_rows(count: int) -> list[list]:
    return [
        ["sch640001", f"5{'АБВ'[n % 3]}", f"{n:06d}", n % 2, 1, 1 + n % 2, 3 + n % 3, "" if n % 7 else "Х"]
        for n in range(count)
    ]


def workbook_bytes(rows: list[list], *, inline: bool, date_at: tuple[int, int] | None = None) -> bytes:
    """An .xlsx of a header and ``rows``: with a shared-strings table (openpyxl's normal mode, as
    Excel writes) or with inline strings (its write-only mode); ``date_at`` (row, column) a cell
    formatted as a date."""
    workbook = Workbook(write_only=inline)
    sheet = workbook.create_sheet("Результаты") if inline else workbook.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    if date_at is not None and not inline:
        cell = sheet.cell(row=date_at[0], column=date_at[1])
        cell.number_format = "DD.MM.YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plans_of(data: bytes):
    return _coded_plans(data, "vpr.xlsx", 50 << 20, students=True, classify=_Classifier())


def kept(data: bytes):
    return depersonalise(data, filename="vpr.xlsx", key=KEY, students=True, max_bytes=50 << 20)


def texts_of(content: bytes) -> set[str]:
    workbook = load_workbook(io.BytesIO(content))
    return {str(value) for sheet in workbook for row in sheet.values for value in row if value is not None}


@pytest.mark.parametrize("inline", [False, True], ids=["shared strings", "inline strings"])
def test_a_coded_file_is_judged_quickly_and_kept_as_uploaded(inline):
    data = workbook_bytes(coded_rows(BELOW), inline=inline)
    assert plans_of(data) is not None
    copy = kept(data)
    assert copy.content == data and not copy.rewritten


@pytest.mark.parametrize("inline", [False, True], ids=["shared strings", "inline strings"])
@pytest.mark.parametrize(
    "value",
    ["Пупкинсон Аристарх Евлампиевич", "Пупкинсон А.Е.", "07.08.2013", "II-АБ 123456", "родился 07.08.2013 в Туле"],
)
def test_a_name_a_date_or_a_document_below_the_first_rows_is_taken_out(inline, value):
    rows = coded_rows(BELOW)
    rows[BELOW - 5][-1] = value  # under «Примечание», far below the rows read one by one
    data = workbook_bytes(rows, inline=inline)
    assert plans_of(data) is None
    copy = kept(data)
    assert copy.rewritten
    assert not any(value in text for text in texts_of(copy.content))


def test_a_date_formatted_cell_below_the_first_rows_sends_the_file_to_the_full_survey():
    rows = coded_rows(BELOW)
    rows[BELOW - 3][-1] = dt.datetime(2013, 8, 7)
    data = workbook_bytes(rows, inline=False)
    assert plans_of(data) is None
    copy = kept(data)
    assert copy.rewritten
    assert dt.datetime(2013, 8, 7) not in {
        value for sheet in load_workbook(io.BytesIO(copy.content)) for row in sheet.values for value in row
    }


def test_a_personal_header_sends_the_file_to_the_full_survey_even_when_its_first_rows_are_empty():
    rows = coded_rows(BELOW)
    for row in rows[: _HEAD_ROWS + 5]:
        row[-1] = ""
    rows[BELOW - 1][-1] = "Кондратенко"
    data = workbook_bytes(rows, inline=False)
    header = list(HEADER)
    header[-1] = "Фамилия"
    workbook = load_workbook(io.BytesIO(data))
    for j, text in enumerate(header, start=1):
        workbook.active.cell(row=1, column=j, value=text)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert plans_of(buffer.getvalue()) is None
    assert "Кондратенко" not in texts_of(kept(buffer.getvalue()).content)


def test_unusual_markup_below_the_first_rows_is_read_in_full(monkeypatch):
    """A sheet written otherwise (a namespace prefix on its cells) is not judged by the scan."""
    data = workbook_bytes(coded_rows(BELOW), inline=False)
    source = io.BytesIO(data)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in archive.infolist():
            content = archive.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"<worksheet ",
                    b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ',
                    1,
                )
                content = content.replace(f'<c r="A{BELOW}"'.encode(), f'<x:c r="A{BELOW}"'.encode())
                content = content.replace(f'</c><c r="B{BELOW}"'.encode(), f'</x:c><c r="B{BELOW}"'.encode())
            copy.writestr(item, content)
    surveyed = []
    monkeypatch.setattr(personal_data, "_survey", _counting(personal_data._survey, surveyed))
    assert plans_of(out.getvalue()) is None
    assert surveyed  # the head was surveyed, then the scan declined


def _counting(function, calls):
    def wrapped(*args, **kwargs):
        calls.append(args[0])
        return function(*args, **kwargs)

    return wrapped


@pytest.mark.parametrize("filename", ["vpr.xlsx", "vpr.csv"])
def test_a_row_of_scores_is_not_taken_for_a_repeated_header(filename):
    """Scores 1, 2, 5 are also task labels: a row of them beside a surname in its own column is a
    participant's row, whose surname goes (it once was kept as «a header repeated»)."""
    header = ["Логин ОО", "Класс", "Фамилия", "Имя", "Отчество", "1", "2", "3", "Первичный балл", "Отметка"]
    rows = [header, ["sch640001", "5А", "Кондратенко", "Ферапонт", "Силантьевич", 1, 2, 1, 4, 5]]
    if filename.endswith(".csv"):
        data = "\n".join(";".join(str(value) for value in row) for row in rows).encode("cp1251")
    else:
        workbook = Workbook()
        for row in rows:
            workbook.active.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    copy = depersonalise(data, filename=filename, key=KEY, students=True, max_bytes=50 << 20)
    assert copy.rewritten
    content = copy.content.decode("utf-8-sig") if filename.endswith(".csv") else "".join(texts_of(copy.content))
    for part in ("Кондратенко", "Ферапонт", "Силантьевич"):
        assert part not in content


def test_values_holding_a_label_word_are_data_and_a_real_repeated_header_is_still_one():
    """«Фамилия1» under «Фамилия» is a value (a test fixture's name, a misprint), so its row gets
    a code; the header printed again on the next page is still a header, and names the codes."""
    header = ["Код ОО", "Класс", "Фамилия", "Имя", "Отчество", "Первичный балл", "Отметка"]
    rows = [
        header,
        ["sch640001", "9А", "Фамилия1", "Имя1", "Отчество1", 10, 4],
        header,
        ["sch640001", "9А", "Фамилия2", "Имя2", "Отчество2", 12, 5],
    ]
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    copy = kept(buffer.getvalue())
    written = [list(row) for row in load_workbook(io.BytesIO(copy.content)).active.values]
    code = written[0].index("Код участника")
    assert written[2][code] == "Код участника"
    assert written[1][code] and written[3][code] and written[1][code] != written[3][code]
    assert not {"Фамилия1", "Имя1", "Фамилия2"} & {value for row in written for value in row}
