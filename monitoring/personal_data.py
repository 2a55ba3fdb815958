"""What in an uploaded results file can identify a person, and the copy of the file kept without it.

Children's names never stay on disk (README, «ФИО детей не хранятся»): `result_import_create`
calls :func:`depersonalise` on the uploaded bytes in the request, before anything is saved, and
stores only what it returns.

* A column is personal when its header names a person, a birth date or an identifier
  (:func:`monitoring.readers.personal_field`: «ФИО», «Ф.И.О.», «ФИО обучающегося», «Фамилия,
  имя», «Д.р.», «Серия», «Номер документа», «СНИЛС», …), or, whatever its header, when most of
  its values look like Russian full names («Иванов Иван Иванович», «Иванов И.И.»), plausible
  birth dates or document numbers. The importer's own columns (school code, class, marks, …)
  are not blanked for their content.
* Personal columns are blanked below their header. A row without a participant code gets the
  pseudonym the reader makes from the names (:func:`monitoring.readers.row_pseudonym`, the same
  HMAC) in the participant code column: the file's own «Код участника», else the first name
  column, renamed so. The preview and the import then read the same codes from the copy as they
  would have made from the names.
* A birth date the importer refuses (31.02.2026, out of range) stays, so that the preview can
  name it: it is no one's birth date. A valid one is blanked.
* A cell that is, or holds, a plain full name, a birth date or a document number is blanked in
  any column the importer does not read (a note, a title row); in the participant code column it
  becomes the pseudonym; in a column the importer reads as something else (columns shifted by one:
  names under «Отметка») it becomes «[удалено]», so the row is refused as before, without it.

Format: a CSV stays a CSV (UTF-8, «;»), a workbook becomes .xlsx (.xls and .ods cannot be
written, and the readers take .xlsx whatever the upload was; the sheets keep their names, so the
problems name the same sheets and rows). A plain .xlsx or CSV in which nothing personal was found
is kept as uploaded, byte for byte: a region's coded export (a million rows, nothing to remove)
is then only read once at upload (about 1.2 s per 100 000 rows), not also rewritten (about
3 s more). Everything else is rewritten, so that only checked cells stay: an .xls or .ods, a
workbook with parts the readers never look at (comments, drawings, embedded objects, macros,
pivot caches), and a CSV whose end the readers did not read (after a long run of empty lines;
their note is returned so the preview still shows it).

A file the readers cannot open (damaged, password-protected, too large) is not kept at all: what
it holds cannot be checked. Its ReaderError is returned for the preview to report.

Pure Python, no Django, like the readers, whose synonyms, pseudonym and date rules it uses.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from config.lib.xlsx import csv_writer
from monitoring import readers

CODE_HEADER = "Код участника"
#: Written instead of a name, a birth date or a document number found where the importer reads
#: something else (a mark, a class, a school code, a subject), or under «Дата рождения» where it
#: is refused: the row is still refused, without the value.
REMOVED = readers.REMOVED

# --------------------------------------------------------------------------- what a value looks like

_WORD = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_SUFFIX = r"(?:\s+(?:оглы|кызы|улы|уулу))"
_FULL_NAME_RE = re.compile(
    rf"^{_WORD}\s+{_WORD}\s+[А-ЯЁ][а-яё]*(?:ич|вна|чна|ична){_SUFFIX}?$"  # Иванов Иван Иванович
    rf"|^{_WORD}\s+{_WORD}\s+{_WORD}{_SUFFIX}$"  # Мамедов Али Гасан оглы
    rf"|^{_WORD}\s+[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.)?$"  # Иванов И.И.
    rf"|^[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.\s?)?{_WORD}$"  # И.И. Иванов
)
#: Two to four capitalised words: a name, or something else; counts only for a column's majority.
_NAME_RE = re.compile(rf"^{_WORD}(?:\s+{_WORD}){{1,3}}$")
_IDENTIFIER_RE = re.compile(
    r"^\d{3}[- ]?\d{3}[- ]?\d{3}[- ]\d{2}$"  # СНИЛС 123-456-789 01
    r"|^\d{2}\s?\d{2}\s+№?\s*\d{6}$"  # паспорт 45 10 123456
    r"|^[IVXLCІ1УХЛС]{1,4}\s*[-–—]\s*[А-ЯЁ]{2}\s*№?\s*\d{6}$"  # свидетельство о рождении II-АБ 123456
)

#: The same inside a longer text: «руководитель Иванова Мария Петровна», a whole CSV line read as
#: one cell, «родился 07.08.2013».
_NOT_LETTER = r"(?<![А-Яа-яЁё])"
_NAME_IN_TEXT_RE = re.compile(
    rf"{_NOT_LETTER}{_WORD}\s+{_WORD}\s+[А-ЯЁ][а-яё]*(?:ич|вна|чна|ична)(?![А-Яа-яЁё])"
    rf"|{_NOT_LETTER}{_WORD}\s+{_WORD}\s+{_WORD}{_SUFFIX}(?![А-Яа-яЁё])"
    rf"|{_NOT_LETTER}{_WORD}\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.|{_NOT_LETTER}[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?{_WORD}"
)
_IDENTIFIER_IN_TEXT_RE = re.compile(
    r"(?<!\d)\d{3}-\d{3}-\d{3}[- ]\d{2}(?!\d)|(?<![A-ZА-Я])[IVXLC]{1,4}\s*[-–—]\s*[А-ЯЁ]{2}\s*№?\s*\d{6}(?!\d)"
)
_DATE_IN_TEXT_RE = re.compile(r"(?<![\d.])\d{2}\.\d{2}\.\d{4}(?![\d.])")

PLAIN_NAME, NAME, BIRTH, IDENTIFIER, DATE, CONTAINS = 1, 2, 4, 8, 16, 32
_DATE_SHAPE_RE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
#: A value that is, or holds, a person's name, birth date or document, whatever column it is in.
STRONG = PLAIN_NAME | IDENTIFIER | CONTAINS


#: Words of the values exports write (a journal mark «НЕТ ОТМЕТКИ», «Отсутствовал», a footer
#: «Всего участников», a subject): two capitalised words of them are not a person.
_NOT_NAME_WORDS = frozenset(
    [
        "нет",
        "не",
        "отметки",
        "отметка",
        "отметок",
        "отсутствовал",
        "отсутствовала",
        "отсутствует",
        "неявка",
        "явился",
        "явилась",
        "болел",
        "болела",
        "освобожден",
        "освобождена",
        "освобождён",
        "освобождёна",
        "участвовал",
        "участвовала",
        "средние",
        "средний",
        "всего",
        "итого",
        "итог",
        "минимальная",
        "граница",
        "участников",
        "язык",
        "математика",
        "литература",
        "предмет",
        "класс",
        "балл",
        "баллы",
    ]
)


def _holds_personal(text: str) -> bool:
    probe = text.title() if text.isupper() else text
    if _NAME_IN_TEXT_RE.search(probe) or _IDENTIFIER_IN_TEXT_RE.search(text.upper()):
        return True
    return any(readers.birth_date_problem(date) is None for date in _DATE_IN_TEXT_RE.findall(text))


def _classify_text(text: str) -> int:
    if text.isascii() and text.isalnum():
        return 0  # a code, a number: no Cyrillic name, no date or document separators
    text = " ".join(text.split())
    if not text:
        return 0
    probe = text.title() if text.isupper() else text  # ИВАНОВ ИВАН ИВАНОВИЧ
    if any(word in _NOT_NAME_WORDS for word in text.casefold().split()):
        return CONTAINS if len(text) > 8 and _holds_personal(text) else 0
    if _FULL_NAME_RE.match(probe):
        return PLAIN_NAME | NAME
    if _NAME_RE.match(probe):
        return NAME
    if _IDENTIFIER_RE.match(text.upper()):
        return IDENTIFIER
    if any(char.isdigit() for char in text) and readers.birth_date_problem(text) is None:
        return BIRTH | DATE
    if _DATE_SHAPE_RE.match(text):
        return DATE  # a date, or what was meant as one (31.02.2026)
    return CONTAINS if len(text) > 8 and _holds_personal(text) else 0


class _Classifier(dict):
    """value → flags, computed once per distinct text (a column repeats its values a lot)."""

    def __missing__(self, text: str) -> int:
        flags = _classify_text(text)
        if len(self) < 200_000:
            self[text] = flags
        return flags

    def of(self, value: object) -> int:
        kind = type(value)
        if kind is str:
            return self[value] if value else 0  # type: ignore[index]
        if kind in (dt.date, dt.datetime):
            return BIRTH | DATE if readers.birth_date_problem(value) is None else DATE
        return 0  # numbers, booleans, times: never a name; a birth date only under its header


# --------------------------------------------------------------------------- the plan of a sheet


@dataclass
class _Plan:
    """What to change in one sheet, found by reading it once."""

    name: str
    header: int | None = None  # 0-based row of the header, None when the sheet has none
    first_data: int = 0  # rows before it are titles and headers
    labels: dict[int, int] = field(default_factory=dict)  # column → row of its header label
    texts: dict[int, str] = field(default_factory=dict)  # column → its header label
    roles: dict[int, str] = field(default_factory=dict)  # personal column → why
    code: int | None = None  # the file's participant code column
    code_out: int | None = None  # where codes are written
    sources: dict[str, int | None] = field(default_factory=dict)  # readers.row_pseudonym's columns
    scrub: set[int] = field(default_factory=set)  # unread columns with a name, date or document here and there
    guard: dict[int, int] = field(default_factory=dict)  # read columns: which values become REMOVED
    titles_scrub: bool = False  # a name or document in the rows above the data
    touched: bool = False

    @property
    def renamed(self) -> bool:
        return self.code_out is not None and self.code_out != self.code


def _blank_row(row: list) -> bool:
    return all(value is None or value == "" or (type(value) is str and not value.strip()) for value in row)


def _cell(rows: list[list], i: int, j: int) -> str:
    return readers._cell_text(rows[i][j]) if 0 <= i < len(rows) and j < len(rows[i]) else ""


def _header_row(top: list[list]) -> int | None:
    """The row naming the most known columns among the first rows (a data row names none)."""
    best, best_score = None, 0
    for i, row in enumerate(top):
        score = 0
        for value in row:
            text = readers._cell_text(value)
            if text and any(char.isalpha() for char in text) and readers.header_field(text) not in (None, "task"):
                score += 1
        if score > best_score:
            best, best_score = i, score
    return best


def _sub_header(top: list[list], i: int) -> bool:
    """Whether row ``i`` is the lower row of a two-row header: every value in it is a header (a data
    row has a school code, and a first row «Эксперт» under «ФИО» is a value, not a label)."""
    if not 0 <= i < len(top) or _blank_row(top[i]):
        return False
    return all(readers.header_field(value) is not None for value in top[i] if readers._cell_text(value))


def _label(top: list[list], header: int, j: int) -> tuple[int, str | None] | None:
    """Where the label of column ``j`` is and what it names. A label merged over two header rows
    sits in the upper one; "ФИО" may stand over "Фамилия", "Имя", "Отчество" in the row below."""
    below = _cell(top, header + 1, j) if _sub_header(top, header + 1) else ""
    text = _cell(top, header, j)
    if text:
        field_name = readers.header_field(text)
        if field_name in readers.PERSONAL_FIELDS and readers.personal_field(below):
            return header + 1, readers.personal_field(below)
        return header, field_name
    above = _cell(top, header - 1, j)
    if above and not _blank_row(top[header - 1]):
        return header - 1, readers.header_field(above)
    if below and readers.personal_field(below):
        return header + 1, readers.personal_field(below)
    return None


#: Columns the importer reads as free text: a two-word value there may be legitimate («Русский
#: Язык», «Не Участвовал»), so only a plain full name or a document number is taken out.
_TEXT_FIELDS = frozenset({"subject", "level", "status", "absent", "school_name"})


def _survey(name: str, rows: Iterable[list], *, students: bool, classify: _Classifier) -> _Plan:
    plan = _Plan(name=name)
    rows = iter(rows)
    top: list[list] = []
    seen = 0
    for row in rows:
        top.append(row)
        if not _blank_row(row):
            seen += 1
            if seen >= readers.HEADER_SCAN_ROWS:
                break
    plan.header = _header_row(top)
    fields: dict[int, str | None] = {}  # column → what its header names (missing: nothing known)
    if plan.header is not None:
        for j in range(max((len(row) for row in top), default=0)):
            found = _label(top, plan.header, j)
            if found is None:
                continue
            plan.labels[j], fields[j] = found
            plan.texts[j] = _cell(top, plan.labels[j], j)
            if fields[j] in readers.PERSONAL_FIELDS:
                plan.roles[j] = fields[j]  # type: ignore[assignment]
            elif fields[j] == "participant_code" and plan.code is None and students:
                plan.code = j
        plan.first_data = max([plan.header, *plan.labels.values()]) + 1

    # One pass over the data: per column, how many values, and how many of them look personal:
    # [names, birth dates, identifiers, plain names or documents, anything personal, dates]
    values: list[int] = []
    stats: dict[int, list[int]] = {}
    of, texts = classify.of, classify  # texts: str → flags, cached
    for i, row in enumerate(chain(top, rows)):
        if i < plan.first_data:
            if not plan.titles_scrub:
                plan.titles_scrub = any(_personal_above_data(plan, j, value, classify) for j, value in enumerate(row))
            continue
        if len(row) > len(values):
            values += [0] * (len(row) - len(values))
        for j, value in enumerate(row):
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                flags = texts[value]
            elif kind is float or kind is int or kind is bool:
                values[j] += 1  # a number is never a name (a birth date only under its header)
                continue
            elif value is None:
                continue
            else:
                flags = of(value)
            values[j] += 1
            if flags:
                entry = stats.get(j)
                if entry is None:
                    entry = stats[j] = [0, 0, 0, 0, 0, 0]
                if flags & NAME:
                    entry[0] += 1
                if flags & BIRTH:
                    entry[1] += 1
                if flags & IDENTIFIER:
                    entry[2] += 1
                if flags & STRONG:
                    entry[3] += 1
                if flags & ~DATE:
                    entry[4] += 1
                if flags & DATE:
                    entry[5] += 1

    plan.touched = plan.titles_scrub or any(values[j] for j in plan.roles if j < len(values))
    for j, (names, births, identifiers, strong, personal, dates) in stats.items():
        if j in plan.roles:
            continue
        total = values[j]
        field_name = fields.get(j)
        if field_name is None or j == plan.code:
            role = None
            if names * 2 > total:
                role = "content_name"
            elif dates * 2 > total and births:
                role = "content_birth"  # mostly dates, some of them a child's (others mistyped)
            elif identifiers * 2 > total and j != plan.code:
                role = "content_identifier"
            if role is not None:
                plan.roles[j] = role
                plan.touched = True
            elif strong or births:
                plan.touched = True  # in the code column, _code makes names into codes
                if j != plan.code:
                    plan.scrub.add(j)
        else:
            # A column the importer reads: a name, a birth date or a document there is an error it
            # reports with the value, so the value is replaced and the row still refused.
            text = field_name in _TEXT_FIELDS
            if (strong or births) if text else personal:
                plan.guard[j] = STRONG | BIRTH if text else NAME | BIRTH | IDENTIFIER | CONTAINS
                plan.touched = True

    if students and plan.touched:
        _plan_codes(plan)
    return plan


def _personal_above_data(plan: _Plan, j: int, value: object, classify: _Classifier) -> bool:
    """A cell of a title or header row that names someone: a plain full name, a document or a birth
    date anywhere; anything personal-looking in a personal column (a data row above the header),
    but never a header label."""
    if value is None or value == "":
        return False
    flags = classify.of(value)
    mask = NAME | BIRTH | IDENTIFIER if j in plan.roles else STRONG | BIRTH
    return bool(flags & mask) and readers.header_field(value) is None


def _plan_codes(plan: _Plan) -> None:
    """Which columns make the pseudonym, and where it is written."""

    def first(role: str) -> int | None:
        return min((j for j, r in plan.roles.items() if r == role and j != plan.code), default=None)

    sources = {
        "full_name": first("full_name"),
        "last_name": first("last_name"),
        "first_name": first("first_name"),
        "middle_name": first("middle_name"),
        "birth_date": first("birth_date"),
        # Documents make namesakes two participants (readers.pseudonym).
        "identifiers": tuple(sorted(j for j, role in plan.roles.items() if role == "identifier" and j != plan.code)),
    }
    if sources["full_name"] is None and sources["last_name"] is None and sources["first_name"] is None:
        sources["full_name"] = first("content_name")
    if sources["birth_date"] is None:
        sources["birth_date"] = first("content_birth")
    plan.sources = sources
    names = [sources[key] for key in ("full_name", "last_name", "first_name") if sources[key] is not None]
    if plan.code is not None:
        plan.code_out = plan.code
    elif names and plan.header is not None:
        plan.code_out = min(names)


# --------------------------------------------------------------------------- writing the copy


def _blanked(role: str, value: object, *, students: bool, classify: _Classifier) -> object:
    if role == "birth_date" and students:
        flags = classify.of(value)
        if not flags & BIRTH and readers.birth_date_problem(value) is not None:
            # Refused by the importer, so the preview names it; unless it is, or holds, a name, a
            # date or a number written in the wrong column.
            return REMOVED if flags & (NAME | IDENTIFIER | CONTAINS) else value
    return ""


def _code(plan: _Plan, row: list, key: bytes, classify: _Classifier) -> object:
    """The participant code of a data row: the file's own, else the pseudonym of its names."""
    existing = row[plan.code] if plan.code is not None and plan.code < len(row) else ""
    flags = classify.of(existing) if existing != "" else 0
    # In a column of names a two-word name counts; elsewhere only what is plainly a name. A code
    # is never a date; a document-like code («4510 123456») may be a real code and stays.
    name_here = flags & (NAME if plan.roles.get(plan.code) == "content_name" else PLAIN_NAME)
    if readers._cell_text(existing) and not name_here and not flags & (BIRTH | CONTAINS):
        return existing
    code = readers.row_pseudonym(key, row, **plan.sources) if plan.sources else ""
    if not code and name_here:
        code = readers.row_pseudonym(
            key,
            row,
            full_name=plan.code,
            last_name=None,
            first_name=None,
            middle_name=None,
            birth_date=plan.sources.get("birth_date"),
        )
    return code


