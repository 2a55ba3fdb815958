"""ФИС ОКО (ВПР) files: «Ф1 Индивидуальные результаты» (format A) and the statistics reports
«Статистика по отметкам», «Сравнение отметок с отметками по журналу» (format B).

What is known of these files comes from public code that parses or reproduces them (see the
research notes of the team); the statistics reports rest on weaker evidence than Ф1, so their
layout is recognised by words, never by fixed positions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from monitoring.readers.headers import _A_KEYS, _task_label
from monitoring.readers.layouts.base import Block, Format, TaskInfo
from monitoring.readers.values import _cell_text, _header_key, normalize_subject

#: Rows searched for the header (the registry shows a layout its first 40 rows).
_HEADER_SEARCH = 40

# ---- what the header block above a table says ------------------------------------------------

_TITLE_RE = re.compile(r"ВПР\s+(\d{4})\s+(.+?)\s+(\d{1,2})\s*класс", re.IGNORECASE)
_GRADE_RE = re.compile(r"(?<!\d)(\d{1,2})\s*класс", re.IGNORECASE)
_SUBJECT_LABEL_RE = re.compile(r"^предмет(?![а-яё])\s*:?\s*(.*)$", re.IGNORECASE)
_DATE_LABEL_RE = re.compile(r"^дата(?![а-яё])[^:\d]*:?\s*(.*)$", re.IGNORECASE)
_DATE_TEXT_RE = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})|(\d{4})-(\d{1,2})-(\d{1,2})")


@dataclass
class _About:
    subject: str = ""
    grade: int | None = None
    date: dt.date | None = None


def _date(value: object) -> dt.date | None:
    """A date cell, or text «21.04.2026», «21/04/2026», «2026-04-21» anywhere in a string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    match = _DATE_TEXT_RE.search(value)
    if not match:
        return None
    day, month, year = (match.group(1), match.group(2), match.group(3))
    if match.group(4):
        year, month, day = match.group(4), match.group(5), match.group(6)
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _next_value(row: list, j: int) -> object:
    """The first non-empty cell right of column ``j`` (a meta row: label in A, value in B)."""
    return next((cell for cell in row[j + 1 :] if _cell_text(cell)), "")


def _about(rows: list[list]) -> _About:
    """Subject, grade and date from the title and meta rows above a table.

    The title «ВПР 2026 Русский язык 4 класс» gives subject and grade; a «Предмет» row overrides
    the subject; «N класс» anywhere gives the grade when the title does not.
    """
    about = _About()
    meta_subject = ""
    for row in rows:
        for j, cell in enumerate(row):
            text = _cell_text(cell)
            if not text or not isinstance(cell, str):
                continue
            title = _TITLE_RE.search(text)
            if title:
                about.subject = about.subject or normalize_subject(title.group(2))
                about.grade = about.grade or int(title.group(3))
                continue
            label = _SUBJECT_LABEL_RE.match(text)
            if label:
                meta_subject = meta_subject or normalize_subject(label.group(1) or _next_value(row, j))
                continue
            label = _DATE_LABEL_RE.match(text)
            if label:
                about.date = about.date or _date(label.group(1)) or _date(_next_value(row, j))
                continue
            grade = _GRADE_RE.search(text)
            if grade and about.grade is None:
                about.grade = int(grade.group(1))
    about.subject = meta_subject or about.subject
    return about


def _texts(row: list) -> list[str]:
    return [_cell_text(cell) for cell in row]


def _keys(row: list) -> list[str]:
    return [_header_key(text) for text in _texts(row)]


def _has_title(rows: list[list]) -> bool:
    return any(_TITLE_RE.search(text) for row in rows for text in _texts(row))


# ---- «Ф1 Индивидуальные результаты» -----------------------------------------------------------

