"""`open_table`: any uploaded table (xlsx, xls, ods, csv) as sheets of rows."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import python_calamine

from config.lib.untrusted import ods, xls
from config.lib.untrusted.archive import GuardedZip
from config.lib.untrusted.limits import DEFAULT, FileRefused, Limits, mb
from config.lib.untrusted.text import CsvText
from config.lib.untrusted.xlsx import XlsxBook

ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Table:
    """An opened table. ``sheets`` yields (sheet name, rows) lazily; a row is a list of cell
    values (str, float, bool, date/datetime, "" for empty). ``ragged``: rows may be shorter than
    the widest (CSV and streamed .xlsx; calamine pads). ``notes``: (sheet, row, message) of what
    the read noticed without refusing the file. ``book``: the streamed workbook of an .xlsx, for
    a caller that looks at its parts (`XlsxBook.plain_below`)."""

    kind: str
    sheets: Iterator[tuple[str, Iterator[list]]]
    ragged: bool
    notes: list[tuple[str, int, str]] = field(default_factory=list)
    close: Callable[[], None] = lambda: None
    book: XlsxBook | None = None

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_table(source: str | Path | bytes | BinaryIO, *, filename: str, limits: Limits = DEFAULT) -> Table:
    """Open an uploaded table, or raise FileRefused saying in Russian what is wrong with it."""
    stream, owned = _stream(source, filename, limits)
    try:
        head = stream.read(8)
        stream.seek(0)
        if not head:
            raise FileRefused(f"Файл «{filename}» пуст")
        if head.startswith(ZIP_MAGIC):
            table = _open_zip(stream, filename, limits)
        elif head.startswith(xls.MAGIC):
            xls.check_xls(stream, filename=filename, limits=limits)
            stream.seek(0)
            table = _open_calamine(stream, filename, kind="xls")
        else:
            table = _open_csv(stream, filename)
    except BaseException:
        if owned:
            stream.close()
        raise
    if owned:
        inner = table.close

        def close() -> None:
            inner()
            stream.close()

        table.close = close
    return table


def _stream(source, filename: str, limits: Limits) -> tuple[BinaryIO, bool]:
    if isinstance(source, bytes):
        if len(source) > limits.max_bytes:
            raise _too_big(filename, len(source), limits)
        return io.BytesIO(source), True
    if isinstance(source, (str, Path)):
        path = os.fspath(source)
        try:
            size = os.path.getsize(path)
            if size > limits.max_bytes:
                raise _too_big(filename, size, limits)
            return open(path, "rb"), True
        except OSError as exc:
            raise FileRefused(f"Файл «{filename}» не найден или недоступен") from exc
    try:
        start = source.tell()
        size = source.seek(0, io.SEEK_END) - start
        source.seek(start)
    except (OSError, AttributeError, ValueError):
        data = source.read(limits.max_bytes + 1)
        if len(data) > limits.max_bytes:
            raise _too_big(filename, len(data), limits) from None
        return io.BytesIO(data), True
    if size > limits.max_bytes:
        raise _too_big(filename, size, limits)
    if start:
        return io.BytesIO(source.read()), True
    return source, False


def _too_big(filename: str, size: int, limits: Limits) -> FileRefused:
    return FileRefused(
        f"Файл «{filename}» слишком большой: {mb(size)} МБ (допускается не более {mb(limits.max_bytes)} МБ). "
        "Разделите его на несколько файлов."
    )


def _open_zip(stream: BinaryIO, filename: str, limits: Limits) -> Table:
    archive = GuardedZip(stream, filename=filename, limits=limits)
    try:
        names = archive.names()
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            book = XlsxBook(archive, filename=filename, limits=limits)
            return Table(kind="xlsx", sheets=book.sheets(), ragged=True, close=archive.close, book=book)
        if ods.is_ods(archive):
            ods.check_ods(archive, filename=filename, limits=limits)
            archive.close()
            stream.seek(0)
            return _open_calamine(stream, filename, kind="ods")
        if "word/document.xml" in names:
            raise FileRefused(f"Файл «{filename}» — документ Word, а не таблица: сохраните таблицу в Excel как .xlsx")
        raise FileRefused(f"Файл «{filename}» не является книгой Excel или CSV: архив не содержит книги")
    except BaseException:
        archive.close()
        raise


def _is_panic(exc: BaseException) -> bool:
    # pyo3 turns a Rust panic into PanicException, a BaseException subclass.
    return type(exc).__name__ == "PanicException"


def _open_calamine(stream: BinaryIO, filename: str, *, kind: str) -> Table:
    """A checked .xls or .ods, loaded by calamine a sheet at a time."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(stream)
    except python_calamine.PasswordError as exc:
        raise FileRefused(f"Файл «{filename}» защищён паролем: снимите защиту и загрузите его снова") from exc
    except BaseException as exc:
        if not isinstance(exc, Exception) and not _is_panic(exc):
            raise
        raise FileRefused(f"Файл «{filename}» повреждён: книга не читается") from exc

    def sheets() -> Iterator[tuple[str, Iterator[list]]]:
        for index, meta in enumerate(workbook.sheets_metadata):
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            try:
                rows = workbook.get_sheet_by_index(index).iter_rows()
            except BaseException as exc:
                if not isinstance(exc, Exception) and not _is_panic(exc):
                    raise
                raise FileRefused(f"Лист «{meta.name}» файла «{filename}» повреждён и не может быть прочитан") from exc
            # iter_rows starts at the sheet's first row (Excel row 1) whatever the data's start.
            yield meta.name, rows

    return Table(kind=kind, sheets=sheets(), ragged=False, close=workbook.close)


def _open_csv(stream: BinaryIO, filename: str) -> Table:
    text = CsvText(stream, filename=filename)
    table = Table(kind="csv", sheets=iter(()), ragged=True)

    def sheets() -> Iterator[tuple[str, Iterator[list]]]:
        yield filename, text.rows()
        table.notes.extend((filename, row, message) for row, message in text.notes)

    table.sheets = sheets()
    return table