def _repeats_a_header(row: list, plan: _Plan, classify: _Classifier) -> bool:
    """A header row again below the data: a protocol of several blocks heads each of its blocks,
    printed exports repeat the header on every page. Three cells that say, in words, what three
    of the sheet's header labels say («Код ОО», «Фамилия», «Первичный балл») are a header; a
    participant's row has values there. Numbers never count: «1», «2», «5» name tasks in a header
    and are scores in a row; nor does a value that merely holds a label's word («Фамилия1»)."""
    labels = {text.casefold() for text in plan.texts.values() if any(char.isalpha() for char in text)}
    if len(labels) < 3:
        return False
    found = 0
    for value in row:
        if type(value) is not str or not value:
            continue
        if classify.of(value) & (STRONG | NAME | BIRTH):
            return False  # whatever else it holds, a row with a name or a date is treated as data
        if readers._cell_text(value).casefold() in labels:
            found += 1
    return found >= 3


def _rewrite(plan: _Plan, rows: Iterable[list], *, key: bytes, students: bool, classify: _Classifier) -> Iterator[list]:
    for i, row in enumerate(rows):
        if i < plan.first_data or (i > plan.first_data and _repeats_a_header(row, plan, classify)):
            out = list(row)
            if plan.titles_scrub:
                out = ["" if _personal_above_data(plan, j, value, classify) else value for j, value in enumerate(out)]
            if plan.renamed:
                # Every header row naming the column a person names it «Код участника»: "ФИО" over
                # "Фамилия" may be read as one header or as two, and both must find the codes.
                j: int = plan.code_out  # type: ignore[assignment]
                out += [""] * (j + 1 - len(out))
                if i == plan.labels.get(j) or readers.personal_field(out[j]) or i > plan.first_data:
                    out[j] = CODE_HEADER
            yield out
            continue
        if not plan.roles and not plan.scrub and not plan.guard and plan.code_out is None:
            yield row
            continue
        out = list(row)
        code = _code(plan, row, key, classify) if plan.code_out is not None else None
        width = len(out)
        for j, role in plan.roles.items():
            if j < width and j != plan.code_out:
                out[j] = _blanked(role, out[j], students=students, classify=classify)
        for j in plan.scrub:
            if j < width and j != plan.code_out and classify.of(out[j]) & (STRONG | BIRTH):
                out[j] = ""
        for j, mask in plan.guard.items():
            if j < width and classify.of(out[j]) & mask:
                out[j] = REMOVED
        if plan.code_out is not None:
            out += [""] * (plan.code_out + 1 - width)
            out[plan.code_out] = code
        if _blank_row(out) and not _blank_row(row):
            # A row that held only a name stays a row, so the preview still reports it.
            out[next(j for j, value in enumerate(row) if readers._cell_text(value))] = REMOVED
        yield out


