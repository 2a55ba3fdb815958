"""Workbook cells that never become formulas.

Text from people (a measure, a school's name from the registry, a cell of an uploaded file) may
begin with `=`, `+`, `-` or `@`; written as it is, a spreadsheet runs it as a formula
(CSV/formula injection). Such text is written as a string with the quote prefix."""

from openpyxl.cell import WriteOnlyCell

FORMULA_START = ("=", "+", "-", "@")


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
