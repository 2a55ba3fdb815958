"""The guarded opener (config.lib.untrusted): the streamed .xlsx gives what calamine gives, the
checks of .xls and .ods, CSV encodings, and each limit's refusal."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import python_calamine
from openpyxl import Workbook

from config.lib.untrusted import DEFAULT, FileRefused, open_table
from config.lib.untrusted.text import detect_encoding


def rows_of(data: bytes, filename: str = "книга.xlsx", limits=DEFAULT) -> dict[str, list[list]]:
    with open_table(data, filename=filename, limits=limits) as table:
        return {name: [list(row) for row in rows] for name, rows in table.sheets}


def trimmed(rows: list[list]) -> list[list]:
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] == "":
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


def calamine_rows(data: bytes) -> dict[str, list[list]]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    # Without skipping the empty area calamine's rows start at A1, as ours do.
    return {name: trimmed(book.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in book.sheet_names}


def saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_streamed_xlsx_gives_what_calamine_gives():
    book = Workbook()
    sheet = book.active
    sheet.title = "Результаты"
    sheet.append(["Результаты ВПР 2026"])
    sheet.append([])
    sheet.append(["Код ОО", "Класс", "Дата", "Балл", "Сдал", "Доля", "Комментарий"])
    sheet.append(["sch640101", "5А", dt.date(2026, 4, 15), 17, True, 0.75, "Иванов & Ко <тест>"])
    sheet.append(["000123", "5Б", dt.datetime(2026, 4, 15, 10, 30), 3.5, False, None, "  пробелы  "])
    sheet["J40"] = "далеко справа и ниже"
    sheet["B41"] = -0.0
    second = book.create_sheet("Второй лист")
    second["C3"] = "только одна ячейка"
    data = saved(book)
    ours = {name: trimmed(rows) for name, rows in rows_of(data).items()}
    assert ours == calamine_rows(data)
    assert ours["Результаты"][3][2] == dt.date(2026, 4, 15)
    assert ours["Результаты"][4][2] == dt.datetime(2026, 4, 15, 10, 30)


def test_rows_keep_excel_numbering_and_write_only_books_stream():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Лист1")
    for number in range(1, 2001):
        sheet.append([f"sch{number}", number, "Математика"] if number % 7 else [])
    data = saved(book)
    (rows,) = rows_of(data).values()
    assert len(rows) == 2000 - (2000 // 7 == 285 and 0)
    assert rows[0] == ["sch1", 1.0, "Математика"] and rows[6] == [] and rows[1999][0] == "sch2000"
    assert trimmed(rows) == calamine_rows(data)["Лист1"]


def xlsx_parts(sheet_xml: str, *, shared: str | None = None, workbook_pr: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'{workbook_pr}<sheets><sheet name="Лист &amp; 1" sheetId="1" r:id="rId7"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Target="/xl/worksheets/data.xml" Id="rId7" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            '<Relationship Id="rId8" Target="sharedStrings.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
            "</Relationships>",
        )
        archive.writestr("xl/worksheets/data.xml", sheet_xml)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
    return buffer.getvalue()


def test_unusual_but_valid_xml_is_read_like_calamine():
    """Namespace prefixes, attributes in another order, cells and rows without references,
    rich and phonetic text, entities and Excel's _xHHHH_ escapes."""
    sheet = (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        '<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c></x:row>'
        '<x:row r="3"><x:c t="inlineStr" r="A3"><x:is><x:t xml:space="preserve"> a &lt;b&gt; </x:t></x:is></x:c>'
        '<x:c r="C3" t="n"><x:v>42</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    shared = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<si><r><t>Код</t></r><r><rPr><b/></rPr><t xml:space="preserve"> ОО</t></r>'
        "<rPh><t>コード</t></rPh></si><si><t>строка_x000D_перенос</t></si></sst>"
    )
    data = xlsx_parts(sheet, shared=shared)
    ours = rows_of(data)
    assert list(ours) == ["Лист & 1"]
    rows = ours["Лист & 1"]
    assert rows[0] == ["Код ОО", "строка\rперенос"]
    assert rows[1] == []
    assert rows[2] == [" a <b> ", "", 42.0, True, "#N/A"]
    # calamine empties an error cell; its text is kept here, so that a reader names «#N/A».
    theirs = calamine_rows(data)["Лист & 1"]
    assert rows[:2] == theirs[:2] and rows[2][:4] == theirs[2]


def test_indented_xml_keeps_its_values():
    """Tools that indent their XML put whitespace between a cell and its value; the value is
    still read (it used to come out empty)."""
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\n'
        '<row r="1">\n  <c r="A1" t="s">\n    <v>0</v>\n  </c>\n  <c r="B1">\n    <v>5</v>\n  </c>\n'
        '  <c r="C1" t="inlineStr">\n    <is><t>x</t></is>\n  </c>\n  <c r="D1">\n  </c>\n</row>\n'
        "</sheetData></worksheet>"
    )
    shared = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Код</t></si></sst>'
    rows = rows_of(xlsx_parts(sheet, shared=shared))["Лист & 1"]
    assert rows == [["Код", 5.0, "x", ""]]


def test_dates_in_the_1904_system():
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" s="1"><v>0</v></c></row></sheetData></worksheet>'
    )
    data = xlsx_parts(sheet, workbook_pr='<workbookPr date1904="1"/>')
    styles = (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1">'
        '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellXfs count="2"><xf numFmtId="0"/>'
        '<xf numFmtId="164"/></cellXfs></styleSheet>'
    )
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/styles.xml", styles)
    assert rows_of(buffer.getvalue())["Лист & 1"] == [[dt.date(1904, 1, 1)]]