_CODE_KEY = _header_key("Код участника")
_PRIMARY_KEY = _header_key("Первичный балл")
_OO_KEY = _header_key("ОО")
_JOURNAL_KEY = _header_key("Отметка по журналу")
#: «1 (2б)», «3.2 (2б)», «9,1 (1б)», «12К1 (1б)» (Cyrillic or Latin K), «1(2б)».
_TASK_HEADER_RE = re.compile(
    r"^(\d{1,3}(?:[.,]\d{1,2})?(?:\s*[кk]\s*\d{1,2})?)\s*\(\s*(\d{1,2})\s*б\s*\)$", re.IGNORECASE
)
#: «МБОУ СОШ № 4 (sch710201) | Кол-во участников: 24».
_GROUP_RE = re.compile(r"кол-?во\s+участников\s*:\s*(\d+)", re.IGNORECASE)
_LOGIN_RE = re.compile(r"\(\s*([a-z]+\d+)\s*\)", re.IGNORECASE)
_FOOTERS = ("средние", "минимальная граница", "всего участников")
_NOT_DONE = frozenset({"х", "x", "-", "—", "–"})
_DIFFICULTY = {"б": "Б", "п": "П", "в": "В"}
_DIGIT_RE = re.compile(r"\d")


def _f1_header_at(rows: list[list]) -> int | None:
    """Index of the first row holding both «Код участника» and «Первичный балл»."""
    for i, row in enumerate(rows[:_HEADER_SEARCH]):
        keys = _keys(row)
        if _CODE_KEY in keys and _PRIMARY_KEY in keys:
            return i
    return None


def _task_header(text: str) -> tuple[str, int] | None:
    """«12K1 (1б)» → («12К1», 1): the task as the generic reader labels it, and its maximum."""
    match = _TASK_HEADER_RE.match(text)
    if not match:
        return None
    code = re.sub(r"\s+", "", match.group(1)).replace(",", ".").replace("k", "К").replace("K", "К")
    code = code.replace("к", "К")
    if _task_label(code) is None:
        return None
    return code, int(match.group(2))


@dataclass
class _Group:
    row: int
    label: str
    login: str
    expected: int
    found: int = 0


