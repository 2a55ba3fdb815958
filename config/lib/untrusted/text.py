"""CSV files: the encoding found from a sample, then read line by line with bounded lines.

Russian CSV files come in UTF-8 (with or without BOM), UTF-16 (Excel's «Юникод»), Windows-1251,
and sometimes KOI8-R or MacCyrillic. Among the single-byte encodings the one whose reading of
the sample has the most Cyrillic letters, and then the most lower-case ones, wins: KOI8-R read
as Windows-1251 turns lower case into upper case, MacCyrillic turns capitals into punctuation.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

from config.lib.untrusted.limits import FileRefused, spaced

SAMPLE = 256 << 10
#: A line (a record may span several) longer than this is not a table.
MAX_LINE = 1 << 20
#: A CSV stops after this many consecutive empty lines (a file of millions of blank lines).
EMPTY_RUN_LIMIT = 10_000
SINGLE_BYTE = ("cp1251", "koi8_r", "mac_cyrillic")
ENCODING_NAMES = {
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "cp1251": "Windows-1251",
    "koi8_r": "KOI8-R",
    "mac_cyrillic": "MacCyrillic",
}
_CYRILLIC = re.compile("[А-Яа-яЁё]")
_LOWER = re.compile("[а-яё]")


def detect_encoding(sample: bytes) -> str:
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        decoder.decode(sample, final=len(sample) < SAMPLE)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass

    def score(encoding: str) -> tuple[int, int]:
        text = sample.decode(encoding, errors="replace")
        return len(_CYRILLIC.findall(text)), len(_LOWER.findall(text))

    return max(SINGLE_BYTE, key=score)


class CsvText:
    """An opened CSV: ``encoding``, ``delimiter`` and ``rows()``; ``notes`` collects what the read
    noticed, as (row, message)."""

    def __init__(self, stream: BinaryIO, *, filename: str):
        self.filename = filename
        sample = stream.read(SAMPLE)
        stream.seek(0)
        if not sample.strip():
            raise FileRefused(f"Файл «{filename}» пуст")
        self.encoding = detect_encoding(sample)
        if self.encoding != "utf-16" and b"\x00" in sample:
            raise FileRefused(f"Файл «{filename}» не является книгой Excel или CSV (двоичные данные)")
        text = sample.decode(self.encoding, errors="replace")
        head = text[:4096].lstrip("\ufeff \r\n\t").casefold()
        if head.startswith(("<!doctype html", "<html", "<?xml", "<table")):
            raise FileRefused(
                f"Файл «{filename}» является веб-страницей или XML, а не книгой Excel: "
                "откройте его в Excel и сохраните как .xlsx"
            )
        self.delimiter = sniff_delimiter(text)
        self.stream = stream
        self.notes: list[tuple[int, str]] = []

    def _raw_lines(self) -> Iterator[str]:
        """Lines decoded one by one (so a bad byte is named by its line); UTF-16 through a text
        wrapper, since its line ends are two bytes."""
        if self.encoding == "utf-16":
            text = io.TextIOWrapper(self.stream, encoding="utf-16", errors="strict", newline="")
            while line := text.readline(MAX_LINE):
                yield line
            return
        encoding, errors = self.encoding, "strict" if self.encoding.startswith("utf") else "replace"
        while raw := self.stream.readline(MAX_LINE):
            yield raw.decode(encoding, errors)
            encoding = "utf-8" if encoding == "utf-8-sig" else encoding

    def _lines(self) -> Iterator[str]:
        number = 0
        lines = self._raw_lines()
        while True:
            try:
                line = next(lines, "")
            except UnicodeDecodeError as exc:
                raise FileRefused(
                    f"Файл «{self.filename}» не в кодировке {ENCODING_NAMES[self.encoding]}: неверные байты в "
                    f"строке {number + 1}. Сохраните его в UTF-8 или Windows-1251 и загрузите снова"
                ) from exc
            if not line:
                return
            number += 1
            if len(line) >= MAX_LINE and not line.endswith(("\n", "\r")):
                raise FileRefused(
                    f"Строка {number} файла «{self.filename}» длиннее {spaced(MAX_LINE)} символов: "
                    "такой файл не является таблицей"
                )
            if "\x00" in line:
                raise FileRefused(f"Файл «{self.filename}» не является книгой Excel или CSV (двоичные данные)")
            yield line

    def rows(self) -> Iterator[list]:
        lines = self._lines()
        reader = csv.reader(lines, delimiter=self.delimiter)
        empty_run = 0
        try:
            for row in reader:
                if not row or row.count("") == len(row):
                    empty_run += 1
                    if empty_run >= EMPTY_RUN_LIMIT:
                        self._note_data_after_gap(reader)
                        return
                else:
                    empty_run = 0
                yield row
        except csv.Error as exc:
            raise FileRefused(
                f"Не удалось разобрать CSV-файл «{self.filename}»: ошибка в записи {reader.line_num} ({exc})"
            ) from exc

    def _note_data_after_gap(self, reader) -> None:
        for row in reader:
            if any(cell.strip() for cell in row):
                self.notes.append(
                    (
                        reader.line_num,
                        f"После {spaced(EMPTY_RUN_LIMIT)} пустых строк подряд файл не дочитан: удалите пустые "
                        "строки и загрузите файл снова",
                    )
                )
                return


def sniff_delimiter(text: str) -> str:
    lines = [line for line in text[:65536].splitlines()[:40] if line.strip()][:30]
    best = {d: max((line.count(d) for line in lines), default=0) for d in (";", "\t", ",")}
    if best[";"] >= 2 or (best[";"] and not best["\t"] and not best[","]):
        return ";"
    if best["\t"] >= 2:
        return "\t"
    return ","