# ---- the .xlsx copy ---------------------------------------------------------------------------
# Written here rather than with openpyxl: openpyxl's write-only mode writes about 12 000 rows a
# second, so a region's ОГЭ export with names (200 000 rows) would hold the upload request for
# 17 s; this writes the same cells ten times faster. It writes only what the readers read back:
# values (inline strings, numbers, booleans, dates and times with a built-in number format) in one
# sheet part per sheet, with the workbook's minimal frame. Text is never a formula here.

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: cellXfs: 0 general, 1 date, 2 date and time, 3 time, 4 duration (built-in formats 14, 22, 21, 46).
_STYLES = (
    f'{_XML_HEAD}<styleSheet xmlns="{_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    + "".join(
        f'<xf numFmtId="{number}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        for number in (14, 22, 21, 46)
    )
    + '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_EPOCH = dt.datetime(1899, 12, 30)
_BAD_TITLE_RE = re.compile(r"[\\/*?:\[\]]")
#: What XML cannot hold, written as the spreadsheet escape _xHHHH_ (read back as the character);
#: a literal "_xHHHH_" in the text gets its underscore escaped, so it is read back as written.
_NOT_IN_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def _xml_text(text: str) -> str:
    if _NOT_IN_XML_RE.search(text):
        text = _NOT_IN_XML_RE.sub(lambda match: f"_x{ord(match.group()):04X}_", text)
    return text.translate(_XML_ESCAPES)


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _xml_cell(ref: str, value: object) -> str:
    kind = type(value)
    if kind is str:
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_xml_text(value)}</t></is></c>'  # type: ignore[arg-type]
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'  # type: ignore[call-overload]
    if kind is float or kind is int:
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if kind is dt.datetime:
        style, number = (1 if value.time() == dt.time() else 2), (value - _EPOCH) / dt.timedelta(days=1)  # type: ignore[operator, attr-defined]
    elif kind is dt.date:
        style, number = 1, (value - _EPOCH.date()).days  # type: ignore[operator]
    elif kind is dt.time:
        style = 3
        number = (dt.datetime.combine(_EPOCH.date(), value) - _EPOCH) / dt.timedelta(days=1)  # type: ignore[arg-type]
    elif kind is dt.timedelta:
        style, number = 4, value / dt.timedelta(days=1)  # type: ignore[operator]
    else:
        return _xml_cell(ref, str(value))
    return f'<c r="{ref}" s="{style}"><v>{number!r}</v></c>'


