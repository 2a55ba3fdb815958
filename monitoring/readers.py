"""Readers for assessment result files (ВПР, ОГЭ, ЕГЭ, КДР): format A (one row per participant)
and format B (school statistics), as described in shared/formats/IMPORT_FORMATS.md.

Pure Python apart from Django's table of column ranges (config/lib/numbers.py): the import
service calls these functions, shows the problems and writes the rows. Nothing here touches the
database, so a dry run and a real import read a file the same way.

How cell values are understood
------------------------------
* Codes (school code, participant code) are kept as text. A code typed into a *text* cell keeps
  its leading zeros ("000123"); a code stored as a *number* cannot have them (Excel already
  dropped them when the cell was typed), so the number 123.0 becomes "123".
* Whole numbers stored as floats (calamine returns every number as a float) become ints;
  "12,5" with a decimal comma is a number too.
* Names (ФИО, Фамилия, Имя, Отчество, Дата рождения) are read only to make a pseudonymous
  participant code (:func:`pseudonym`) when the file has none; they never leave this module.
* The header row is found among the first :data:`HEADER_SCAN_ROWS` non-empty rows of every
  sheet (a two-row header is read too); sheets without one are skipped. Empty rows and the header
  repeated further down (printed exports repeat it on every page) are skipped silently.
* A task score "Х" or "-" means the task was not attempted and is stored as no score.
* Every number a row holds is checked against the range of the model field it is stored in,
  narrowed by what the number means (:data:`NUMBERS`): a row the database would refuse is a
  rejected row, so the preview never promises rows the import cannot write.

Hostile input
-------------
Files come from outside, so they are opened only through :mod:`config.lib.untrusted`: sizes,
archive members, compression ratios, cell counts, DTDs and formulas are checked before anything
is read whole, and sheets are streamed row by row. Its refusals become :class:`ReaderError`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from config.lib.numbers import Range, number_text, parse_number, refusal, type_range
from config.lib.untrusted import DEFAULT, FileRefused, Table, open_table
from config.lib.xlsx import unescape_text

__all__ = [
    "LEVELS",
    "NUMBERS",
    "TEXTS",
    "PERSONAL_FIELDS",
    "REMOVED",
    "Problem",
    "ReadResult",
    "ReaderError",
    "SchoolStatRow",
    "StudentRows",
    "birth_date_problem",
    "header_field",
    "normalize_subject",
    "parse_class",
    "personal_field",
    "pseudonym",
    "read_school_stats",
    "read_student_results",
    "row_pseudonym",
]

# --------------------------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------------------------

#: Header search stops after this many consecutive empty rows.
EMPTY_RUN_LIMIT = 10_000
#: The header row is searched for among this many non-empty rows at the top of a sheet.
HEADER_SCAN_ROWS = 30
PROGRESS_EVERY = 10_000


# --------------------------------------------------------------------------------------------
# Public types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing that stops a row (or the file) from being imported.

    ``row`` is the row number as Excel shows it (1-based; the record number for a CSV),
    ``column`` is the header as written in the file, or the expected column name when the
    column is missing; ``reason`` is Russian and names what is wrong.
    """

    sheet: str
    row: int | None
    column: str
    value: str
    reason: str


class ReaderError(Exception):
    """The file as a whole cannot be read; the message is Russian and ``problems`` says why."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems: list[Problem] = (
            problems if problems is not None else [Problem(sheet="", row=None, column="", value="", reason=message)]
        )


#: Canonical КДР levels, lowest first (kdr_cohort_kept compares them in this order).
LEVELS = ("insufficient", "low", "base", "high")


@dataclass
class StudentRows:
    """Accepted format A rows, column by column: entry ``i`` of every list is one participant.

    ``task_scores[i]`` holds the task scores of the row joined with "," in the order of
    :attr:`ReadResult.tasks` (e.g. "1,0,2,,1"): an empty entry means no score (empty cell or
    "Х"/"-" for a task not attempted), and missing trailing entries mean no score too, so a row
    without any task score is "".
    """

    school_code: list[str] = field(default_factory=list)
    class_name: list[str] = field(default_factory=list)
    grade: list[int | None] = field(default_factory=list)
    class_letter: list[str] = field(default_factory=list)
    subject: list[str] = field(default_factory=list)
    participant_code: list[str] = field(default_factory=list)
    variant: list[int | None] = field(default_factory=list)
    task_scores: list[str] = field(default_factory=list)
    primary_score: list[int | None] = field(default_factory=list)
    test_score: list[int | None] = field(default_factory=list)
    mark: list[int | None] = field(default_factory=list)
    level: list[str] = field(default_factory=list)
    journal_mark: list[int | None] = field(default_factory=list)
    control_group: list[bool] = field(default_factory=list)
    ovz: list[bool] = field(default_factory=list)
    source_row: list[int] = field(default_factory=list)
    sheet: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.source_row)


@dataclass(frozen=True, slots=True)
class SchoolStatRow:
    """One format B row: the mark distribution of one school, subject and grade (counts)."""

    school_code: str
    school_name: str
    subject: str
    grade: int
    participants: int
    marks: dict[int, int]
    lowered: int | None
    confirmed: int | None
    raised: int | None
    source_row: int
    sheet: str


@dataclass
class ReadResult:
    """What a file holds. ``read`` counts the non-empty data rows seen (accepted, absent and
    rejected); ``columns`` maps canonical fields (and ``task:<label>``) to headers as written in
    the first sheet read; ``tasks`` lists the task labels that ``task_scores`` follow."""

    kind: str
    read: int
    absent: int
    rows: StudentRows | list[SchoolStatRow]
    problems: list[Problem]
    school_codes: set[str]
    subjects: set[str]
    grades: set[int]
    header_row: int
    columns: dict[str, str]
    tasks: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------------------------

_HEADER_JUNK_RE = re.compile(r"[\s«»\"'“”„‟`*:.%]+")
_SPACES_RE = re.compile(r"\s+")
_WORD_JUNK_RE = re.compile(r"[^\w]+")


def _header_key(text: str) -> str:
    """Header matching key: case-, space- and ё-insensitive, quotes, dots, colons, % ignored."""
    return _HEADER_JUNK_RE.sub("", text.casefold().replace("ё", "е"))


def _word_key(text: str) -> str:
    """Value matching key: casefolded, ё → е, punctuation → single spaces."""
    return _WORD_JUNK_RE.sub(" ", text.casefold().replace("ё", "е")).replace("_", " ").strip()


def _cell_text(value: object) -> str:
    """A cell as text: strings stripped, whole floats without ".0", dates in ISO form; the
    apostrophe a CSV written by the product puts before "-", "=" … (config/lib/xlsx.py) dropped."""
    kind = type(value)
    if kind is str:
        text = value.strip()  # type: ignore[union-attr]
        return unescape_text(text) if text[:1] == "'" else text
    if kind is float:
        if value.is_integer():  # type: ignore[union-attr]
            return str(int(value))  # type: ignore[call-overload]
        return repr(value)
    if kind is bool:
        return "1" if value else "0"
    if kind is int:
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    return str(value).strip()


_NUMBER_STRIP = "«»\"'“”„ \u00a0\u202f"


class _Bad:
    """Marker of a value that could not be understood (kept apart from a legitimate None)."""

    __slots__ = ()


_BAD = _Bad()
_MISS = object()


def _number(value: object) -> int | float | None | _Bad:
    """A cell as a number: None when empty, _BAD when not a number. Whole values become int."""
    kind = type(value)
    if kind is float:
        if value.is_integer():  # type: ignore[union-attr]
            return int(value)  # type: ignore[call-overload]
        return _BAD if math.isnan(value) or math.isinf(value) else value  # type: ignore[return-value, arg-type]
    if kind is str:
        text = value.strip(_NUMBER_STRIP)  # type: ignore[union-attr]
        if not text:
            return None
        text = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            return _BAD
        if math.isnan(number) or math.isinf(number):
            return _BAD
        return int(number) if number.is_integer() else number
    if kind is int:
        return value  # type: ignore[return-value]
    if value is None:
        return None
    return _BAD


# --------------------------------------------------------------------------------------------
# Numbers and the columns they are stored in
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredNumber:
    """A number of a row: the model fields it is stored in ("Model.field", all of one type) and
    the numbers accepted, which are that column type's range narrowed by what the number means."""

    stored_in: tuple[str, ...]
    field_type: str
    allowed: Range


def _stored(stored_in: str | tuple[str, ...], field_type: str, low=None, high=None, *, whole=True) -> StoredNumber:
    column = type_range(field_type)
    allowed = column.within(low, high)
    if not whole:
        allowed = Range(allowed.low, allowed.high, whole=False)
    return StoredNumber((stored_in,) if isinstance(stored_in, str) else stored_in, field_type, allowed)


