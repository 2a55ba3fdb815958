"""РЦОИ protocols of ОГЭ and ЕГЭ: «Протокол проверки» as the regional processing centre sends it.

A sheet holds one or several blocks, each headed by a title «01 - Русский язык 2022.06.23»
(foreign languages: «Английский язык п:2022.06.14; у:2022.06.16», the written and the oral day)
in any cell of its row, and usually by its own header row::

    №;;Код МСУ;;Код ОО;;Класс;;…;;Фамилия;Имя;Отчество;;Серия;;Номер;;Задания с кратким ответом;;
    Задания с развёрнутым ответом;;Первичный балл;;Балл;

Merged header cells leave empty columns, so columns are found by their header text and a value
is the first one in its header's span. The task strings are expanded into task columns «1», «2»,
…: short answers «++-+1» one character a task (+ is 1, - is 0, a digit its score), then the
extended ones «2(2)1(3)» as score(maximum), numbered on after the short ones (the oral part of a
foreign language after those). «Балл» is the mark (2–5) in ОГЭ and the test score in ЕГЭ; which
one is decided per block from what the block shows (see :func:`_decide_kind`).

Footer rows («Средние», «Минимальная граница», «Всего участников») carry numbers in the gap
columns and are left out; a participant row is one whose «№» is a whole number. Appeals
protocols («Тип апелляции / перепроверки», scores under «Текущие») are not results and are
refused.

A block is buffered whole (its kind and task count are known only at its end); a sheet never is.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from monitoring.readers.layouts.base import Block, Format, TaskInfo
from monitoring.readers.types import ReaderError
from monitoring.readers.values import BASE_MATH, _cell_text, _header_key, _number, normalize_subject, parse_class

_DATE = r"(\d{4}\.\d{2}\.\d{2}|\d{2}\.\d{2}\.\d{4})"
#: «01 - Русский язык 2022.06.23», «25 - Информатика и ИКТ (КЕГЭ) 2021.06.24».
_TITLE_RE = re.compile(rf"^(\d{{1,3}})\s*[-–—]\s*(\S.*?)\s+{_DATE}$")
#: «Английский язык п:2022.06.14; у:2022.06.16», «Английский язык п.: 2021.06.18, у.: 2021.06.21».
_LANGUAGE_TITLE_RE = re.compile(
    rf"^(?:(\d{{1,3}})\s*[-–—]\s*)?([^\d:;]+?)\s+п\.?\s*:\s*{_DATE}\s*[;,]?\s*у\.?\s*:\s*{_DATE}$",
    re.IGNORECASE,
)

# Header keys (values._header_key: case, spaces, ё, dots and colons ignored).
_ORDER_KEYS = frozenset({"№", "№п/п", "n", "номерп/п"})
_SCHOOL_KEY = "кодоо"
_CLASS_KEY = "класс"
_SCORE_KEY = "балл"
_TEST_SCORE_KEY = "тестовыйбалл"
_MARK_KEY = "оценка"
# Who the row is: the names as the centre sends them, or, in the kept copy of the upload (whose
# names were replaced by pseudonymous codes before anything was saved), «Код участника».
_NAME_KEYS = frozenset({"фамилия", "фио", "кодучастника"})
#: Task string columns, in the order their tasks are numbered.
_PARTS = ("short", "extended", "oral")
_FOOTER_PREFIXES = ("средн", "минимальн", "всего", "итог")


def _part(key: str) -> str | None:
    """Which task string a header names: «Задания с кратким ответом», «Часть с развёрнутым
    ответом», «Устная часть»; None for any other header."""
    if key.startswith(("задания", "часть")):
        if "кратк" in key:
            return "short"
        if "развернут" in key:
            return "extended"
    if key == "устнаячасть":
        return "oral"
    return None


def _is_appeals_header(keys: set[str]) -> bool:
    return any(key.startswith("типапелляц") for key in keys) or ("текущие" in keys and "баллдоизменения" in keys)


def _is_results_header(keys: set[str]) -> bool:
    return _SCHOOL_KEY in keys and bool(keys & _NAME_KEYS) and any(_part(key) for key in keys)


def _row_keys(row: list) -> set[str]:
    return {_header_key(text) for text in map(_cell_text, row) if text}


@dataclass(frozen=True)
class _Title:
    code: str
    subject: str
    date: dt.date | None


def _parse_date(text: str) -> dt.date | None:
    for pattern in ("%Y.%m.%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _title(row: list) -> _Title | None:
    """The block title in any cell of the row (a merged title cell may sit far right)."""
    for cell in row:
        if cell.__class__ is not str or len(cell) < 8:
            continue
        text = " ".join(cell.split())
        match = _TITLE_RE.match(text)
        if match:
            return _Title(match.group(1), normalize_subject(match.group(2)), _parse_date(match.group(3)))
        match = _LANGUAGE_TITLE_RE.match(text)
        if match:
            # The written part's day: the oral part of a foreign language is a day of its own.
            return _Title(match.group(1) or "", normalize_subject(match.group(2)), _parse_date(match.group(3)))
    return None


@dataclass
class _Columns:
    """A header row: the columns kept as they are (header text, first and last column of its
    span), which of them is «Балл», and the spans of the task strings."""

    kept: list[tuple[str, int, int]]
    order: tuple[int, int] | None
    score: int | None  # index into kept
    parts: dict[str, tuple[int, int]]
    keys: set[str]
    has_test_score: bool
    has_mark: bool
    class_index: int | None  # index into kept

    @classmethod
    def of(cls, row: list) -> _Columns:
        labelled = [(j, _cell_text(cell)) for j, cell in enumerate(row)]
        labelled = [(j, text) for j, text in labelled if text]
        kept: list[tuple[str, int, int]] = []
        parts: dict[str, tuple[int, int]] = {}
        order = None
        score = class_index = None
        for n, (j, text) in enumerate(labelled):
            # Merged header cells leave empty columns: a header owns the columns up to the next one.
            end = labelled[n + 1][0] if n + 1 < len(labelled) else j + 2
            key = _header_key(text)
            part = _part(key)
            if part is not None:
                parts.setdefault(part, (j, end))
                continue
            if key in _ORDER_KEYS and order is None:
                order = (j, end)
            if key == _SCORE_KEY and score is None:
                score = len(kept)
            if key == _CLASS_KEY and class_index is None:
                class_index = len(kept)
            kept.append((text, j, end))
        keys = {_header_key(text) for _, text in labelled}
        return cls(
            kept=kept,
            order=order,
            score=score,
            parts=parts,
            keys=keys,
            has_test_score=_TEST_SCORE_KEY in keys,
            has_mark=_MARK_KEY in keys,
            class_index=class_index,
        )


def _in_span(row: list, span: tuple[int, int]) -> object:
    """The value of a column: under its header, else in the empty columns its merged header spans."""
    start, end = span
    for j in range(start, min(end, len(row))):
        value = row[j]
        if value != "" and value is not None and (value.__class__ is not str or value.strip()):
            return value
    return ""


def _first_text(row: list) -> str:
    return next((text for text in map(_cell_text, row) if text), "")


# ---- task strings ----------------------------------------------------------------------------

_SHORT_SCORES = {"+": "1", "-": "0"}
_EXTENDED_TOKEN_RE = re.compile(r"\s*([^()\s]*)\s*\(\s*(\d+)\s*\)")


@functools.lru_cache(maxsize=8192)
def _short_tasks(text: str) -> tuple[str, ...]:
    """«++-+1» → ("1", "1", "0", "1", "1"). A character that is neither +, - nor a digit is kept
    as it is: «Х» is a task not done to the generic reader, anything else a rejected score."""
    return tuple(_SHORT_SCORES.get(char, char) for char in text.replace(" ", ""))


@functools.lru_cache(maxsize=8192)
def _extended_tasks(text: str) -> tuple[tuple[str, ...], tuple[int | None, ...]]:
    """«2(2)1(3)» → (("2", "1"), (2, 3)); «10(12)» → (("10",), (12,)). A string that is not
    score(maximum) repeated comes back whole as one score, which the generic reader rejects with
    the value shown, rather than being cut into tasks at a guess."""
    scores: list[str] = []
    maxima: list[int | None] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _EXTENDED_TOKEN_RE.match(text, position)
        if match is None:
            return (text,), (None,)
        scores.append(match.group(1))
        maxima.append(int(match.group(2)))
        position = match.end()
    return tuple(scores), tuple(maxima)


# ---- blocks ----------------------------------------------------------------------------------


@dataclass
class _Pending:
    """A block being read: its rows from ``start`` on, as participants (compact rows) or None."""

    sheet: str
    start: int
    title: _Title | None = None
    columns: _Columns | None = None
    #: The row where the header goes: its own header row, or the title row when the block
    #: reuses the header of the block above (a block printed without a header of its own).
    header_row: int | None = None
    entries: list[tuple[list, dict[str, str]] | None] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.title is None and self.columns is None

    def add(self, number: int, entry: tuple[list, dict[str, str]] | None) -> None:
        while self.start + len(self.entries) < number:
            self.entries.append(None)
        self.entries.append(entry)

    def finish(self) -> Block:
        title = self.title
        block = Block(
            sheet=self.sheet,
            rows=iter(()),
            layout="rcoi",
            subject=title.subject if title else "",
            date=title.date if title else None,
            skipped=self.skipped,
        )
        columns = self.columns
        if columns is None:
            block.rows = _empty_rows(self.start - 1 + len(self.entries))
            return block
        participants = [entry for entry in self.entries if entry is not None]
        if columns.class_index is not None:
            grades = {parse_class(values[columns.class_index])[0] for values, _ in participants} - {None}
            if len(grades) == 1:
                block.grade = grades.pop()
        block.kind, score_header = _decide_kind(columns, participants, block.subject, block.grade)

        # Tasks: as many as the longest string of each part shows, numbered on across the parts.
        widths = {part: 0 for part in _PARTS}
        for _, parts in participants:
            for part, text in parts.items():
                if part == "short":
                    widths[part] = max(widths[part], len(_short_tasks(text)))
                else:
                    widths[part] = max(widths[part], len(_extended_tasks(text)[0]))
        maxima: list[int | None] = [1] * widths["short"]
        expanded: list[list[str]] = []
        for _, parts in participants:
            cells = list(_short_tasks(parts.get("short", "")))
            cells += [""] * (widths["short"] - len(cells))
            for k, cell in enumerate(cells):
                if cell.isdigit() and int(cell) > (maxima[k] or 0):
                    maxima[k] = int(cell)
            expanded.append(cells)
        for part in ("extended", "oral"):
            offset = len(maxima)
            maxima += [None] * widths[part]
            for cells, (_, parts) in zip(expanded, participants, strict=True):
                scores, tops = _extended_tasks(parts.get(part, ""))
                cells += scores
                cells += [""] * (widths[part] - len(scores))
                for k, top in enumerate(tops):
                    if top is not None and (maxima[offset + k] is None or top > maxima[offset + k]):  # type: ignore[operator]
                        maxima[offset + k] = top
        labels = [str(k + 1) for k in range(len(maxima))]
        block.tasks = {label: TaskInfo(max_score=top) for label, top in zip(labels, maxima, strict=True)}

        header = [text for text, _, _ in columns.kept] + labels
        if columns.score is not None and score_header:
            header[columns.score] = score_header
        tasks_of = iter(expanded)
        rows: list[list] = []
        for number, entry in enumerate(self.entries, self.start):
            if number == self.header_row:
                rows.append(header)
            elif entry is None:
                rows.append([])
            else:
                rows.append(entry[0] + next(tasks_of))
        block.rows = _chain_rows(self.start - 1, rows)
        return block


def _empty_rows(count: int) -> Iterator[list]:
    for _ in range(count):
        yield []


def _chain_rows(before: int, rows: list[list]) -> Iterator[list]:
    yield from _empty_rows(before)
    yield from rows


def _decide_kind(
    columns: _Columns, participants: list[tuple[list, dict[str, str]]], subject: str, grade: int | None
) -> tuple[str, str]:
    """The block's kind when the block shows it ("oge"/"ege", else ""), and what «Балл» is:
    «Отметка» (ОГЭ, 2–5) or «Тестовый балл» (ЕГЭ, 0–100); "" to leave it as written.

    Evidence, strongest first: a «Тестовый балл» header or base mathematics (ЕГЭ only); the
    class of every participant (9 → ОГЭ, 10–11 → ЕГЭ); a «Балл» above 5 (no mark is). With an
    «Оценка» column beside it, «Балл» is the test score. Without evidence, «Балл» is taken for
    what its values allow and the kind is left to the upload form.
    """
    scores = []
    if columns.score is not None:
        for values, _ in participants:
            number = _number(values[columns.score])
            if number.__class__ in (int, float):
                scores.append(number)
    above_mark = any(number > 5 for number in scores)  # type: ignore[operator]
    if columns.score is None:
        if columns.has_test_score or subject == BASE_MATH:
            return "ege", ""
        return ("oge" if grade == 9 else "ege" if grade in (10, 11, 12) else ""), ""
    if columns.has_test_score:
        return "ege", ""  # «Балл» beside «Тестовый балл» says nothing the reader needs
    if subject == BASE_MATH:
        return "ege", "Тестовый балл" if columns.has_mark else "Отметка"
    if grade == 9:
        # A «Балл» of 39 in a ninth-grade block is a wrong mark, rejected row by row, not a reason
        # to read the block as ЕГЭ; the kind is left open since the block contradicts itself.
        return ("" if above_mark else "oge"), "Тестовый балл" if columns.has_mark else "Отметка"
    if grade in (10, 11, 12):
        return "ege", "Тестовый балл"
    if columns.has_mark or above_mark:
        return ("ege" if above_mark else ""), "Тестовый балл"
    return "", "Отметка"


class RcoiProtocol:
    """The layout object registered in :data:`monitoring.readers.layouts.LAYOUTS`."""

    title = "РЦОИ, протокол результатов ОГЭ/ЕГЭ"
    formats: tuple[Format, ...] = ("students",)

    def recognises(self, sheet: str, head: list[list]) -> bool:
        for row in head:
            if _title(row) is not None:
                return True
            keys = _row_keys(row)
            if _is_results_header(keys) or (_SCHOOL_KEY in keys and _is_appeals_header(keys)):
                return True
        return False

    def blocks(self, sheet: str, rows: Iterator[list]) -> Iterator[Block]:
        pending = _Pending(sheet=sheet, start=1)
        previous: _Columns | None = None
        for number, row in enumerate(rows, 1):
            columns = pending.columns
            if columns is not None and columns.order is not None:
                order = _number(_in_span(row, columns.order))
                if order.__class__ is int:
                    pending.add(number, _participant(row, columns))
                    continue
            title = _title(row)
            if title is not None:
                if not pending.empty:
                    yield pending.finish()
                    previous = pending.columns or previous
                    pending = _Pending(sheet=sheet, start=number)
                pending.title = title
                if previous is not None:
                    pending.columns, pending.header_row = previous, number
                pending.add(number, None)
                continue
            keys = _row_keys(row)
            if not keys:
                pending.add(number, None)
                continue
            if _is_appeals_header(keys):
                raise ReaderError(
                    f"Лист «{sheet}» — протокол апелляций и перепроверок (столбец «Тип апелляции / "
                    "перепроверки», баллы «до изменения» и «текущие»), а не результаты экзамена. "
                    "Загрузите протокол результатов РЦОИ: апелляции в результаты не загружаются"
                )
            if _is_results_header(keys):
                if columns is not None and any(pending.entries):
                    if keys == columns.keys:
                        pending.add(number, None)  # the header repeated on a printed page
                        continue
                    # Another table without a title of its own: a block of its own.
                    yield pending.finish()
                    previous = pending.columns
                    pending = _Pending(sheet=sheet, start=number)
                pending.columns, pending.header_row = _Columns.of(row), number
                pending.add(number, None)
                continue
            if columns is not None and columns.order is None and not _is_footer(row):
                pending.add(number, _participant(row, columns))
                continue
            text = _first_text(row)
            if columns is not None and _is_footer(row):
                pending.skipped.append((number, f"итоговая строка «{text}»"))
            elif columns is not None:
                # Not echoed: without a «№» the first cell may well be a surname.
                pending.skipped.append((number, "строка без порядкового номера участника в столбце «№»"))
            pending.add(number, None)
        if not pending.empty:
            yield pending.finish()


def _is_footer(row: list) -> bool:
    return _header_key(_first_text(row)).startswith(_FOOTER_PREFIXES)


def _participant(row: list, columns: _Columns) -> tuple[list, dict[str, str]] | None:
    values = [_in_span(row, (start, end)) for _, start, end in columns.kept]
    parts = {part: _cell_text(_in_span(row, span)) for part, span in columns.parts.items()}
    order_only = columns.order is not None and sum(1 for value in values if _cell_text(value)) <= 1
    if order_only and not any(parts.values()):
        return None  # a numbered line of an empty form
    return values, parts


RCOI = RcoiProtocol()