class FisOkoIndividualResults:
    """ФИС ОКО, ВПР, «Ф1 Индивидуальные результаты»: one row per participant under a title
    «ВПР 2026 Русский язык 4 класс», meta rows, a difficulty row (Б/П/В) and the header
    «ОО … Код участника … 1 (2б) … Первичный балл, Отметка, Отметка по журналу»; participants
    grouped by school under lines «МБОУ СОШ № 4 (sch710201) | Кол-во участников: 24»; footers
    «Средние», «Минимальная граница», «Всего участников»."""

    title = "ФИС ОКО, «Ф1 Индивидуальные результаты» ВПР"
    formats: tuple[Format, ...] = ("students",)
    name = "fisoko_f1"

    def recognises(self, sheet: str, head: list[list]) -> bool:
        at = _f1_header_at(head)
        if at is None:
            return False
        return "индивидуальн" in sheet.casefold() or _has_title(head[:at])

    def blocks(self, sheet: str, rows: Iterator[list]) -> Iterator[Block]:
        rows, head = _head(rows)
        at = _f1_header_at(head)
        if at is None:  # not this layout after all: the sheet as it stands
            yield Block(sheet=sheet, rows=_chained(head, rows))
            return
        about = _about(head[:at])
        block = Block(
            sheet=sheet,
            rows=iter(()),
            layout=self.name,
            subject=about.subject,
            grade=about.grade,
            date=about.date,
            kind="vpr",
        )
        block.rows = self._rows(block, head, at, rows)
        yield block

    def _rows(self, block: Block, head: list[list], at: int, rest: Iterator[list]) -> Iterator[list]:
        header = list(head[at])
        above = head[at - 1] if at > 0 else []
        keys = _keys(header)
        i_code = keys.index(_CODE_KEY)
        i_journal = keys.index(_JOURNAL_KEY) if _JOURNAL_KEY in keys else None
        i_school = next((j for j, key in enumerate(keys) if key == _OO_KEY or _A_KEYS.get(key) == "school_code"), None)
        task_columns: list[int] = []
        for j, text in enumerate(_texts(header)):
            task = _task_header(text)
            if task is None:
                continue
            code, max_score = task
            header[j] = code
            difficulty = _DIFFICULTY.get(_cell_text(above[j]).casefold(), "") if j < len(above) else ""
            block.tasks[_task_label(code)] = TaskInfo(max_score=max_score, difficulty=difficulty)  # type: ignore[index]
            task_columns.append(j)
        width = len(header)
        added_school = i_school is None
        if i_school is None:
            header.append("Код ОО")
            i_school = width
        elif keys[i_school] == _OO_KEY:
            header[i_school] = "Код ОО"
        header_code = _cell_text(head[at][i_code])

        yield from head[:at]
        yield header
        group: _Group | None = None
        for number, row in enumerate(_chained(head[at + 1 :], rest), start=at + 2):
            # A participant's row is judged by its code; the other cells are looked at only
            # where a mark or a task may say «Х» or «НЕТ ОТМЕТКИ» (text, never a number).
            code = _cell_text(row[i_code]) if i_code < len(row) else ""
            if code == header_code:  # the header repeated on every page of a printed export
                yield header
                continue
            if not (code[-1:].isdecimal() or _DIGIT_RE.search(code)):  # a code ends in a digit, as a rule
                texts = _texts(row)
                if not any(texts):
                    yield row
                    continue
                line = next((text for text in texts if _GROUP_RE.search(text)), None)
                if line is not None:
                    self._close(block, group)
                    label = line.split("|")[0].strip()
                    login = _LOGIN_RE.search(label)
                    group = _Group(
                        row=number,
                        label=label,
                        login=login.group(1) if login else "",
                        expected=int(_GROUP_RE.search(line).group(1)),  # type: ignore[union-attr]
                    )
                    block.skipped.append((number, f"строка группы: {label}"))
                    yield []
                    continue
                footer = next((text for text in texts if any(word in text.casefold() for word in _FOOTERS)), None)
                if footer is not None:
                    block.skipped.append((number, f"итоговая строка: {footer}"))
                    yield []
                    continue
                if all(text.casefold() in _DIFFICULTY for text in texts if text):
                    block.skipped.append((number, "строка уровней сложности заданий (Б/П/В)"))
                    yield []
                    continue
                yield row  # not a participant: the generic reader says what is wrong with it
                continue

            row = list(row)
            if group is not None:
                group.found += 1
            for j in task_columns:
                if j < len(row) and type(row[j]) is str and _cell_text(row[j]).casefold() in _NOT_DONE:
                    row[j] = ""
            if (
                i_journal is not None
                and i_journal < len(row)
                and type(row[i_journal]) is str
                and " ".join(row[i_journal].casefold().split()) == "нет отметки"
            ):
                row[i_journal] = ""
            login = group.login if group is not None else ""
            if added_school:
                row = row[:width] + [""] * (width - len(row)) + [login]
            elif login and (i_school >= len(row) or not _cell_text(row[i_school])):
                row = row + [""] * (i_school + 1 - len(row))
                row[i_school] = login
            yield row
        self._close(block, group)

    @staticmethod
    def _close(block: Block, group: _Group | None) -> None:
        if group is not None and group.found != group.expected:
            block.skipped.append(
                (
                    group.row,
                    f"в строке группы «{group.label}» указано участников: {group.expected}, "
                    f"а строк участников под ней: {group.found}",
                )
            )


def _head(rows: Iterator[list]) -> tuple[Iterator[list], list[list]]:
    """The rows a header is searched for among, taken off the sheet's iterator."""
    rows = iter(rows)
    head: list[list] = []
    for row in rows:
        head.append(row)
        if len(head) >= _HEADER_SEARCH:
            break
    return rows, head