_COUNT_FIELDS = tuple(
    f"SchoolStat.{name}" for name in ("mark_2", "mark_3", "mark_4", "mark_5", "lowered", "confirmed", "raised")
)

#: Every number the readers accept, and the model fields (monitoring/models/results.py) it ends up
#: in; tests/monitoring/test_number_ranges.py holds the field types here to the models.
NUMBERS: dict[str, StoredNumber] = {
    "grade": _stored("Assessment.grade", "PositiveSmallIntegerField", 1, 11),
    "variant": _stored("StudentResult.variant", "PositiveSmallIntegerField"),
    # Task scores are kept as text, but each is a part of the primary score: no larger than it may be.
    "task": _stored("StudentResult.primary_score", "PositiveSmallIntegerField"),
    "primary_score": _stored("StudentResult.primary_score", "PositiveSmallIntegerField"),
    "test_score": _stored("StudentResult.test_score", "PositiveSmallIntegerField", 0, 100),
    "mark": _stored("StudentResult.mark", "PositiveSmallIntegerField", 2, 5),
    "journal_mark": _stored("StudentResult.journal_mark", "PositiveSmallIntegerField", 2, 5),
    "participants": _stored("SchoolStat.participants", "PositiveIntegerField", 1),
    # Format B marks and journal comparison: counts, or percentages when fractional (made counts).
    "count": _stored(_COUNT_FIELDS, "PositiveIntegerField", whole=False),
    "percent": _stored(_COUNT_FIELDS, "PositiveIntegerField", 0, 100, whole=False),
}


@dataclass(frozen=True, slots=True)
class StoredText:
    """Text of a row kept in a column of limited length: the model field and its max_length."""

    stored_in: str
    max_length: int


#: Text the readers accept into columns of limited length (tests hold them to the models): a
#: class name not recognised is kept as written, so it may be longer than the column.
TEXTS: dict[str, StoredText] = {
    "subject": StoredText("Assessment.subject", 200),
    "class_name": StoredText("StudentResult.class_name", 20),
    "participant_code": StoredText("StudentResult.participant_code", 64),
}
_SUBJECT_MAX = TEXTS["subject"].max_length
_CLASS_MAX = TEXTS["class_name"].max_length
_CODE_MAX = TEXTS["participant_code"].max_length


def _too_long(label: str, text: str, name: str) -> str:
    limit = TEXTS[name].max_length
    return f"{label} длиннее {limit} символов ({len(text)}): сократите до {limit}"


_GRADE_LOW, _GRADE_HIGH = NUMBERS["grade"].allowed.low, NUMBERS["grade"].allowed.high
_GRADES = f"{_GRADE_LOW}–{_GRADE_HIGH}"


def _whole_in(allowed: Range) -> Callable[[object], int | None | _Bad]:
    """A cell parser: a whole number inside ``allowed``, None when empty, _BAD otherwise."""
    low, high = allowed.low, allowed.high

    def parse(value: object) -> int | None | _Bad:
        number = _number(value)
        if number is None:
            return None
        if number.__class__ is int and low <= number <= high:  # type: ignore[operator]
            return number  # type: ignore[return-value]
        return _BAD

    return parse


def _number_refusal(label: str, name: str, raw: object) -> str:
    """The reason a cell is not an acceptable ``NUMBERS[name]``: the value and the range named."""
    allowed = NUMBERS[name].allowed
    number = _number(raw)
    if number is _BAD:  # not a number to the reader: text, a boolean, infinity, "nan", a thousand digits
        number = None if raw.__class__ is bool else parse_number(_cell_text(raw).strip(_NUMBER_STRIP))
    reason = refusal(label, raw, number, allowed)
    return reason or f"{label} «{_cell_text(raw)}» — не число: ожидается {allowed.describe()}"


# --------------------------------------------------------------------------------------------
# Subjects, classes, levels, yes/no
# --------------------------------------------------------------------------------------------

_SUBJECT_ALIASES: dict[str, tuple[str, ...]] = {
    "Русский язык": ("русский язык", "русский", "рус яз", "русяз", "рус язык", "русск яз"),
    "Математика": ("математика", "мат", "матем"),
    "Математика (профильная)": (
        "математика профильная",
        "математика профиль",
        "математика проф",
        "математика п",
        "математика профильный уровень",
        "математика профильного уровня",
        "профильная математика",
        "математика профильная часть",
    ),
    "Математика (базовая)": (
        "математика базовая",
        "математика база",
        "математика баз",
        "математика б",
        "математика базовый уровень",
        "математика базового уровня",
        "базовая математика",
    ),
    "Окружающий мир": ("окружающий мир", "окр мир"),
    "Читательская грамотность": ("читательская грамотность", "чг"),
    "Математическая грамотность": ("математическая грамотность", "мг"),
    "Естественнонаучная грамотность": ("естественнонаучная грамотность", "естественно научная грамотность"),
    "Финансовая грамотность": ("финансовая грамотность",),
    "Глобальные компетенции": ("глобальные компетенции",),
    "Креативное мышление": ("креативное мышление",),
    "Физика": ("физика",),
    "Химия": ("химия",),
    "Биология": ("биология",),
    "География": ("география",),
    "История": ("история",),
    "Обществознание": ("обществознание",),
    "Литература": ("литература",),
    "Информатика": ("информатика", "информатика и икт", "информатика кегэ", "информатика и икт кегэ"),
    "Английский язык": ("английский язык", "английский", "англ яз"),
    "Немецкий язык": ("немецкий язык", "немецкий", "нем яз"),
    "Французский язык": ("французский язык", "французский", "франц яз"),
    "Испанский язык": ("испанский язык", "испанский"),
    "Китайский язык": ("китайский язык", "китайский"),
    "Иностранный язык": ("иностранный язык", "ин яз", "иняз"),
}
_SUBJECTS: dict[str, str] = {
    _word_key(alias): canonical for canonical, aliases in _SUBJECT_ALIASES.items() for alias in aliases
}
#: ЕГЭ in base mathematics is marked 2-5 and has no test score.
BASE_MATH = "Математика (базовая)"


def normalize_subject(text: object) -> str:
    """Canonical subject name ("рус. яз." → "Русский язык"); unknown names are kept as written,
    trimmed, with spaces collapsed and the first letter upper-case. Empty input gives ""."""
    written = _SPACES_RE.sub(" ", _cell_text(text)).strip()
    if not written:
        return ""
    canonical = _SUBJECTS.get(_word_key(written))
    if canonical:
        return canonical
    return written[0].upper() + written[1:]


_LATIN_TO_CYRILLIC = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
_CLASS_RE = re.compile(
    r"^(\d{1,2})\s*(?:-|–|—|\s)?\s*(?:кл(?:асс)?\.?\s*)?[«\"'“(]?\s*([A-Za-zА-Яа-яЁё])?\s*[»\"'”)]?\s*(?:кл(?:асс)?\.?)?$"
)


_LETTER_RE = re.compile(r"^[«\"'“(]?\s*([A-Za-zА-Яа-яЁё])\s*[»\"'”)]?$")


def parse_class(text: object) -> tuple[int | None, str]:
    """Grade and letter of a class: "5А", "5 А", "5-а", "5 «а»" → (5, "А"), "5" → (5, "").

    Letters are upper-case Cyrillic; Latin look-alikes (A, B, C, E, H, K, M, O, P, T, X, Y) are
    taken for the Cyrillic letters they look like. A letter alone (a "Класс (литера)" column)
    gives (None, "А"); text that is not a class gives (None, ""). The grade is not
    range-checked here.
    """
    written = _cell_text(text)
    match = _CLASS_RE.match(written)
    if not match:
        letter_only = _LETTER_RE.match(written)
        if letter_only:
            letter = letter_only.group(1).upper().translate(_LATIN_TO_CYRILLIC).replace("Ё", "Е")
            if "А" <= letter <= "Я":
                return None, letter
        return None, ""
    letter = (match.group(2) or "").upper().translate(_LATIN_TO_CYRILLIC).replace("Ё", "Е")
    if letter and not ("А" <= letter <= "Я"):
        return None, ""
    return int(match.group(1)), letter


_LEVEL_ALIASES = {
    "insufficient": ("недостаточный", "недостаточно"),
    "low": ("пониженный", "ниже базового", "низкий"),
    "base": ("базовый", "базовый уровень"),
    "high": ("повышенный", "выше базового", "высокий"),
}
_LEVELS = {_word_key(alias): level for level, aliases in _LEVEL_ALIASES.items() for alias in aliases}


def _parse_level(value: object) -> str | None | _Bad:
    key = _word_key(_cell_text(value))
    if not key:
        return None
    key = key.replace("уровень", "").strip()
    return _LEVELS.get(_SPACES_RE.sub(" ", key), _BAD)