def _sheet_xml(rows: Iterable[list]) -> Iterator[bytes]:
    yield f'{_XML_HEAD}<worksheet xmlns="{_NS}"><sheetData>'.encode()
    letters: list[str] = []
    chunk: list[str] = []
    for number, row in enumerate(rows, start=1):
        if len(row) > len(letters):
            letters += [_column_letters(j) for j in range(len(letters), len(row))]
        cells = "".join(
            _xml_cell(f"{letters[j]}{number}", value)
            for j, value in enumerate(row)
            if value is not None and value != ""
        )
        if cells:
            chunk.append(f'<row r="{number}">{cells}</row>')
            if len(chunk) >= 2_000:
                yield "".join(chunk).encode()
                chunk.clear()
    yield ("".join(chunk) + "</sheetData></worksheet>").encode()


def _write_xlsx(sheets: Iterator[tuple[_Plan, Iterator[list]]]) -> bytes:
    buffer = io.BytesIO()
    titles: list[str] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for plan, rows in sheets:
            title = _BAD_TITLE_RE.sub("_", plan.name)[:31] or "Лист"
            number = 1
            while title.casefold() in {used.casefold() for used in titles}:
                number += 1
                title = f"{title[: 31 - len(str(number)) - 1]}_{number}"
            titles.append(title)
            with archive.open(f"xl/worksheets/sheet{len(titles)}.xml", "w") as part:
                for piece in _sheet_xml(rows):
                    part.write(piece)
        if not titles:
            titles.append("Лист1")
            archive.writestr("xl/worksheets/sheet1.xml", b"".join(_sheet_xml([])))
        count = len(titles)
        sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        archive.writestr(
            "[Content_Types].xml",
            f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>'
                for n in range(1, count + 1)
            )
            + "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'{_XML_HEAD}<Relationships xmlns="{_PACKAGE_REL_NS}"><Relationship Id="rId1" '
            f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'{_XML_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheets>'
            + "".join(
                f'<sheet name="{_xml_text(title)}" sheetId="{n}" r:id="rId{n}"/>'
                for n, title in enumerate(titles, start=1)
            )
            + "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_XML_HEAD}<Relationships xmlns="{_PACKAGE_REL_NS}">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, count + 1)
            )
            + f'<Relationship Id="rId{count + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>',
        )
        archive.writestr("xl/styles.xml", _STYLES)
    return buffer.getvalue()