def _chained(head: list[list], rest: Iterator[list]) -> Iterator[list]:
    yield from head
    yield from rest


FIS_OKO_F1 = FisOkoIndividualResults()


# ---- statistics reports -----------------------------------------------------------------------

_GROUPS_KEY = _header_key("Группы участников")
_PARTICIPANTS_KEY = _header_key("Кол-во участников")
_MARK_KEYS = ("2", "3", "4", "5")
#: A school row of a report: «(sch710201) МБОУ СОШ № 4», the login first.
_SCHOOL_ROW_RE = re.compile(r"^\(\s*([a-z]+\d+)\s*\)\s*(.*)$", re.IGNORECASE)
_REPORT_WORDS = ("статистика по отметкам", "сравнение отметок", "впр", "всероссийские проверочные работы")
#: Rows of a block of «Сравнение отметок с отметками по журналу», by their first word.
_JOURNAL_ROWS = {"понизили": "lowered", "подтвердили": "confirmed", "повысили": "raised"}
_JOURNAL_HEADER = ["Код ОО", "Наименование ОО", "Кол-во участников", "Понизили, %", "Подтвердили, %", "Повысили, %"]


def _stats_header_at(rows: list[list]) -> int | None:
    """Index of the row holding «Группы участников» and «Кол-во участников»."""
    for i, row in enumerate(rows[:_HEADER_SEARCH]):
        keys = _keys(row)
        if _GROUPS_KEY in keys and _PARTICIPANTS_KEY in keys:
            return i
    return None


def _first_text(texts: list[str]) -> str:
    return next((text for text in texts if text), "")