_YES = frozenset({"да", "д", "1", "+", "true", "истина", "yes", "y", "v", "x", "х", "✓", "✔"})
_NO = frozenset({"нет", "н", "0", "-", "—", "–", "false", "ложь", "no", "n"})


def _parse_yes_no(value: object) -> bool | None | _Bad:
    """да/нет, 1/0, +/-, true/false (also Excel booleans); empty → None."""
    if value is True or value is False:
        return value
    text = _cell_text(value).casefold()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    return _BAD


_ABSENT_WORDS = ("отсутств", "не участв", "неучаств", "неявк", "не явил")


def _class_with_name(value: object) -> tuple[int | None, str, str]:
    """parse_class plus the class name to store: "5А" when recognised, the text otherwise."""
    grade, letter = parse_class(value)
    return grade, letter, f"{grade}{letter}" if grade is not None else _cell_text(value)


def _status_absent(value: object) -> bool:
    key = _word_key(_cell_text(value))
    return any(word in key for word in _ABSENT_WORDS)


# --------------------------------------------------------------------------------------------
# Pseudonyms
# --------------------------------------------------------------------------------------------

_HYPHEN_RE = re.compile(r"\s*[-‐‑–—]\s*")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y.%m.%d", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S")


def _normalize_name(value: object) -> str:
    text = _cell_text(value).casefold().replace("ё", "е")
    return _HYPHEN_RE.sub("-", _SPACES_RE.sub(" ", text).strip())