def test_formula_cells_are_refused_with_their_addresses():
    book = Workbook()
    book.active.append(["Код ОО", "Отметка"])
    book.active.append(["sch1", "=1+3"])
    book.active["B3"] = '=HYPERLINK("http://x.example","4")'
    with pytest.raises(FileRefused, match=r"в ячейках B2, B3 формулы"):
        rows_of(saved(book))


def test_shared_strings_beyond_their_limit_are_refused():
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>2999</v></c></row></sheetData></worksheet>'
    )
    shared = "<sst>" + "".join(f"<si><t>строка номер {n}</t></si>" for n in range(3000)) + "</sst>"
    assert rows_of(xlsx_parts(sheet, shared=shared))["Лист & 1"] == [["строка номер 2999"]]
    with pytest.raises(FileRefused, match="общие строки"):
        rows_of(xlsx_parts(sheet, shared=shared), limits=DEFAULT.but(max_shared_strings=64 << 10))


def test_a_row_longer_than_the_element_limit_is_refused():
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>' + "я" * 3_000_000 + "</t></is></c></row></sheetData></worksheet>"
    )
    with pytest.raises(FileRefused, match="одна строка листа"):
        rows_of(xlsx_parts(sheet), limits=DEFAULT.but(max_element_bytes=256 << 10))


def test_cells_beyond_the_sheet_limit_are_refused():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Лист1")
    for _ in range(300):
        sheet.append(list(range(20)))
    with pytest.raises(FileRefused, match="слишком велик"):
        rows_of(saved(book), limits=DEFAULT.but(max_cells=5000))


def xls_book(formula: bool = False) -> bytes:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("Реестр")
    sheet.write(0, 0, "Код ОО")
    sheet.write(0, 1, "Численность")
    sheet.write(1, 0, "sch1")
    sheet.write(1, 1, xlwt.Formula("2*3") if formula else 6)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xls_is_read_and_its_formulas_refused():
    assert rows_of(xls_book(), "реестр.xls") == {"Реестр": [["Код ОО", "Численность"], ["sch1", 6.0]]}
    with pytest.raises(FileRefused, match="Лист «Реестр».*B2 формула"):
        rows_of(xls_book(formula=True), "реестр.xls")


def test_xls_sheet_too_large_to_load_is_refused():
    with pytest.raises(FileRefused, match="слишком велик для формата .xls"):
        rows_of(xls_book(), "реестр.xls", limits=DEFAULT.but(max_loaded_cells=3))


def ods(content_body: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
        archive.writestr(
            "content.xml",
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
            'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"><office:body><office:spreadsheet>'
            f'<table:table table:name="Лист1">{content_body}</table:table>'
            "</office:spreadsheet></office:body></office:document-content>",
        )
    return buffer.getvalue()


def test_ods_is_read_and_its_formulas_refused():
    row = (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Код ОО</text:p></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="5"{formula}><text:p>5</text:p></table:table-cell>'
        "</table:table-row>"
    )
    assert rows_of(ods(row.format(formula="")), "книга.ods") == {"Лист1": [["Код ОО", 5.0]]}
    with pytest.raises(FileRefused, match="ячейке B1 формула"):
        rows_of(ods(row.format(formula=' table:formula="of:=2+3"')), "книга.ods")


TEXT = "Код ОО;Класс;Предмет\nsch1;5А;Математика\nsch2;6Б;Русский язык\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1251", "koi8_r", "mac_cyrillic"])
def test_csv_in_every_russian_encoding(encoding):
    rows = rows_of(TEXT.encode(encoding), "результаты.csv")["результаты.csv"]
    assert rows == [["Код ОО", "Класс", "Предмет"], ["sch1", "5А", "Математика"], ["sch2", "6Б", "Русский язык"]]


def test_encoding_found_from_the_sample():
    assert detect_encoding(TEXT.encode("koi8_r")) == "koi8_r"
    assert detect_encoding(TEXT.encode("mac_cyrillic")) == "mac_cyrillic"
    assert detect_encoding(TEXT.encode("cp1251")) == "cp1251"


def test_csv_that_stops_being_utf8_is_refused_with_the_line():
    data = TEXT.encode("utf-8") * 20_000 + "sch3;7В;Физика\n".encode("cp1251")
    with pytest.raises(FileRefused, match="не в кодировке UTF-8: неверные байты в строке 60001"):
        rows_of(data, "результаты.csv")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "пуст"),
        (b"   \n\n", "пуст"),
        (b"<html><body>table</body></html>", "веб-страницей"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200), "двоичные данные"),
        (b"PK\x03\x04" + bytes(100), "повреждён"),
    ],
)
def test_what_is_not_a_table_is_refused_in_russian(data, words):
    with pytest.raises(FileRefused, match=words):
        rows_of(data, "файл.xlsx")


def test_a_word_document_is_named_as_such():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(FileRefused, match="документ Word"):
        rows_of(buffer.getvalue(), "план.docx")


def test_file_larger_than_the_limit_is_refused_before_reading():
    with pytest.raises(FileRefused, match=r"слишком большой: 0,1 МБ \(допускается не более 0,0 МБ\)"):
        rows_of(b"x" * 100_000, "большой.csv", limits=DEFAULT.but(max_bytes=1000))
