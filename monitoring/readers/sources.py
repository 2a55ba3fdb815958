"""Sources: every file is opened by config.lib.untrusted, the one guarded way."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from config.lib.untrusted import DEFAULT, FileRefused, Table, open_table
from monitoring.readers.types import Problem, ReaderError

# --------------------------------------------------------------------------------------------
# Sources: every file is opened by config.lib.untrusted, the one guarded way
# --------------------------------------------------------------------------------------------


@contextmanager
def _opened(source: str | Path | BinaryIO, filename: str, max_bytes: int) -> Iterator[Table]:
    """The file as a Table; a refusal of the guarded opener becomes a ReaderError, wherever the
    read is when it comes (a formula or a bomb may stand at the end of a sheet)."""
    try:
        with open_table(source, filename=filename, limits=DEFAULT.but(max_bytes=max_bytes)) as table:
            yield table
    except FileRefused as exc:
        raise ReaderError(str(exc)) from exc


def _notes(table: Table) -> list[Problem]:
    return [Problem(sheet=sheet, row=row, column="", value="", reason=reason) for sheet, row, reason in table.notes]


def _too_many_rows(max_rows: int) -> ReaderError:
    return ReaderError(f"Файл содержит больше {max_rows:,} строк: разделите его на несколько файлов".replace(",", " "))