def _write_csv(sheets: Iterator[tuple[_Plan, Iterator[list]]]) -> bytes:
    buffer = io.StringIO()
    # The product's one CSV writer: a formula-like field gets the apostrophe the readers drop again.
    writer = csv_writer(buffer, delimiter=";", lineterminator="\r\n")
    for _, rows in sheets:
        writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


# --------------------------------------------------------------------------- the kept copy

#: The parts of an .xlsx that hold only cells, styles and the workbook's frame.
_PLAIN_XLSX_PART_RE = re.compile(
    r"^(?:\[Content_Types\]\.xml|_rels/\.rels|docProps/(?:app|core)\.xml"
    r"|xl/(?:workbook\.xml|_rels/workbook\.xml\.rels|styles\.xml|sharedStrings\.xml|calcChain\.xml"
    r"|theme/theme\d+\.xml|worksheets/sheet\d+\.xml|printerSettings/printerSettings\d+\.bin"
    # A sheet's relationships: its printer settings (allowed above) or parts that are not (then
    # present as members themselves, and the workbook is rewritten).
    r"|worksheets/_rels/sheet\d+\.xml\.rels))$"
)


def _plain(data: bytes, *, text: bool, notes: list) -> bool:
    """Whether the upload holds nothing but what the readers read (then it may be kept as is)."""
    if text:
        return not notes
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return all(_PLAIN_XLSX_PART_RE.match(name) for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # an .xls: rewritten as .xlsx


#: Rows of each sheet the quick survey reads: titles, headers and the first data rows.
_HEAD_ROWS = 200


def _may_be_personal(text: str) -> bool:
    # What `_classify_text` says at once of a code or a number, said without calling it for each
    # of a million distinct codes.
    return bool(text) and not (text.isascii() and text.isalnum())


def _coded_plans(
    data: bytes, filename: str, max_bytes: int, *, students: bool, classify: _Classifier
) -> list[_Plan] | None:
    """The plans of an .xlsx found without reading all of it, or None when it must be read.

    A coded export (a region's million rows of codes and marks) holds its text only in the
    shared-strings table or as plain inline strings. When no header names a personal column,
    nothing in the first rows looks personal, the rows below hold nothing but strings and plain
    numbers (`XlsxBook.texts_below`, a scan of the bytes) and no distinct text of the file looks
    like a name, a birth date or a document, then no value of the file is personal and the full survey would find nothing: the file
    is judged in a tenth of the time. Any doubt sends it to the full survey."""
    with _opened(data, filename, max_bytes) as source:
        book = source.book
        if book is None:
            return None
        plans = []
        for (name, rows), (_, part) in zip(source.sheets, book.sheet_parts, strict=True):
            plan = _survey(name, islice(rows, _HEAD_ROWS), students=students, classify=classify)
            if plan.touched or plan.roles:
                return None
            texts = book.texts_below(part, _HEAD_ROWS)
            if texts is None or any(classify[text] for text in texts if _may_be_personal(text)):
                return None
            plans.append(plan)
        if any(classify[text] for text in book.strings if _may_be_personal(text)):
            return None
        return plans


@dataclass
class KeptCopy:
    """What is kept of an upload: ``content`` (None when the file cannot be opened, with ``error``),
    its file name, whether it was rewritten, which columns were found personal, and the readers'
    notes about a part of the file that was not read (and so not kept)."""

    content: bytes | None
    name: str
    rewritten: bool = False
    personal_columns: list[str] = field(default_factory=list)
    notes: list[readers.Problem] = field(default_factory=list)
    error: readers.ReaderError | None = None


def _opened(data: bytes, filename: str, max_bytes: int):
    """The one place an upload is opened here: through the readers' guarded opener and limits
    (a refusal, wherever the read is when it comes, is a ReaderError)."""
    return readers._opened(data, filename, max_bytes)


def _described(plans: list[_Plan], *, text: bool) -> list[str]:
    """The columns found personal, as the page lists them: «ФИО» (лист «Лист1»)."""
    found = []
    for plan in plans:
        for j in sorted({*plan.roles, *plan.scrub, *plan.guard}):
            label = f"«{plan.texts[j]}»" if plan.texts.get(j) else f"столбец {_column_letters(j)}"
            if plan.renamed and j == plan.code_out:
                label = f"{label} (теперь «{CODE_HEADER}»)"
            elif j in plan.guard:
                label = f"{label} (отдельные значения — «{REMOVED}»)"
            found.append(label if text else f"{label} на листе «{plan.name}»")
    return found


def depersonalise(data: bytes, *, filename: str, key: bytes, students: bool, max_bytes: int) -> KeptCopy:
    """The copy of an uploaded results file that may be kept (see the module's docstring).

    ``students``: a format A file (participants), whose rows without a participant code get the
    pseudonym of their names; ``key`` is the installation's pseudonym key.
    """
    classify = _Classifier()
    try:
        plans, text, notes = _coded_plans(data, filename, max_bytes, students=students, classify=classify), False, []
        if plans is None:
            with _opened(data, filename, max_bytes) as source:
                plans = [_survey(name, rows, students=students, classify=classify) for name, rows in source.sheets]
                text, notes = source.kind == "csv", readers._notes(source)
        if not any(plan.touched for plan in plans) and _plain(data, text=text, notes=notes):
            return KeptCopy(content=data, name=filename)
        with _opened(data, filename, max_bytes) as source:
            sheets = (
                (plan, _rewrite(plan, rows, key=key, students=students, classify=classify))
                for plan, (_, rows) in zip(plans, source.sheets, strict=True)
            )
            content = _write_csv(sheets) if text else _write_xlsx(sheets)
    except readers.ReaderError as error:
        return KeptCopy(content=None, name=filename, error=error)
    stem = Path(filename).stem or "file"
    return KeptCopy(
        content=content,
        name=f"{stem}.csv" if text else f"{stem}.xlsx",
        rewritten=True,
        personal_columns=_described(plans, text=text),
        notes=notes,
    )
