"""Cells of every workbook and CSV file the product writes never become formulas.

Text from people (a measure, a school's name from the registry, a cell of an uploaded file) may
begin with a character a spreadsheet takes as the start of a formula; written as it is, the
spreadsheet runs it when the file is opened (CSV/formula injection: ``=HYPERLINK("http://…?d="&A2)``
sends the neighbouring cells away, ``=cmd|…`` starts a program). The characters are those of
OWASP's CSV Injection page and ASVS 1.2.10: ``= + - @``, tab, carriage return and NUL.

* Workbooks (openpyxl, :func:`put_text`, :func:`safe_row`, :func:`workbook_bytes`): such text is
  written as a string cell with the quote prefix, the way Excel stores a cell typed as ``'=1+1``.
  Nothing is added to the text: it reads back exactly as it was.
* CSV (:func:`csv_writer`): a CSV has no cell types, so such text gets a leading apostrophe
  (U+0027, the single quote OWASP prescribes and the text prefix Excel and LibreOffice know); the
  csv module quotes fields as RFC 4180 says, so no field can break out into the next. Numbers are
  written as numbers (-5 stays -5): only text is prefixed. The apostrophe stays visible in a text
  editor; the product's own readers drop it again (:func:`unescape_text`), so a file it wrote
  can be uploaded back unchanged.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
CSV_PREFIX = "'"


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def put_text(cell, value) -> None:
    """Write a value into a cell; formula-like text stays text (string type and the quote prefix)."""
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def safe_row(sheet, values) -> list:
    """A row for `sheet.append`, write-only workbooks too, with formula-like text kept as text."""
    row = []
    for value in values:
        if is_formula_like(value):
            cell = WriteOnlyCell(sheet)
            put_text(cell, value)
            value = cell
        row.append(value)
    return row


def workbook_bytes(columns: Iterable, rows: Iterable[Iterable], *, title: str = "Лист1") -> bytes:
    """A one-sheet workbook: a bold header row, then the rows, no cell a formula."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "Лист1")
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet)
        put_text(cell, name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(safe_row(sheet, row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_cell(value):
    """A value for a CSV field: formula-like text behind an apostrophe, anything else as it is."""
    return CSV_PREFIX + value if is_formula_like(value) else value


class _SafeWriter:
    """csv.writer whose rows go through :func:`csv_cell`."""

    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row: Iterable):
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **options) -> _SafeWriter:
    """``csv.writer(stream, **options)`` that never writes a formula-like field."""
    return _SafeWriter(csv.writer(stream, **options))


def csv_text(columns: Iterable, rows: Iterable[Iterable], **options) -> str:
    """A whole CSV file as text (header row first) through :func:`csv_writer`."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, **options)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def unescape_text(text: str) -> str:
    """A cell read back: the apostrophe :func:`csv_cell` put before a formula character is dropped."""
    if text[:1] == CSV_PREFIX and text[1:2] in FORMULA_START:
        return text[1:]
    return text


_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def deterministic_workbook(data: bytes) -> bytes:
    """Same workbook, same bytes: fixed zip timestamps and document dates, so that a file the
    product makes twice (a demo upload, a results template) is byte for byte the same."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(rb"\g<1>2026-01-01T00:00:00Z\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return out.getvalue()