def _normalize_birth_date(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if type(value) in (int, float) and 1 <= value < 100_000:  # type: ignore[operator]
        # An Excel date serial in a cell without a date format.
        return (_EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()  # type: ignore[call-overload]
    text = _SPACES_RE.sub(" ", _cell_text(value)).strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return text.casefold()


def pseudonym(key: bytes, *, last_name: object, first_name: object, middle_name: object, birth_date: object) -> str:
    """A stable pseudonymous participant code: "p" + 20 hex digits of HMAC-SHA256 over the
    normalized name (casefolded, ё → е, spaces collapsed) and the ISO birth date.

    The key is a setting of the installation: with it the same child gets the same code next
    year, without the product keeping the name (ФИО are never stored).
    """
    message = "\x1f".join(
        (
            _normalize_name(last_name),
            _normalize_name(first_name),
            _normalize_name(middle_name),
            _normalize_birth_date(birth_date),
        )
    )
    return "p" + hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()[:20]


def row_pseudonym(
    key: bytes,
    row: list,
    *,
    full_name: int | None,
    last_name: int | None,
    first_name: int | None,
    middle_name: int | None,
    birth_date: int | None,
) -> str:
    """The pseudonym of one row from its name and birth-date columns (indexes into ``row``), or ""
    when the row does not name a child well enough (a surname alone is too weak to tell children
    apart: no code rather than a wrong one). The reader and the kept copy
    (:mod:`monitoring.personal_data`) both make codes here, so they always agree."""

    def text(j: int | None) -> str:
        return _cell_text(row[j]) if j is not None and j < len(row) else ""

    last, first, middle = text(last_name), text(first_name), text(middle_name)
    if full_name is not None and not (last or first):
        parts = text(full_name).split()
        if parts:
            last, first, middle = parts[0], " ".join(parts[1:2]), " ".join(parts[2:])
    if not (last and first):
        return ""
    birth = row[birth_date] if birth_date is not None and birth_date < len(row) else ""
    return pseudonym(key, last_name=last, first_name=first, middle_name=middle, birth_date=birth)


#: A participant's age on the day the file is checked: ВПР and КДР start in the first grades
#: (6-7 years old), ЕГЭ is also taken by adults of any age; outside this a date is a typo.
BIRTH_AGE_MIN = 5
BIRTH_AGE_MAX = 100
_DATE_LIKE_RE = re.compile(r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})(?:\s.*)?$")
#: What files write for "not known" instead of a date.
_NO_DATE = frozenset({"-", "—", "–", "нет", "н/д", "нд"})


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def birth_date_problem(value: object, *, today: dt.date | None = None) -> str | None:
    """Why a cell cannot be a participant's date of birth (Russian, naming the value), or None
    for a plausible date and for an empty cell. An impossible date (31.02.2026), one that is
    not a date, or one that makes the participant younger than :data:`BIRTH_AGE_MIN` or older
    than :data:`BIRTH_AGE_MAX` years is refused rather than hashed into a code silently."""
    shown = _cell_text(value)
    if not shown or shown.casefold() in _NO_DATE:
        return None
    if isinstance(value, dt.datetime):
        day: dt.date | None = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif type(value) in (int, float) and 1 <= value < 100_000:  # type: ignore[operator]
        day = _EXCEL_EPOCH + dt.timedelta(days=int(value))  # type: ignore[call-overload]
    elif type(value) is str:
        text = _SPACES_RE.sub(" ", shown)
        day = None
        for fmt in _DATE_FORMATS:
            try:
                day = dt.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        if day is None:
            if _DATE_LIKE_RE.match(text):
                return f"Дата рождения «{shown}» невозможна: такого дня нет в календаре"
            return f"Дата рождения «{shown}» не распознана: ожидается дата вида ДД.ММ.ГГГГ"
    else:
        return f"Дата рождения «{shown}» не распознана: ожидается дата вида ДД.ММ.ГГГГ"
    today = today or dt.date.today()
    earliest, latest = _years_before(today, BIRTH_AGE_MAX), _years_before(today, BIRTH_AGE_MIN)
    if not earliest <= day <= latest:
        return (
            f"Дата рождения «{shown}» вне допустимого диапазона: участнику должно быть от {BIRTH_AGE_MIN} "
            f"до {BIRTH_AGE_MAX} лет (дата с {earliest:%d.%m.%Y} по {latest:%d.%m.%Y})"
        )
    return None


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


# --------------------------------------------------------------------------------------------
# Header detection
# --------------------------------------------------------------------------------------------

_TASK_RE = re.compile(
    r"^(?:№|n|no|задание|зад|з)?\s*(\d{1,3})(?:\s*\(\s*(\d{1,2})\s*\)|\.(\d{1,2})|\s*([a-zа-я]))?$",
    re.IGNORECASE,
)


def _task_label(text: str) -> str | None:
    """ "1" → "1", "№ 4(1)" / "Задание 4.1" → "4(1)", "5а" → "5а"; None when not a task header."""
    compact = text.strip().rstrip(".").strip()
    match = _TASK_RE.match(compact)
    if not match:
        return None
    number = str(int(match.group(1)))
    sub = match.group(2) or match.group(3)
    if sub:
        return f"{number}({int(sub)})"
    if match.group(4):
        return number + match.group(4).lower()
    return number


_A_SYNONYMS: dict[str, tuple[str, ...]] = {
    "school_code": ("Код ОО", "Логин ОО", "Код школы", "Код образовательной организации"),
    "class_name": ("Класс", "Класс (литера)"),
    "grade": ("Параллель",),
    "subject": ("Предмет",),
    "participant_code": ("Код участника", "Код", "Номер участника"),
    "full_name": ("ФИО",),
    "last_name": ("Фамилия",),
    "first_name": ("Имя",),
    "middle_name": ("Отчество",),
    "birth_date": ("Дата рождения",),
    "variant": ("Вариант",),
    "primary_score": ("Первичный балл", "Сумма баллов"),
    "test_score": ("Тестовый балл", "Балл (ЕГЭ)"),
    "mark": ("Отметка", "Оценка"),
    "level": ("Уровень", "Уровень достижения"),
    "journal_mark": ("Отметка по журналу", "Отметка за предыдущий период", "Отметка за четверть"),
    "control_group": ("Контрольная группа",),
    "ovz": ("ОВЗ",),
    "absent": ("Отсутствовал", "Не участвовал"),
    "status": ("Статус",),
}

_B_SYNONYMS: dict[str, tuple[str, ...]] = {
    "school_code": ("Код ОО", "Логин ОО"),
    "school_name": ("Наименование ОО",),
    "subject": ("Предмет",),
    "grade": ("Параллель", "Класс"),
    "participants": ("Кол-во участников", "Кол-во уч.", "Количество участников"),
    "mark_2": ("2", "Отметка 2"),
    "mark_3": ("3", "Отметка 3"),
    "mark_4": ("4", "Отметка 4"),
    "mark_5": ("5", "Отметка 5"),
}
#: Format B headers matched by their beginning: "Понизили (Отметка < Отметка по журналу) %".
_B_PREFIXES = {"понизили": "lowered", "подтвердили": "confirmed", "повысили": "raised"}


def _synonym_map(synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_header_key(name): canonical for canonical, names in synonyms.items() for name in names}


_A_KEYS = _synonym_map(_A_SYNONYMS)
_B_KEYS = _synonym_map(_B_SYNONYMS)

# ---- personal data headers -------------------------------------------------------------------
# Columns that can name a person. The reader uses the child's names and birth date only to make
# a pseudonym; the kept copy of the file (monitoring.personal_data) blanks all of them. Matched
# without regard to case, ё/е, punctuation and spaces ("Ф.И.О.", "Фамилия, имя", "Д/р").

#: Canonical fields of personal columns: a child's names and birth date (pseudonym sources),
#: identifiers (documents, СНИЛС, birth year and place) and the names of adults (a teacher, a
#: parent), which are blanked but never taken for the child's.
PERSONAL_FIELDS = frozenset(
    {"full_name", "last_name", "first_name", "middle_name", "birth_date", "identifier", "other_person"}
)
_PERSONAL_HEADERS: dict[str, tuple[str, ...]] = {
    "full_name": (
        "ФИО",
        "ФИО обучающегося",
        "ФИО участника",
        "ФИО ученика",
        "ФИО учащегося",
        "ФИО ребёнка",
        "ФИО полностью",
        "Фамилия, имя",
        "Фамилия и имя",
        "Фамилия, имя, отчество",
        "Фамилия, имя, отчество (при наличии)",
        "Фамилия и инициалы",
        "Фамилия, инициалы",
        "Обучающийся",
        "Обучающаяся",
        "Ученик",
        "Ученица",
        "Учащийся",
        "Ребёнок",
    ),
    "last_name": ("Фамилия", "Фамилия обучающегося", "Фамилия участника", "Фамилия ученика"),
    "first_name": ("Имя", "Имя обучающегося", "Имя участника", "Имя ученика"),
    "middle_name": (
        "Отчество",
        "Отчество (при наличии)",
        "Отчество обучающегося",
        "Отчество участника",
        "Отчество ученика",
    ),
    "birth_date": ("Дата рождения", "Д.р.", "Д/р", "ДР", "Дата рожд."),
    "identifier": (
        "Серия",
        "Номер документа",
        "Документ",
        "Паспорт",
        "СНИЛС",
        "Страховой номер",
        "ИНН",
        "Полис",
        "Свидетельство о рождении",
        "Год рождения",
        "Место рождения",
    ),
    "other_person": ("Учитель", "Педагог", "Эксперт", "Классный руководитель", "Организатор", "Родитель"),
}
_LOOSE_JUNK_RE = re.compile(r"[\W_]+")
#: What the kept copy of a file (monitoring.personal_data) holds where a name, a birth date or a
#: document number stood in a column read as something else; as a subject it is refused.
REMOVED = "[удалено]"
_REMOVED_SUBJECT = (
    "Вместо предмета в ячейке было ФИО, дата рождения или номер документа "
    f"(в сохранённой копии файла — «{REMOVED}»): укажите предмет"
)


def _loose_key(text: str) -> str:
    return _LOOSE_JUNK_RE.sub("", text.casefold().replace("ё", "е"))


_PERSONAL_KEYS = {_loose_key(name): field for field, names in _PERSONAL_HEADERS.items() for name in names}
#: Beginnings: "Дата рождения (ДД.ММ.ГГГГ)", "Серия и номер свидетельства", "ФИО участника ВПР".
_PERSONAL_PREFIXES = (
    ("датарожд", "birth_date"),
    ("годрожд", "identifier"),
    ("месторожд", "identifier"),
    ("серия", "identifier"),
    ("номердокумент", "identifier"),
    ("номерпаспорт", "identifier"),
    ("номерсвидетельств", "identifier"),
    ("документ", "identifier"),
    ("паспорт", "identifier"),
    ("свидетельствоорожд", "identifier"),
    ("снилс", "identifier"),
    ("страховойномер", "identifier"),
    ("полис", "identifier"),
    ("фио", "full_name"),
    ("фамилияимя", "full_name"),
    ("фамилияиимя", "full_name"),
    ("фамилияинициал", "full_name"),
    ("фамилияиинициал", "full_name"),
    ("фамилия", "last_name"),
    ("имя", "first_name"),
    ("отчество", "middle_name"),
)
#: A name column about an adult ("ФИО учителя", "Фамилия родителя") is not the child's.
_ADULT_MARKERS = (
    "учител",
    "педагог",
    "эксперт",
    "руководител",
    "директор",
    "организатор",
    "родител",
    "представител",
    "проверяющ",
    "ответствен",
)


def personal_field(text: object) -> str | None:
    """The personal field (one of :data:`PERSONAL_FIELDS`) a header names, or None."""
    key = _loose_key(_cell_text(text))
    if not key:
        return None
    field_name = _PERSONAL_KEYS.get(key) or next(
        (name for prefix, name in _PERSONAL_PREFIXES if key.startswith(prefix)), None
    )
    if field_name in ("full_name", "last_name", "first_name", "middle_name") and any(
        marker in key for marker in _ADULT_MARKERS
    ):
        return "other_person"
    return field_name


def header_field(text: object) -> str | None:
    """What a header cell names for the readers of either format: a canonical field (format A or
    B, personal fields included), "task" for a task column, or None for a column they ignore."""
    cell = _cell_text(text)
    if not cell:
        return None
    key = _header_key(cell)
    canonical = _A_KEYS.get(key) or _B_KEYS.get(key)
    if canonical is None:
        canonical = next((name for prefix, name in _B_PREFIXES.items() if key.startswith(prefix)), None)
    if canonical is None:
        canonical = personal_field(cell)
    if canonical is None and _task_label(cell) is not None:
        canonical = "task"
    return canonical


@dataclass
class _Header:
    row: int
    index: dict[str, int]
    written: dict[str, str]
    tasks: list[tuple[str, int, str]]
    percent: dict[str, bool]
    width: int

    def missing(self, required: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
        return [group for group in required if not any(name in self.index for name in group)]


def _match_header(
    cells: list,
    above: list | None,
    row_number: int,
    keys: dict[str, str],
    *,
    tasks: bool,
    prefixes: dict[str, str],
    personal: bool = False,
) -> _Header:
    header = _Header(row=row_number, index={}, written={}, tasks=[], percent={}, width=len(cells))
    seen_tasks: set[str] = set()
    for j, cell in enumerate(cells):
        text = _cell_text(cell)
        if not text and above is not None and j < len(above):
            # A two-row header: a label merged over both rows sits in the upper row only.
            text = _cell_text(above[j])
        if not text:
            continue
        key = _header_key(text)
        canonical = keys.get(key)
        if canonical is None:
            canonical = next((name for prefix, name in prefixes.items() if key.startswith(prefix)), None)
        if canonical is None and personal:
            canonical = personal_field(text)
        if canonical is not None:
            if canonical not in header.index:
                header.index[canonical] = j
                header.written[canonical] = text
                header.percent[canonical] = "%" in text or "процент" in key
            continue
        if tasks:
            label = _task_label(text)
            if label is not None and label not in seen_tasks:
                seen_tasks.add(label)
                header.tasks.append((label, j, text))
    if above is not None:
        _group_percent(header, above)
    return header


def _group_percent(header: _Header, above: list) -> None:
    """Mark columns under a group label like "Распределение отметок в %" as percentages.

    A merged label sits in the first cell of its span, so each column looks left along the
    upper row for the nearest label, but not further than the first column of its own group
    (mark columns, or the lowered/confirmed/raised columns), so a title in A1 never counts.
    """
    for group in (("mark_2", "mark_3", "mark_4", "mark_5"), ("lowered", "confirmed", "raised")):
        columns = [header.index[name] for name in group if name in header.index]
        if not columns:
            continue
        first = min(columns)
        for name in group:
            j = header.index.get(name)
            if j is None:
                continue
            for k in range(min(j, len(above) - 1), first - 1, -1):
                label = _cell_text(above[k])
                if label:
                    if "%" in label or "процент" in label.casefold():
                        header.percent[name] = True
                    break


def _is_empty(row: list) -> bool:
    return row.count("") == len(row) or all(not _cell_text(cell) for cell in row)


# --------------------------------------------------------------------------------------------
# Shared reading loop
# --------------------------------------------------------------------------------------------


class _Counter:
    """Rows seen across sheets; enforces max_rows and reports progress."""

    def __init__(self, max_rows: int, progress: Callable[[int], None] | None):
        self.read = 0
        self.max_rows = max_rows
        self.progress = progress
        self.next_mark = min(PROGRESS_EVERY, max_rows + 1)

    def mark(self, read: int) -> int:
        """Called when ``read`` reaches ``next_mark``; returns the following mark."""
        if read > self.max_rows:
            raise _too_many_rows(self.max_rows)
        if self.progress is not None and read % PROGRESS_EVERY == 0:
            self.progress(read)
        self.next_mark = min((read // PROGRESS_EVERY + 1) * PROGRESS_EVERY, self.max_rows + 1)
        return self.next_mark


def _find_header(
    rows: Iterator[list],
    keys: dict[str, str],
    required: list[tuple[str, ...]],
    *,
    tasks: bool,
    prefixes: dict[str, str],
    personal: bool = False,
) -> tuple[_Header | None, _Header | None, int]:
    """Consume rows up to the header. Returns (header or None, best partial match, rows used)."""
    best: _Header | None = None
    previous: list | None = None
    number = 0
    non_empty = 0
    empty_run = 0
    for row in rows:
        number += 1
        if _is_empty(row):
            previous = None
            empty_run += 1
            if empty_run >= EMPTY_RUN_LIMIT:
                break
            continue
        empty_run = 0
        non_empty += 1
        single = _match_header(row, None, number, keys, tasks=tasks, prefixes=prefixes, personal=personal)
        if not single.missing(required):
            if previous is not None:
                _group_percent(single, previous)
            return single, single, number
        candidates = [single]
        if previous is not None:
            combined = _match_header(row, previous, number, keys, tasks=tasks, prefixes=prefixes, personal=personal)
            if not combined.missing(required):
                return combined, combined, number
            candidates.append(combined)
        for header in candidates:
            if best is None or len(header.index) > len(best.index):
                best = header
        if non_empty >= HEADER_SCAN_ROWS:
            break
        previous = row
    return None, best, number


def _required_display(group: tuple[str, ...], synonyms: dict[str, tuple[str, ...]]) -> str:
    return " или ".join(f"«{synonyms[name][0]}»" for name in group if name in synonyms)


def _no_header_error(
    best: tuple[str, _Header] | None,
    required: list[tuple[str, ...]],
    synonyms: dict[str, tuple[str, ...]],
    filename: str,
) -> ReaderError:
    sheet, header = best if best is not None else ("", None)
    missing = header.missing(required) if header is not None and header.index else required
    problems = [
        Problem(
            sheet=sheet,
            row=header.row if header is not None and header.index else None,
            column=synonyms[group[0]][0],
            value="",
            reason=f"Нет столбца {_required_display(group, synonyms)} (допустимые названия: "
            + ", ".join(name for canonical in group for name in synonyms[canonical])
            + ")",
        )
        for group in missing
    ]
    names = ", ".join(_required_display(group, synonyms) for group in missing)
    return ReaderError(
        f"В файле «{filename}» не найдена строка заголовков: в первых {HEADER_SCAN_ROWS} строках "
        f"ни одного листа нет столбцов {names}",
        problems,
    )


# --------------------------------------------------------------------------------------------
# Format A
# --------------------------------------------------------------------------------------------

_MARK_REASON = "ожидается 2, 3, 4 или 5"


_parse_mark = _whole_in(NUMBERS["mark"].allowed)


def _parse_nonnegative_int(value: object) -> int | None | _Bad:
    number = _number(value)
    if number is None:
        return None
    if type(number) is int and number >= 0:
        return number
    return _BAD


_NOT_ATTEMPTED = frozenset({"х", "x", "-", "—", "–", "н"})
_TASK_LOW, _TASK_HIGH = NUMBERS["task"].allowed.low, NUMBERS["task"].allowed.high


def _task_text(value: object) -> str | _Bad:
    """A task score as text for task_scores: "" for empty or not attempted ("Х", "-")."""
    number = _number(value)
    if number is None:
        return ""
    if type(number) is int and _TASK_LOW <= number <= _TASK_HIGH:
        return str(number)
    if number is _BAD and _cell_text(value).casefold() in _NOT_ATTEMPTED:
        return ""
    return _BAD


class _CachedParser(dict):
    """raw cell → parsed value, computed once per distinct raw value."""

    __slots__ = ("parse",)

    def __init__(self, parse: Callable[[object], object]):
        super().__init__()
        self.parse = parse

    def __missing__(self, raw: object) -> object:
        value = self.parse(raw)
        if len(self) < 100_000:
            self[raw] = value
        return value


def read_student_results(
    source: str | Path | BinaryIO,
    *,
    filename: str,
    kind: Literal["vpr", "oge", "ege", "kdr"],
    subject: str | None = None,
    grade: int | None = None,
    pseudonym_key: bytes,
    ege_min_scores: Mapping[str, int] | None = None,
    max_rows: int = 2_000_000,
    max_bytes: int = 200 * 1024 * 1024,
    progress: Callable[[int], None] | None = None,
) -> ReadResult:
    """Read a format A file (one row per participant and work).

    The file is read whole; accepted rows come back column by column, every rejected row as
    problems (all of them, one per wrong cell). Absent participants are counted, not returned.

    * ``subject``/``grade`` chosen for the whole file replace the Предмет/Параллель columns; a
      row naming another subject or grade is rejected.
    * Without class or Параллель column, ОГЭ is taken as grade 9 and ЕГЭ as grade 11.
    * ЕГЭ rows need a test score, except base mathematics, which is marked 2–5 instead. With
      ``ege_min_scores`` (subject → minimum test score of that year) a row without a mark whose
      test score is below its subject's minimum gets the mark 2 ("не преодолел минимальный порог").
    """
    if kind not in ("vpr", "oge", "ege", "kdr"):
        raise ValueError(f"unknown assessment kind: {kind!r}")
    file_subject = normalize_subject(subject) if subject else ""
    if grade is None and kind in ("oge", "ege"):
        default_grade: int | None = 9 if kind == "oge" else 11
    else:
        default_grade = None
    required: list[tuple[str, ...]] = [("school_code",)]
    if not file_subject:
        required.append(("subject",))
    if kind in ("vpr", "oge"):
        required.append(("mark",))
    elif kind == "ege":
        required.append(("test_score", "mark"))
    else:
        required.append(("level",))
    if grade is None and default_grade is None:
        required.append(("class_name", "grade"))

    counter = _Counter(max_rows, progress)
    result = ReadResult(
        kind=kind,
        read=0,
        absent=0,
        rows=StudentRows(),
        problems=[],
        school_codes=set(),
        subjects=set(),
        grades=set(),
        header_row=0,
        columns={},
    )
    reader = _StudentReader(
        result=result,
        kind=kind,
        file_subject=file_subject,
        file_grade=grade,
        default_grade=default_grade,
        key=pseudonym_key,
        ege_min_scores={normalize_subject(k): v for k, v in (ege_min_scores or {}).items()},
        counter=counter,
    )
    with _opened(source, filename, max_bytes) as opened:
        best: tuple[str, _Header] | None = None
        found = False
        for sheet_name, sheet_rows in opened.sheets:
            rows = iter(sheet_rows)
            header, partial, used = _find_header(rows, _A_KEYS, required, tasks=True, prefixes={}, personal=True)
            if header is None:
                if partial is not None and (best is None or len(partial.index) > len(best[1].index)):
                    best = (sheet_name, partial)
                continue
            if not found:
                result.header_row = header.row
                result.columns = dict(header.written)
                result.columns.update({f"task:{label}": text for label, _, text in header.tasks})
                found = True
            reader.read_sheet(sheet_name, rows, header, used, pad=opened.ragged)
        if not found:
            raise _no_header_error(best, required, _A_SYNONYMS, filename)
        result.problems.extend(_notes(opened))
    rows: StudentRows = result.rows  # type: ignore[assignment]
    result.read = counter.read
    result.tasks = reader.task_labels
    result.school_codes = set(rows.school_code)
    result.subjects = set(rows.subject)
    result.grades = {g for g in set(rows.grade) if g is not None}
    return result


class _StudentReader:
    """Format A rows of every sheet into one ReadResult."""

    def __init__(
        self,
        *,
        result: ReadResult,
        kind: str,
        file_subject: str,
        file_grade: int | None,
        default_grade: int | None,
        key: bytes,
        ege_min_scores: dict[str, int],
        counter: _Counter,
    ):
        self.result = result
        self.kind = kind
        self.file_subject = file_subject
        self.file_grade = file_grade
        self.default_grade = default_grade
        self.key = key
        self.ege_min_scores = ege_min_scores
        self.counter = counter
        self.task_labels: list[str] = []
        # (school, subject, grade) → participant code → index into the columnar lists
        self.works: dict[tuple[str, str, int | None], dict[str, int]] = {}
        # Parsers cached per distinct raw cell value: a file has few distinct marks, classes,
        # school codes and subjects, so most cells cost one dict lookup.
        self.marks = _CachedParser(_parse_mark)
        self.levels = _CachedParser(_parse_level)
        self.yes_no = _CachedParser(_parse_yes_no)
        self.ints = _CachedParser(_parse_nonnegative_int)  # grades, range-checked with their own reasons
        self.variants = _CachedParser(_whole_in(NUMBERS["variant"].allowed))
        self.primary_scores = _CachedParser(_whole_in(NUMBERS["primary_score"].allowed))
        self.test_scores = _CachedParser(_whole_in(NUMBERS["test_score"].allowed))
        self.texts = _CachedParser(_cell_text)
        self.subjects = _CachedParser(normalize_subject)
        self.classes = _CachedParser(_class_with_name)
        self.statuses = _CachedParser(_status_absent)
        self.task_cells = _CachedParser(_task_text)
        self.births = _CachedParser(birth_date_problem)

    def read_sheet(self, sheet: str, rows: Iterator[list], header: _Header, row_number: int, *, pad: bool) -> None:
        """Read the data rows of one sheet; ``row_number`` is the header's row number."""
        result = self.result
        out: StudentRows = result.rows  # type: ignore[assignment]
        counter = self.counter
        index = header.index
        written = header.written
        kind = self.kind
        file_subject = self.file_subject
        file_grade = self.file_grade
        default_grade = self.default_grade
        ege_min_scores = self.ege_min_scores
        texts = self.texts
        marks = self.marks
        levels = self.levels
        yes_no = self.yes_no
        ints = self.ints
        variants = self.variants
        primary_scores = self.primary_scores
        test_scores = self.test_scores
        subjects = self.subjects
        classes = self.classes
        statuses = self.statuses
        works = self.works

        # Task columns map onto the file-wide task list, which only ever grows at its end, so
        # the positional task_scores of earlier sheets stay valid.
        for label, _, _ in header.tasks:
            if label not in self.task_labels:
                self.task_labels.append(label)
        positions = {label: i for i, label in enumerate(self.task_labels)}
        task_columns = [j for _, j, _ in header.tasks]
        task_slots = [positions[label] for label, _, _ in header.tasks]
        task_names = [text for _, _, text in header.tasks]
        # Common case: this sheet's tasks are the file's first tasks in the same order, so a
        # row's scores are its task cells joined as they stand.
        in_order = task_slots == list(range(len(task_slots)))
        get_tasks = operator.itemgetter(*task_columns) if len(task_columns) > 1 else None
        task_text = self.task_cells.__getitem__

        i_school = index["school_code"]
        school_header = written["school_code"]
        i_class = index.get("class_name")
        i_grade = index.get("grade")
        i_subject = index.get("subject")
        i_code = index.get("participant_code")
        i_variant = index.get("variant")
        i_primary = index.get("primary_score")
        i_test = index.get("test_score")
        i_mark = index.get("mark")
        i_level = index.get("level")
        i_journal = index.get("journal_mark")
        i_control = index.get("control_group")
        i_ovz = index.get("ovz")
        i_absent = index.get("absent")
        i_status = index.get("status")
        name_columns = [index.get(name) for name in ("last_name", "first_name", "middle_name")]
        i_full_name = index.get("full_name")
        i_birth = index.get("birth_date")
        has_names = i_full_name is not None or any(j is not None for j in name_columns)
        births = self.births
        width = header.width

        # Columns appended one by one: a tuple per row would be kept alive until the end and
        # make the cyclic garbage collector walk hundreds of thousands of them, again and again.
        a_school = out.school_code.append
        a_class = out.class_name.append
        a_grade = out.grade.append
        a_letter = out.class_letter.append
        a_subject = out.subject.append
        a_code = out.participant_code.append
        a_variant = out.variant.append
        a_tasks = out.task_scores.append
        a_primary = out.primary_score.append
        a_test = out.test_score.append
        a_mark = out.mark.append
        a_level = out.level.append
        a_journal = out.journal_mark.append
        a_control = out.control_group.append
        a_ovz = out.ovz.append
        a_row = out.source_row.append
        a_sheet = out.sheet.append
        source_rows = out.source_row
        source_sheets = out.sheet

        # Problems of the current row; only ever touched for rows that have some.
        bad: list[Problem] = []
        work_school = work_subject = work_grade = None
        work: dict[str, int] = {}

        def reject(name: str, raw: object, reason: str) -> None:
            column = written.get(name) or _A_SYNONYMS[name][0]
            bad.append(Problem(sheet, row_number, column, _cell_text(raw), reason))

        def reject_number(name: str, raw: object, label: str) -> None:
            column = written.get(name) or _A_SYNONYMS[name][0]
            bad.append(Problem(sheet, row_number, column, number_text(raw), _number_refusal(label, name, raw)))

        read = counter.read
        next_mark = counter.next_mark
        absent = result.absent
        for row in rows:
            row_number += 1
            if pad and len(row) < width:
                row = row + [""] * (width - len(row))
            if row.count("") == len(row):
                continue

            school = texts[row[i_school]]
            if school == school_header:
                continue  # the header repeated on every page of a printed export
            if i_absent is not None:
                raw = row[i_absent]
                # Anything in Отсутствовал but an explicit "нет" ("по болезни" too) means absent.
                if yes_no[raw] is not False and texts[raw]:
                    read += 1
                    absent += 1
                    if read >= next_mark:
                        next_mark = counter.mark(read)
                    continue
            if i_status is not None and statuses[row[i_status]]:
                read += 1
                absent += 1
                if read >= next_mark:
                    next_mark = counter.mark(read)
                continue
            if not school:
                if _is_empty(row):
                    continue
                reject("school_code", "", "Не указан код ОО")
            read += 1
            if read >= next_mark:
                next_mark = counter.mark(read)

            # Subject: the file's choice wins, a row naming another subject is an error.
            raw = row[i_subject] if i_subject is not None else ""
            row_subject = subjects[raw] if raw != "" else ""
            if row_subject == REMOVED:
                reject("subject", raw, _REMOVED_SUBJECT)
                row_subject = file_subject or row_subject
            elif file_subject:
                if row_subject and row_subject != file_subject:
                    reject(
                        "subject",
                        raw,
                        f"Предмет «{_cell_text(raw)}» не совпадает с выбранным для файла «{file_subject}»",
                    )
                row_subject = file_subject
            elif not row_subject:
                reject("subject", "", "Не указан предмет")
            elif len(row_subject) > _SUBJECT_MAX:
                reject("subject", raw, _too_long("Предмет", row_subject, "subject"))

            # Class and grade: Параллель, else the class, else the file's grade (or 9 for ОГЭ,
            # 11 for ЕГЭ); a class contradicting its Параллель or the file's grade is an error.
            class_name = letter = ""
            class_grade: int | None = None
            if i_class is not None:
                raw = row[i_class]
                class_grade, letter, class_name = classes[raw]
            column_grade: int | None = None
            grade_bad = False
            if i_grade is not None:
                raw = row[i_grade]
                parsed = ints[raw]
                if parsed.__class__ is int and _GRADE_LOW <= parsed <= _GRADE_HIGH:  # type: ignore[operator]
                    column_grade = parsed  # type: ignore[assignment]
                elif parsed is not None:
                    grade_bad = True
                    text = number_text(raw)
                    if parsed.__class__ is int:
                        reject("grade", raw, f"Параллель {text} вне диапазона {_GRADES}")
                    else:
                        reject(
                            "grade",
                            raw,
                            f"Параллель «{text}» не распознана: ожидается число от {_GRADE_LOW} до {_GRADE_HIGH}",
                        )
            if class_grade is not None and not grade_bad:
                if column_grade is not None and class_grade != column_grade:
                    grade_bad = True
                    reject("class_name", class_name, f"Класс «{class_name}» не соответствует параллели {column_grade}")
                elif column_grade is None and not _GRADE_LOW <= class_grade <= _GRADE_HIGH:
                    grade_bad = True
                    reject(
                        "class_name",
                        class_name,
                        f"Параллель {class_grade} (класс «{class_name}») вне диапазона {_GRADES}",
                    )
            row_grade = column_grade if column_grade is not None else class_grade
            if grade_bad:
                row_grade = None
            else:
                if file_grade is not None:
                    if row_grade is not None and row_grade != file_grade:
                        reject(
                            "grade" if column_grade is not None else "class_name",
                            row[i_grade] if column_grade is not None else class_name,  # type: ignore[index]
                            f"Параллель {row_grade} не совпадает с выбранной для файла ({file_grade})",
                        )
                    row_grade = file_grade
                elif row_grade is None:
                    row_grade = default_grade
                    if row_grade is None:
                        if class_name:
                            reject(
                                "class_name",
                                class_name,
                                f"Класс «{class_name}» не распознан: ожидается, например, «5А» или «5»",
                            )
                        else:
                            reject(
                                "class_name" if i_class is not None else "grade",
                                "",
                                "Не указан класс: нельзя определить параллель",
                            )
                if class_grade is None and letter and row_grade is not None:
                    # "Класс (литера)" holding the letter only, next to Параллель.
                    class_name = f"{row_grade}{letter}"
                if len(class_name) > _CLASS_MAX and row_grade is not None:
                    reject("class_name", class_name, _too_long("Класс", class_name, "class_name"))

            if i_birth is not None:
                raw = row[i_birth]
                birth_problem = births[raw]
                if birth_problem is not None:
                    reject("birth_date", raw, birth_problem)

            # Participant: the file's code, else a pseudonym made from the names.
            if i_code is not None:
                raw = row[i_code]
                code = raw.strip() if raw.__class__ is str else _cell_text(raw)
                if len(code) > _CODE_MAX:
                    reject("participant_code", code, _too_long("Код участника", code, "participant_code"))
            else:
                code = ""
            if not code and has_names:
                code = self._pseudonym(row, i_full_name, name_columns, i_birth)

            variant = None
            if i_variant is not None:
                raw = row[i_variant]
                variant = variants[raw]
                if variant is _BAD:
                    reject_number("variant", raw, "Вариант")

            if get_tasks is not None:
                values = get_tasks(row)
                if in_order:
                    try:
                        # join() refuses the _BAD marker of a cell that is not a score.
                        scores = ",".join(map(task_text, values)).rstrip(",")
                    except TypeError:
                        scores = [k for k, value in enumerate(values) if task_text(value) is _BAD]
                else:
                    scores = _placed_task_scores(values, task_text, task_slots)
            elif task_columns:
                one = task_text(row[task_columns[0]])
                scores = [0] if one is _BAD else ("," * task_slots[0] + one) if one else ""  # type: ignore[operator]
            else:
                scores = ""
            if scores.__class__ is list:
                for k in scores:  # type: ignore[union-attr]
                    raw = row[task_columns[k]]
                    reason = _number_refusal(f"Задание «{task_names[k]}»: балл", "task", raw)
                    bad.append(Problem(sheet, row_number, task_names[k], number_text(raw), reason))

            primary = None
            if i_primary is not None:
                raw = row[i_primary]
                primary = primary_scores[raw]
                if primary is _BAD:
                    reject_number("primary_score", raw, "Первичный балл")

            mark = None
            if i_mark is not None:
                raw = row[i_mark]
                mark = marks[raw]
                if mark is _BAD:
                    reject("mark", raw, f"Отметка «{_cell_text(raw)}» не допускается: {_MARK_REASON}")

            test = None
            if i_test is not None:
                raw = row[i_test]
                test = test_scores[raw]
                if test is _BAD:
                    reject_number("test_score", raw, "Тестовый балл")

            level = ""
            parsed_level = None
            if i_level is not None:
                raw = row[i_level]
                parsed_level = levels[raw]
                if parsed_level is _BAD:
                    reject(
                        "level",
                        raw,
                        f"Уровень «{_cell_text(raw)}» не распознан: ожидается недостаточный, пониженный "
                        "(ниже базового), базовый или повышенный (выше базового)",
                    )
                elif parsed_level is not None:
                    level = parsed_level  # type: ignore[assignment]

            journal = None
            if i_journal is not None:
                raw = row[i_journal]
                journal = marks[raw]
                if journal is _BAD:
                    reject(
                        "journal_mark",
                        raw,
                        f"Отметка по журналу «{_cell_text(raw)}» не допускается: {_MARK_REASON} или пусто",
                    )

            control = False
            if i_control is not None:
                raw = row[i_control]
                flag = yes_no[raw]
                if flag is _BAD:
                    reject(
                        "control_group",
                        raw,
                        f"Контрольная группа: значение «{_cell_text(raw)}» не распознано, {_YES_NO_REASON}",
                    )
                control = flag is True

            ovz = False
            if i_ovz is not None:
                raw = row[i_ovz]
                flag = yes_no[raw]
                if flag is _BAD:
                    reject("ovz", raw, f"ОВЗ: значение «{_cell_text(raw)}» не распознано, {_YES_NO_REASON}")
                ovz = flag is True

            # The result each kind of work is about.
            if kind == "vpr" or kind == "oge":
                if mark is None:
                    reject("mark", "", "Не указана отметка")
            elif kind == "kdr":
                if parsed_level is None:
                    reject("level", "", "Не указан уровень")
            elif row_subject == BASE_MATH:
                if mark is None:
                    reject("mark", "", "Не указана отметка (ЕГЭ по базовой математике оценивается отметкой)")
            elif test is None:
                reject("test_score", "", "Не указан тестовый балл")
            elif mark is None and test is not _BAD and row_subject in ege_min_scores:
                mark = 2 if test < ege_min_scores[row_subject] else None  # type: ignore[operator]

            if bad:
                result.problems.extend(bad)
                bad.clear()
                continue

            # The same participant twice in one work: the second row is rejected.
            if code:
                # Rows come grouped by school and class, so the previous row's work is reused.
                # A school is its code without regard to case, as the registry matches it.
                school_key = school.lower()
                if school_key != work_school or row_subject != work_subject or row_grade != work_grade:
                    work_school, work_subject, work_grade = school_key, row_subject, row_grade
                    work = works.get((school_key, row_subject, row_grade))
                    if work is None:
                        work = works[(school_key, row_subject, row_grade)] = {}
                first = work.get(code)
                if first is not None:
                    reject(
                        "participant_code" if i_code is not None else "full_name",
                        code,
                        f"Участник «{code}» уже есть в строке {source_rows[first]} (лист «{source_sheets[first]}») "
                        f"в той же работе: ОО {school}, {row_subject}, {row_grade} класс",
                    )
                    result.problems.extend(bad)
                    bad.clear()
                    continue
                work[code] = len(source_rows)

            a_school(school)
            a_class(class_name)
            a_grade(row_grade)
            a_letter(letter)
            a_subject(row_subject)
            a_code(code)
            a_variant(variant)
            a_tasks(scores)
            a_primary(primary)
            a_test(test)
            a_mark(mark)
            a_level(level)
            a_journal(journal)
            a_control(control)
            a_ovz(ovz)
            a_row(row_number)
            a_sheet(sheet)
        counter.read = read
        counter.next_mark = next_mark
        result.absent = absent

    def _pseudonym(
        self, row: list, i_full_name: int | None, name_columns: list[int | None], i_birth: int | None
    ) -> str:
        last, first, middle = name_columns
        return row_pseudonym(
            self.key,
            row,
            full_name=i_full_name,
            last_name=last,
            first_name=first,
            middle_name=middle,
            birth_date=i_birth,
        )


_YES_NO_REASON = "ожидается да/нет, 1/0 или +/пусто"


def _placed_task_scores(values: tuple, task_text: Callable[[object], object], slots: list[int]) -> str | list[int]:
    """Task scores of a sheet whose task columns sit elsewhere in the file-wide task list."""
    texts = [task_text(value) for value in values]
    bad = [k for k, text in enumerate(texts) if text is _BAD]
    if bad:
        return bad
    placed = [""] * (max(slots) + 1)
    for slot, text in zip(slots, texts, strict=True):
        placed[slot] = text  # type: ignore[assignment]
    return ",".join(placed).rstrip(",")


# --------------------------------------------------------------------------------------------
# Format B
# --------------------------------------------------------------------------------------------

_MARK_FIELDS = ("mark_2", "mark_3", "mark_4", "mark_5")
_JOURNAL_FIELDS = ("lowered", "confirmed", "raised")
_PERCENT_TOLERANCE = 0.5


def _largest_remainder(shares: list[float], total: int) -> list[int]:
    """Counts proportional to ``shares`` that sum exactly to ``total`` (Hamilton's method)."""
    weight = sum(shares)
    exact = [share * total / weight for share in shares] if weight else [0.0] * len(shares)
    counts = [math.floor(value) for value in exact]
    order = sorted(range(len(shares)), key=lambda k: (counts[k] - exact[k], k))
    for k in order[: total - sum(counts)]:
        counts[k] += 1
    return counts


def _fmt(number: float) -> str:
    return (f"{number:.2f}".rstrip("0").rstrip(".")).replace(".", ",")


def read_school_stats(
    source: str | Path | BinaryIO,
    *,
    filename: str,
    subject: str | None = None,
    grade: int | None = None,
    max_rows: int = 2_000_000,
    max_bytes: int = 200 * 1024 * 1024,
    progress: Callable[[int], None] | None = None,
) -> ReadResult:
    """Read a format B file (one row per school, subject and grade: mark distribution).

    Marks are counts or percentages: percentages when the header says so ("%" in the header or
    in a group label above it, e.g. "Распределение отметок в %") or, row by row, when a value is
    fractional or the four values sum to 100 ± 0.5 while participants are not 100.
    Percentages become counts by the participant number with largest-remainder rounding.
    """
    file_subject = normalize_subject(subject) if subject else ""
    required: list[tuple[str, ...]] = [("school_code",), ("participants",), *((name,) for name in _MARK_FIELDS)]
    if not file_subject:
        required.append(("subject",))
    if grade is None:
        required.append(("grade",))
    counter = _Counter(max_rows, progress)
    rows_out: list[SchoolStatRow] = []
    result = ReadResult(
        kind="school_stats",
        read=0,
        absent=0,
        rows=rows_out,
        problems=[],
        school_codes=set(),
        subjects=set(),
        grades=set(),
        header_row=0,
        columns={},
    )
    seen: dict[tuple[str, str, int], tuple[int, str]] = {}
    with _opened(source, filename, max_bytes) as opened:
        best: tuple[str, _Header] | None = None
        found = False
        for sheet_name, sheet_rows in opened.sheets:
            rows = iter(sheet_rows)
            header, partial, used = _find_header(rows, _B_KEYS, required, tasks=False, prefixes=_B_PREFIXES)
            if header is None:
                if partial is not None and (best is None or len(partial.index) > len(best[1].index)):
                    best = (sheet_name, partial)
                continue
            if not found:
                result.header_row = header.row
                result.columns = dict(header.written)
                found = True
            _read_stats_sheet(
                sheet_name, rows, header, used, result, rows_out, seen, file_subject, grade, counter, opened.ragged
            )
        if not found:
            raise _no_header_error(best, required, {**_B_SYNONYMS, **_B_PREFIX_NAMES}, filename)
        result.problems.extend(_notes(opened))
    result.read = counter.read
    return result


_B_PREFIX_NAMES = {"lowered": ("Понизили",), "confirmed": ("Подтвердили",), "raised": ("Повысили",)}


def _read_stats_sheet(
    sheet: str,
    rows: Iterator[list],
    header: _Header,
    row_number: int,
    result: ReadResult,
    out: list[SchoolStatRow],
    seen: dict[tuple[str, str, int], tuple[int, str]],
    file_subject: str,
    file_grade: int | None,
    counter: _Counter,
    pad: bool,
) -> None:
    index = header.index
    written = header.written
    width = header.width
    journal_present = [name for name in _JOURNAL_FIELDS if name in index]
    problems: list[Problem] = []

    def problem(name: str, value: object, reason: str, *, shown: str | None = None) -> None:
        column = written.get(name) or {**_B_SYNONYMS, **_B_PREFIX_NAMES}[name][0]
        problems.append(Problem(sheet, row_number, column, _cell_text(value) if shown is None else shown, reason))

    school_header = written["school_code"]
    for row in rows:
        row_number += 1
        if pad and len(row) < width:
            row = row + [""] * (width - len(row))
        if _is_empty(row) or _cell_text(row[index["school_code"]]) == school_header:
            continue  # empty, or the header repeated on every page of a printed export
        counter.read += 1
        if counter.read >= counter.next_mark:
            counter.mark(counter.read)
        problems.clear()

        school = _cell_text(row[index["school_code"]])
        if not school:
            problem("school_code", "", "Не указан код ОО")
        school_name = _cell_text(row[index["school_name"]]) if "school_name" in index else ""

        row_subject = normalize_subject(row[index["subject"]]) if "subject" in index else ""
        if row_subject == REMOVED:
            problem("subject", row[index["subject"]], _REMOVED_SUBJECT)
            row_subject = file_subject or row_subject
        elif file_subject:
            if row_subject and row_subject != file_subject:
                problem(
                    "subject",
                    row[index["subject"]],
                    f"Предмет «{_cell_text(row[index['subject']])}» не совпадает с выбранным для файла "
                    f"«{file_subject}»",
                )
            row_subject = file_subject
        elif not row_subject:
            problem("subject", "", "Не указан предмет")
        elif len(row_subject) > _SUBJECT_MAX:
            problem("subject", row[index["subject"]], _too_long("Предмет", row_subject, "subject"))

        row_grade: int | None = None
        if "grade" in index:
            raw = row[index["grade"]]
            if _cell_text(raw):
                parsed, _ = parse_class(raw)
                if parsed is None:
                    problem(
                        "grade",
                        raw,
                        f"Параллель «{_cell_text(raw)}» не распознана: ожидается число от {_GRADE_LOW} до {_GRADE_HIGH}",
                    )
                    parsed = -1
                elif not _GRADE_LOW <= parsed <= _GRADE_HIGH:
                    problem("grade", raw, f"Параллель {parsed} вне диапазона {_GRADES}")
                    parsed = -1
                row_grade = parsed
        if file_grade is not None:
            if row_grade is not None and row_grade not in (-1, file_grade):
                problem("grade", row_grade, f"Параллель {row_grade} не совпадает с выбранной для файла ({file_grade})")
            row_grade = file_grade
        elif row_grade is None:
            problem("grade", "", "Не указана параллель")

        raw_participants = row[index["participants"]]
        participants = _number(raw_participants)
        if participants is None:
            problem("participants", "", "Не указано количество участников")
        elif participants.__class__ is not int or not NUMBERS["participants"].allowed.holds(participants):
            problem(
                "participants",
                raw_participants,
                _number_refusal("Количество участников", "participants", raw_participants),
                shown=number_text(raw_participants),
            )
            participants = None

        marks = _stats_group(
            row, index, header, _MARK_FIELDS, participants, problem, "Распределение отметок", required=True
        )
        journal = (
            _stats_group(
                row,
                index,
                header,
                tuple(journal_present),
                participants,
                problem,
                "Сравнение с журналом",
                required=False,
            )
            if journal_present
            else None
        )

        if not problems and school and row_grade is not None:
            key = (school.lower(), row_subject, row_grade)  # codes match the registry without regard to case
            first = seen.get(key)
            if first is not None:
                problem(
                    "school_code",
                    school,
                    f"ОО {school} ({row_subject}, {row_grade} класс) уже есть в строке {first[0]} (лист «{first[1]}»)",
                )
            else:
                seen[key] = (row_number, sheet)

        if problems or marks is None or participants is None or row_grade is None:
            result.problems.extend(problems)
            problems.clear()
            continue
        by_name = dict(zip(journal_present, journal, strict=True)) if journal else {}
        out.append(
            SchoolStatRow(
                school_code=school,
                school_name=school_name,
                subject=row_subject,
                grade=row_grade,
                participants=participants,  # type: ignore[arg-type]
                marks={2: marks[0], 3: marks[1], 4: marks[2], 5: marks[3]},
                lowered=by_name.get("lowered"),
                confirmed=by_name.get("confirmed"),
                raised=by_name.get("raised"),
                source_row=row_number,
                sheet=sheet,
            )
        )
        result.school_codes.add(school)
        result.subjects.add(row_subject)
        result.grades.add(row_grade)


def _stats_group(
    row: list,
    index: dict[str, int],
    header: _Header,
    names: tuple[str, ...],
    participants: int | float | None | _Bad,
    problem: Callable[..., None],
    title: str,
    *,
    required: bool,
) -> list[int] | None:
    """Counts of one group of columns (marks 2-5, or lowered/confirmed/raised) or None."""
    values: list[float] = []
    fine = True
    for name in names:
        raw = row[index[name]]
        number = _number(raw)
        # A count is stored as it is; a percentage becomes a count, but is one only up to 100.
        kind = "percent" if header.percent.get(name) else "count"
        if number is None:
            values.append(0)
        elif number is _BAD or not NUMBERS[kind].allowed.holds(number):
            problem(name, raw, _number_refusal(f"{title}: значение", kind, raw), shown=number_text(raw))
            fine = False
        else:
            values.append(number)  # type: ignore[arg-type]
    if not fine:
        return None
    if all(_cell_text(row[index[name]]) == "" for name in names):
        if required:
            problem(names[0], "", f"{title}: значения не указаны")
        return None
    if participants is None or participants is _BAD:
        return None
    total = sum(values)
    percent = any(header.percent.get(name) for name in names)
    if not percent:
        fractional = any(value != int(value) for value in values)
        near_hundred = abs(total - 100) <= _PERCENT_TOLERANCE and participants != 100 and total != participants
        percent = fractional or near_hundred
    if percent:
        if abs(total - 100) > _PERCENT_TOLERANCE:
            problem(
                names[0],
                _fmt(total),
                f"{title}: сумма процентов {_fmt(total)} не равна 100 (допускается отклонение ±0,5)",
            )
            return None
        return _largest_remainder(values, participants)  # type: ignore[arg-type]
    if total != participants:
        problem(
            names[0],
            _fmt(total),
            f"{title}: сумма {_fmt(total)} не равна количеству участников {participants}",
        )
        return None
    return [int(value) for value in values]