class FisOkoStatistics:
    """ФИС ОКО, ВПР, the reports «Статистика по отметкам» (a row per group: «Вся выборка», region,
    municipality, school «(sch710201) МБОУ …», with the shares of marks 2–5 in % under a merged
    «Распределение групп баллов в %») and «Сравнение отметок с отметками по журналу» (per group,
    a name line and four lines «Понизили / Подтвердили / Повысили / Всего» with counts and %).
    Only school rows are kept; each becomes a format B row with the login as «Код ОО»."""

    title = "ФИС ОКО, статистика ВПР («Статистика по отметкам», «Сравнение отметок с отметками по журналу»)"
    formats: tuple[Format, ...] = ("school_stats",)

    def recognises(self, sheet: str, head: list[list]) -> bool:
        at = _stats_header_at(head)
        if at is None:
            return False
        above = " ".join(" ".join(_texts(row)) for row in head[:at]).casefold()
        return any(word in above for word in _REPORT_WORDS)

    def blocks(self, sheet: str, rows: Iterator[list]) -> Iterator[Block]:
        rows, head = _head(rows)
        at = _stats_header_at(head)
        if at is None:
            yield Block(sheet=sheet, rows=_chained(head, rows))
            return
        about = _about(head[:at])
        keys = _keys(head[at])
        below = _keys(head[at + 1]) if at + 1 < len(head) else []
        marks_here = all(key in keys for key in _MARK_KEYS)
        marks_below = all(key in below for key in _MARK_KEYS)
        block = Block(
            sheet=sheet,
            rows=iter(()),
            layout="fisoko_marks" if marks_here or marks_below else "fisoko_journal",
            subject=about.subject,
            grade=about.grade,
            date=about.date,
            kind="vpr",
        )
        if block.layout == "fisoko_marks":
            block.rows = self._marks(block, head, at, at + 1 if marks_below else at, rows)
        else:
            block.rows = self._journal(block, head, at, rows)
        yield block

    def _marks(self, block: Block, head: list[list], at: int, last: int, rest: Iterator[list]) -> Iterator[list]:
        """«Статистика по отметкам»: the group column becomes «Код ОО» and «Наименование ОО»."""
        i_group = _keys(head[at]).index(_GROUPS_KEY)

        def split(row: list, code: object, name: object) -> list:
            row = list(row) + [""] * (i_group + 1 - len(row))
            row[i_group] = code
            row.insert(i_group + 1, name)
            return row

        yield from head[:at]
        header_rows = head[at : last + 1]
        yield split(header_rows[0], "Код ОО", "Наименование ОО")
        for row in header_rows[1:]:
            yield split(row, "", "")
        lower_keys = _keys(head[last])
        mark_columns = [lower_keys.index(key) for key in _MARK_KEYS]
        i_participants = _keys(head[at]).index(_PARTICIPANTS_KEY)
        for number, row in enumerate(_chained(head[last + 1 :], rest), start=last + 2):
            texts = _texts(row)
            if not any(texts):
                yield row
                continue
            group = texts[i_group] if i_group < len(texts) else ""
            school = _SCHOOL_ROW_RE.match(group)
            if school is None:
                block.skipped.append((number, f"строка «{group or _first_text(texts)}» (не ОО)"))
                yield []
                continue
            cells = [texts[j] if j < len(texts) else "" for j in (i_participants, *mark_columns)]
            if cells[0] in ("", "0") and not any(cells[1:]):
                block.skipped.append((number, f"строка ОО {school.group(1)} без участников"))
                yield []
                continue
            yield split(row, school.group(1), school.group(2).strip())

    def _journal(self, block: Block, head: list[list], at: int, rest: Iterator[list]) -> Iterator[list]:
        """«Сравнение отметок с отметками по журналу»: the four lines of a school become one row,
        put where its «Всего» line stands; the lines of other groups are left out."""
        keys = _keys(head[at])
        texts_at = _texts(head[at])
        i_participants = keys.index(_PARTICIPANTS_KEY)
        i_percent = next(
            (j for j, text in enumerate(texts_at) if text.startswith("%") or "процент" in text.casefold()), None
        )
        yield from head[:at]
        yield list(_JOURNAL_HEADER)
        group = ""  # the group the lines below belong to
        login: re.Match | None = None
        shares: dict[str, object] = {}
        lines: list[int] = []
        for number, row in enumerate(_chained(head[at + 1 :], rest), start=at + 2):
            texts = _texts(row)
            first = _first_text(texts)
            if not first:
                yield row
                continue
            word = first.casefold().split()[0].strip("(:")
            if word in _JOURNAL_ROWS or word == "всего":
                if login is None:
                    block.skipped.append((number, f"строка «{first}» группы «{group}» (не ОО)"))
                    yield []
                    continue
                if word != "всего":
                    shares[_JOURNAL_ROWS[word]] = (
                        row[i_percent] if i_percent is not None and i_percent < len(row) else ""
                    )
                    lines.append(number)
                    yield []
                    continue
                total = row[i_participants] if i_participants < len(row) else ""
                for line in lines:
                    block.skipped.append((line, f"строка ОО {login.group(1)}: сведена в строку {number}"))
                yield [
                    login.group(1),
                    login.group(2).strip(),
                    total,
                    shares.get("lowered", ""),
                    shares.get("confirmed", ""),
                    shares.get("raised", ""),
                ]
                login, shares, lines = None, {}, []
                continue
            if login is not None:  # a school's lines ended without «Всего»
                block.skipped.append((lines[0], f"у ОО {login.group(1)} нет строки «Всего»: строки не прочитаны"))
            group = first
            login = _SCHOOL_ROW_RE.match(first)
            shares = {}
            lines = [number]
            if login is None:
                block.skipped.append((number, f"строка «{first}» (не ОО)"))
            yield []
        if login is not None:
            block.skipped.append((lines[0], f"у ОО {login.group(1)} нет строки «Всего»: строки не прочитаны"))


FIS_OKO_STATISTICS = FisOkoStatistics()
