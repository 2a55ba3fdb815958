"""Numbers no column can hold, and workbooks that carry them the way a hostile file does."""

import io
import math
import zipfile

from openpyxl import Workbook

#: (the cell's value, the value as a problem shows it)
HOSTILE = [(10**30, "1e+30"), (1e308, "1e+308"), (float("inf"), "inf"), (float("nan"), "nan")]
HOSTILE_IDS = ["10^30", "1e308", "inf", "nan"]

_PLACEHOLDER = 987654321


def xlsx_with(rows: list[list]) -> bytes:
    """An .xlsx holding the cells as given. openpyxl writes inf and nan as empty cells, so they are
    written as placeholders and then put into the sheet XML as «<v>inf</v>», «<v>nan</v>»."""
    specials: dict[int, str] = {}

    def cell(value):
        if isinstance(value, float) and not math.isfinite(value):
            number = _PLACEHOLDER + len(specials)
            specials[number] = "nan" if math.isnan(value) else repr(value)
            return number
        return value

    book = Workbook()
    for row in rows:
        book.active.append([cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    if not specials:
        return buffer.getvalue()
    source, out = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                for number, text in specials.items():
                    content = content.replace(f"<v>{number}</v>".encode(), f"<v>{text}</v>".encode())
            target.writestr(info, content)
    return out.getvalue()


def csv_with(rows: list[list], *, delimiter: str = ";") -> bytes:
    """A UTF-8 CSV of the cells as text (10**30 as its thirty-one digits, inf as «inf»)."""
    lines = [delimiter.join("" if value is None else str(value) for value in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")
