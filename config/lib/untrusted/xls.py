"""Old Excel books (.xls, BIFF8 in an OLE container): checked record by record, then loaded.

calamine loads an .xls sheet whole, so before it does, one pass over the workbook stream counts
each sheet's cell rectangle, finds formula cells and a password (FILEPASS). The stream is at
most `MAX_XLS_BYTES`, and each record is read by its header, so a damaged file ends the pass
with a refusal, never a long loop.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

import olefile

from config.lib.untrusted.limits import FileRefused, Limits, mb, spaced
from config.lib.untrusted.xlsx import column_letters

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: An .xls holds at most 65 536 × 256 cells; this size keeps a loaded sheet within memory.
MAX_XLS_BYTES = 64 << 20

_BOF, _EOF, _BOUNDSHEET, _FILEPASS = 0x0809, 0x000A, 0x0085, 0x002F
_FORMULA_RECORDS = {0x0006, 0x0406, 0x0206}
# Records of one cell each: row, column first (BIFF8).
_CELL_RECORDS = {0x0203, 0x00FD, 0x027E, 0x0204, 0x0205, 0x00D6, *_FORMULA_RECORDS}
_MULRK = 0x00BD


def check_xls(stream: BinaryIO, *, filename: str, limits: Limits) -> None:
    """Refuse an .xls that is encrypted, holds formulas or whose sheets are too large to load."""
    try:
        ole = olefile.OleFileIO(stream)
    except (OSError, ValueError, struct.error, IndexError, TypeError) as exc:
        raise FileRefused(f"Файл «{filename}» повреждён: книга .xls не читается") from exc
    try:
        if ole.exists("EncryptedPackage"):
            raise _encrypted(filename)
        name = "Workbook" if ole.exists("Workbook") else "Book" if ole.exists("Book") else None
        if name is None:
            raise FileRefused(f"Файл «{filename}» не является книгой Excel: в нём нет листов")
        size = ole.get_size(name)
        if size > MAX_XLS_BYTES:
            raise FileRefused(
                f"Книга .xls «{filename}» слишком велика: {mb(size)} МБ (допускается не более "
                f"{mb(MAX_XLS_BYTES)} МБ). Сохраните её как .xlsx"
            )
        data = ole.openstream(name).read()
    except FileRefused:
        raise
    except (OSError, ValueError, struct.error, IndexError, TypeError) as exc:
        raise FileRefused(f"Файл «{filename}» повреждён: книга .xls не читается") from exc
    finally:
        ole.close()
    _scan_records(data, filename, limits)


def _scan_records(data: bytes, filename: str, limits: Limits) -> None:
    sheets: dict[int, str] = {}
    sheet = ""
    rows = cols = 0
    position = 0
    end = len(data)
    while position + 4 <= end:
        kind, length = struct.unpack_from("<HH", data, position)
        body = position + 4
        position = body + length
        if position > end:
            break  # a truncated last record: calamine reports the damage if it matters
        if kind == _FILEPASS:
            raise _encrypted(filename)
        if kind == _BOUNDSHEET and length >= 8:
            offset = struct.unpack_from("<I", data, body)[0]
            count, flags = data[body + 6], data[body + 7]
            raw = data[body + 8 : body + 8 + count * (2 if flags & 1 else 1)]
            sheets[offset] = raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
        elif kind == _BOF:
            sheet, rows, cols = sheets.get(body - 4, sheet), 0, 0
        elif kind in _CELL_RECORDS and length >= 4:
            row, col = struct.unpack_from("<HH", data, body)
            if kind in _FORMULA_RECORDS:
                raise FileRefused(
                    f"Лист «{sheet}» файла «{filename}»: в ячейке {column_letters(col)}{row + 1} формула. Формулы "
                    "не принимаются: замените их значениями и загрузите файл снова"
                )
            rows, cols = max(rows, row + 1), max(cols, col + 1)
        elif kind == _MULRK and length >= 6:
            row = struct.unpack_from("<H", data, body)[0]
            last = struct.unpack_from("<H", data, body + length - 2)[0]
            rows, cols = max(rows, row + 1), max(cols, last + 1)
        if rows * cols > limits.max_loaded_cells:
            raise FileRefused(
                f"Лист «{sheet}» файла «{filename}» слишком велик для формата .xls: больше "
                f"{spaced(limits.max_loaded_cells)} ячеек. Сохраните книгу как .xlsx или разделите её на несколько"
            )


def _encrypted(filename: str) -> FileRefused:
    return FileRefused(f"Файл «{filename}» защищён паролем: снимите защиту и загрузите его снова")
