"""OpenDocument spreadsheets (.ods): checked in one streaming pass over content.xml, then loaded.

ODS repeats cells and rows by attribute, and calamine expands repeated *valued* cells, so an
800-byte file can ask for 20 million cells. The pass computes the expanded size of every table,
finds formulas (`table:formula`) and refuses a DTD; only a file that passes is handed to
calamine, which loads it whole (hence `Limits.max_loaded_cells`).
"""

from __future__ import annotations

import re

from config.lib.untrusted.archive import GuardedZip
from config.lib.untrusted.limits import FileRefused, Limits, spaced
from config.lib.untrusted.xlsx import column_letters

MIMETYPES = (
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.spreadsheet-template",
)

_TAG = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>")
_ROWS_REPEATED = re.compile(rb"""table:number-rows-repeated\s*=\s*["']\s*(\d+)""")
_COLS_REPEATED = re.compile(rb"""table:number-columns-repeated\s*=\s*["']\s*(\d+)""")
_NAME = re.compile(rb"""table:name\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def is_ods(archive: GuardedZip) -> bool:
    # Only the head of `mimetype`: a member that unpacks to gigabytes costs 100 bytes here.
    return "mimetype" in archive.names() and archive.head("mimetype", 100).strip() in MIMETYPES


def check_ods(archive: GuardedZip, *, filename: str, limits: Limits) -> None:
    """Refuse the workbook if a table expands past the limits, or a cell holds a formula."""
    if "content.xml" not in archive.names():
        raise FileRefused(f"Файл «{filename}» повреждён: в книге OpenDocument нет content.xml")
    total = 0
    table = ""
    rows = cols = cells = valued_tags = 0
    row = col = row_cells = row_max_col = 0
    row_repeat = 1
    open_table = False
    carry = b""
    for chunk in archive.iter_member("content.xml", limit=limits.max_uncompressed):
        data = carry + chunk
        cut = data.rfind(b">") + 1
        if not cut and len(data) > limits.max_element_bytes:
            raise FileRefused(f"Файл «{filename}» повреждён: content.xml не является корректным XML")
        data, carry = data[:cut], data[cut:]
        if _DTD.search(data):
            raise FileRefused(f"Файл «{filename}» содержит объявления DTD: такой файл не обрабатывается")
        for closing, tag, attrs in _TAG.findall(data):
            if tag == b"table":
                if closing and open_table:
                    _check_table(table, rows, cols, cells, valued_tags, filename, limits)
                    total += rows * cols
                    open_table = False
                elif not closing:
                    name = _NAME.search(attrs)
                    table = (name.group(1) or name.group(2)).decode("utf-8", "replace") if name else ""
                    open_table, rows, cols, cells, valued_tags, row = True, 0, 0, 0, 0, 0
                continue
            if not open_table:
                continue
            if tag == b"table-row":
                if closing:
                    if row_cells:
                        rows = row + row_repeat
                        cols = max(cols, row_max_col)
                        cells += row_cells * row_repeat
                    row += row_repeat
                    continue
                match = _ROWS_REPEATED.search(attrs)
                row_repeat = int(match.group(1)[:9]) if match else 1
                col = row_cells = row_max_col = 0
                if attrs.rstrip().endswith(b"/"):
                    row += row_repeat
                continue
            if closing:
                continue
            if b"table:formula" in attrs:
                raise FileRefused(
                    f"Лист «{table}» файла «{filename}»: в ячейке {column_letters(col)}{row + 1} формула. Формулы "
                    "не принимаются: замените их значениями и загрузите файл снова"
                )
            match = _COLS_REPEATED.search(attrs)
            repeat = int(match.group(1)[:9]) if match else 1
            if b"office:value-type" in attrs or not attrs.rstrip().endswith(b"/"):
                valued_tags += 1
                row_cells += repeat
                row_max_col = col + repeat
            col += repeat
        if open_table:
            # Also while a table is open: a table that never closes is checked all the same.
            _check_table(table, rows, cols, cells, valued_tags, filename, limits)
        if total > limits.max_loaded_cells:
            raise _too_big(table, filename, limits)


def _check_table(table: str, rows: int, cols: int, cells: int, valued_tags: int, filename: str, limits: Limits):
    if rows * cols > limits.max_loaded_cells:
        raise _too_big(table, filename, limits)
    # Real files repeat a valued cell a few times (equal neighbours); a bomb repeats it millions.
    if cells > max(1_000_000, 100 * valued_tags):
        raise FileRefused(
            f"Лист «{table}» файла «{filename}» содержит {spaced(cells)} повторённых ячеек: такой файл не обрабатывается"
        )


def _too_big(table: str, filename: str, limits: Limits) -> FileRefused:
    return FileRefused(
        f"Лист «{table}» файла «{filename}» слишком велик для формата OpenDocument: больше "
        f"{spaced(limits.max_loaded_cells)} ячеек. Сохраните книгу как .xlsx или разделите её на несколько"
    )
