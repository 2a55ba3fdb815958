"""Readers for assessment result files (ВПР, ОГЭ, ЕГЭ, КДР): format A (one row per participant)
and format B (school statistics), as described in shared/formats/IMPORT_FORMATS.md.

Pure Python, no Django: the import service calls these functions, shows the problems and writes
the rows. Nothing here touches the database, so a dry run and a real import read a file the same
way.

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

Hostile input
-------------
Files come from outside, so the readers refuse before they spend memory: files over
``max_bytes``; zip archives whose declared uncompressed size or compression ratio is out of
proportion; xlsx/ods sheets whose cell area is larger than :data:`MAX_SHEET_CELLS` or far larger
than their content (calamine allocates the whole rectangle between the first and the last cell,
so a 5 KB file with cells in A1 and XFD1048576 would otherwise ask for 512 GB and abort the
process). A CSV stops after :data:`EMPTY_RUN_LIMIT` consecutive empty lines (and reports a
problem if data follows them). Old ``.xls`` sheets are bounded by the format itself
(65 536 × 256 cells).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import math
import operator
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

import python_calamine

__all__ = [
    "MAX_SHEET_CELLS",
    "LEVELS",
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

#: Largest cell rectangle of one sheet handed to calamine (it holds 32 bytes per cell: ~2 GB).
MAX_SHEET_CELLS = 64_000_000
#: A sheet rectangle above this size must be at most SPARSE_RATIO times its number of cells.
SPARSE_FLOOR = 2_000_000
SPARSE_RATIO = 16
#: Sum of the uncompressed sizes of an xlsx/ods archive.
MAX_UNCOMPRESSED = 1 << 30
#: Compression ratio above which a large archive member is treated as a zip bomb. Real sheets
#: compress 10-25 times, repetitive ones up to ~50; deflate bombs reach 1000.
MAX_RATIO = 250
RATIO_MIN_SIZE = 10 << 20
#: A CSV stops after this many consecutive empty lines (a file of millions of blank lines).
EMPTY_RUN_LIMIT = 10_000
#: The header row is searched for among this many non-empty rows at the top of a sheet.
HEADER_SCAN_ROWS = 30
PROGRESS_EVERY = 10_000

_CHUNK = 8 << 20
_MAX_XML_ROW_BYTES = 64 << 20

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
    """A cell as text: strings stripped, whole floats without ".0", dates in ISO form."""
    kind = type(value)
    if kind is str:
        return value.strip()  # type: ignore[union-attr]
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
# Sources: type detection, limits, sheets
# --------------------------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")


def _not_a_workbook(filename: str, detail: str) -> ReaderError:
    return ReaderError(f"Файл не является книгой Excel или CSV: «{filename}» ({detail})")


def _mb(size: int) -> str:
    return f"{size / (1 << 20):.1f}".replace(".", ",")


@dataclass
class _Source:
    """An opened file: ``sheets`` yields (sheet name, rows) lazily; ``text`` marks CSV."""

    sheets: Iterator[tuple[str, Iterable[list]]]
    text: bool
    notes: list[Problem]
    close: Callable[[], None]


def _open(source: str | Path | BinaryIO, filename: str, max_bytes: int) -> _Source:
    stream: BinaryIO
    path: str | None = None
    if isinstance(source, (str, Path)):
        path = os.fspath(source)
        try:
            size = os.path.getsize(path)
        except OSError as exc:
            raise ReaderError(f"Файл «{filename}» не найден или недоступен") from exc
        if size > max_bytes:
            raise _too_big(filename, size, max_bytes)
        try:
            stream = open(path, "rb")  # noqa: SIM115 - closed by _Source.close
        except OSError as exc:
            raise ReaderError(f"Файл «{filename}» не найден или недоступен") from exc
    else:
        stream = source
        try:
            start = stream.tell()
            size = stream.seek(0, io.SEEK_END) - start
            stream.seek(start)
        except (OSError, AttributeError, ValueError):
            data = stream.read(max_bytes + 1)
            size = len(data)
            stream = io.BytesIO(data)
        if size > max_bytes:
            raise _too_big(filename, size, max_bytes)
        if stream.tell() != 0:
            stream = io.BytesIO(stream.read())
    owned = path is not None
    try:
        head = stream.read(8)
        stream.seek(0)
        if head.startswith(_ZIP_MAGIC):
            return _open_zip(stream, path, filename, owned)
        if head.startswith(_OLE_MAGIC):
            return _open_calamine(stream, path, filename, owned, kind="xls")
        data = stream.read()
    except BaseException:
        if owned:
            stream.close()
        raise
    if owned:
        stream.close()
    return _open_csv(data, filename)


def _too_big(filename: str, size: int, max_bytes: int) -> ReaderError:
    return ReaderError(
        f"Файл «{filename}» слишком большой: {_mb(size)} МБ (допускается не более {_mb(max_bytes)} МБ). "
        "Разделите его на несколько файлов."
    )


# What zipfile raises on a damaged archive: zlib.error for a broken deflate stream,
# RuntimeError for an encrypted member, NotImplementedError for an unknown compression method.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    OSError,
    ValueError,
    EOFError,
    OverflowError,
    NotImplementedError,
    RuntimeError,
)


def _open_zip(stream: BinaryIO, path: str | None, filename: str, owned: bool) -> _Source:
    try:
        archive = zipfile.ZipFile(stream)
        infos = archive.infolist()
    except _ZIP_ERRORS as exc:
        if owned:
            stream.close()
        raise _not_a_workbook(filename, "повреждённый архив") from exc
    try:
        names = {info.filename for info in infos}
        if "xl/workbook.bin" in names:
            raise ReaderError(f"Формат .xlsb не поддерживается: сохраните «{filename}» в Excel как .xlsx")
        if "xl/workbook.xml" in names:
            kind = "xlsx"
        elif "content.xml" in names and _is_ods(archive):
            kind = "ods"
        else:
            raise _not_a_workbook(filename, "архив не содержит книги")
        total = 0
        for info in infos:
            total += info.file_size
            if total > MAX_UNCOMPRESSED:
                raise ReaderError(
                    f"Файл «{filename}» после распаковки занимает больше {MAX_UNCOMPRESSED >> 20} МБ: "
                    "такой файл не обрабатывается"
                )
            if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise ReaderError(
                    f"Файл «{filename}» сжат подозрительно сильно (часть «{info.filename}» в "
                    f"{info.file_size // max(info.compress_size, 1)} раз): такой файл не обрабатывается"
                )
        if kind == "xlsx":
            _precheck_xlsx(archive, infos, filename)
        else:
            _precheck_ods(archive, filename)
    except ReaderError:
        archive.close()
        if owned:
            stream.close()
        raise
    except _ZIP_ERRORS as exc:
        archive.close()
        if owned:
            stream.close()
        raise _not_a_workbook(filename, "повреждённый архив") from exc
    archive.close()
    stream.seek(0)
    return _open_calamine(stream, path, filename, owned, kind=kind)


def _is_ods(archive: zipfile.ZipFile) -> bool:
    try:
        return archive.read("mimetype").strip() in (
            b"application/vnd.oasis.opendocument.spreadsheet",
            b"application/vnd.oasis.opendocument.spreadsheet-template",
        )
    except KeyError:
        return False


def _is_panic(exc: BaseException) -> bool:
    # pyo3 turns a Rust panic into PanicException, a BaseException subclass.
    return type(exc).__name__ == "PanicException"


def _open_calamine(stream: BinaryIO, path: str | None, filename: str, owned: bool, *, kind: str) -> _Source:
    try:
        workbook = (
            python_calamine.CalamineWorkbook.from_path(path)
            if path is not None
            else python_calamine.CalamineWorkbook.from_filelike(stream)
        )
    except python_calamine.PasswordError as exc:
        if owned:
            stream.close()
        raise ReaderError(f"Файл «{filename}» защищён паролем: снимите защиту и загрузите его снова") from exc
    except BaseException as exc:
        if not isinstance(exc, Exception) and not _is_panic(exc):
            raise
        encrypted = False
        if kind == "xls":
            stream.seek(0)
            encrypted = _ENCRYPTED_MARK in stream.read()
        if owned:
            stream.close()
        if encrypted:
            raise ReaderError(f"Файл «{filename}» защищён паролем: снимите защиту и загрузите его снова") from exc
        raise _not_a_workbook(filename, "книга повреждена или имеет неизвестный формат") from exc

    def sheets() -> Iterator[tuple[str, Iterable[list]]]:
        for index, meta in enumerate(workbook.sheets_metadata):
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = workbook.get_sheet_by_index(index)
                rows = sheet.iter_rows()
            except BaseException as exc:
                if not isinstance(exc, Exception) and not _is_panic(exc):
                    raise
                raise ReaderError(f"Лист «{meta.name}» файла «{filename}» повреждён и не может быть прочитан") from exc
            # iter_rows starts at the sheet's first row (Excel row 1) whatever the data's start.
            yield meta.name, rows
            del sheet, rows

    def close() -> None:
        workbook.close()
        if owned:
            stream.close()

    return _Source(sheets=sheets(), text=False, notes=[], close=close)


def _open_csv(data: bytes, filename: str) -> _Source:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _not_a_workbook(filename, "неверная кодировка UTF-16") from exc
    else:
        if b"\x00" in data:
            raise _not_a_workbook(filename, "двоичные данные")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1251", errors="replace")
    if "\x00" in text:
        raise _not_a_workbook(filename, "двоичные данные")
    head = text[:4096].lstrip().casefold()
    if head.startswith(("<!doctype html", "<html", "<?xml", "<table")):
        raise ReaderError(
            f"Файл «{filename}» является веб-страницей или XML, а не книгой Excel: "
            "откройте его в Excel и сохраните как .xlsx"
        )
    delimiter = _sniff_delimiter(text)
    notes: list[Problem] = []
    sheet_name = filename

    def rows() -> Iterator[list]:
        buffer = io.StringIO(text)
        reader = csv.reader(buffer, delimiter=delimiter)
        empty_run = 0
        number = 0
        try:
            for row in reader:
                number += 1
                if not row or row.count("") == len(row):
                    empty_run += 1
                    if empty_run >= EMPTY_RUN_LIMIT:
                        _note_data_after_gap(buffer, text, number, sheet_name, notes)
                        return
                else:
                    empty_run = 0
                yield row
        except csv.Error as exc:
            raise ReaderError(f"Не удалось разобрать CSV-файл «{filename}»: ошибка в записи {number + 1}") from exc

    def sheets() -> Iterator[tuple[str, Iterable[list]]]:
        yield sheet_name, rows()

    return _Source(sheets=sheets(), text=True, notes=notes, close=lambda: None)


def _note_data_after_gap(buffer: io.StringIO, text: str, number: int, sheet: str, notes: list[Problem]) -> None:
    position = buffer.tell()
    rest = text[position:]
    stripped = rest.lstrip(" \t\r\n;,\"'")
    if stripped:
        skipped = rest[: len(rest) - len(stripped)].count("\n")
        notes.append(
            Problem(
                sheet=sheet,
                row=number + skipped + 1,
                column="",
                value="",
                reason=f"После {EMPTY_RUN_LIMIT} пустых строк подряд файл не дочитан: удалите пустые строки "
                "и загрузите файл снова",
            )
        )


def _sniff_delimiter(text: str) -> str:
    lines = [line for line in text[:65536].splitlines()[:40] if line.strip()][:HEADER_SCAN_ROWS]
    best = {d: max((line.count(d) for line in lines), default=0) for d in (";", "\t", ",")}
    if best[";"] >= 2 or (best[";"] and not best["\t"] and not best[","]):
        return ";"
    if best["\t"] >= 2:
        return "\t"
    return ","


# ---- xlsx pre-check ------------------------------------------------------------------------

_COL_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _col_number(letters: bytes | str) -> int:
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def _col_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = _COL_LETTERS[rest] + letters
    return letters


def _greater_int_pattern(limit: int) -> str:
    """Regex for a decimal integer (no leading zeros) strictly greater than ``limit``."""
    digits = str(limit)
    width = len(digits)
    alternatives = [rf"[1-9]\d{{{width},}}"]
    for i, char in enumerate(digits):
        if char != "9":
            lower = int(char) + 1
            tail = width - i - 1
            alternatives.append(re.escape(digits[:i]) + f"[{lower}-9]" + (rf"\d{{{tail}}}" if tail else ""))
    return "(?:" + "|".join(alternatives) + ")"


def _greater_col_pattern(limit: int) -> str:
    """Regex for column letters (upper-case, up to 3) of a column strictly after ``limit``."""
    letters = _col_letters(max(limit, 1))
    width = len(letters)
    alternatives = [f"[A-Z]{{{width + 1},3}}"] if width < 3 else []
    for i, char in enumerate(letters):
        if char != "Z":
            tail = width - i - 1
            alternatives.append(letters[:i] + f"[{chr(ord(char) + 1)}-Z]" + (f"[A-Z]{{{tail}}}" if tail else ""))
    return "(?:" + "|".join(alternatives or ["(?!)"]) + ")"


_CANONICAL_REF_RE = re.compile(rb'<c r="([A-Z]{1,3})0*(\d{1,7})"')
#: A <c> written other than `<c r="…"` (no r, other attribute order, tab/newline after the name).
_ODD_CELL_RE = re.compile(rb'<c(?:[^ a-z]| (?!r="))')
#: A <row> or <c> with a namespace prefix (`<x:c …>`), which calamine reads like the plain one.
_PREFIXED_RE = re.compile(rb":(?:c|row)[\s>/]")


@dataclass
class _Box:
    rows: int = 0  # highest 1-based row holding a cell
    cols: int = 0  # highest 1-based column holding a cell
    cells: int = 0  # cells written in the file (expanded for ODS repeats)

    @property
    def area(self) -> int:
        return self.rows * self.cols


def _precheck_xlsx(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], filename: str) -> None:
    # Every member is scanned, not only xl/worksheets/*: the workbook's relationships may point
    # a sheet at any part of the archive.
    for info in infos:
        if info.is_dir() or info.file_size == 0:
            continue
        with archive.open(info) as member:
            box = _scan_sheet_xml_fast(member, coarse=True)
        if box is not None and _box_fault(box, filename) is not None:
            # The coarse row bound (up to 10 % high) hit a limit: measure the rows exactly.
            with archive.open(info) as member:
                box = _scan_sheet_xml_fast(member, coarse=False)
        if box is None:
            with archive.open(info) as member:
                box = _scan_sheet_xml_refs(member)
        if box is None:
            with archive.open(info) as member:
                box = _scan_sheet_xml_exact(member)
        _check_box(box, filename)


def _box_fault(box: _Box, filename: str) -> ReaderError | None:
    if box.area > MAX_SHEET_CELLS:
        return ReaderError(
            f"Лист файла «{filename}» слишком велик: {box.rows} строк × {box.cols} столбцов "
            f"(допускается не более {MAX_SHEET_CELLS:,} ячеек). Разделите файл на несколько.".replace(",", " ")
        )
    if box.area > SPARSE_FLOOR and box.area > SPARSE_RATIO * max(box.cells, 1):
        return ReaderError(
            f"Лист файла «{filename}» почти пуст, но занимает {box.rows} строк × {box.cols} столбцов "
            f"(заполнено ячеек: {box.cells}). Удалите лишние ячейки ниже и правее таблицы и сохраните файл заново."
        )
    return None


def _check_box(box: _Box, filename: str) -> None:
    fault = _box_fault(box, filename)
    if fault is not None:
        raise fault


def _xml_chunks(member: BinaryIO) -> Iterator[bytes]:
    """Decompressed XML in chunks that end right after a ">" (so no tag is split)."""
    carry = b""
    while True:
        data = member.read(_CHUNK)
        if not data:
            if carry:
                yield carry
            return
        chunk = carry + data
        cut = chunk.rfind(b">")
        if cut < 0:
            if len(chunk) > _MAX_XML_ROW_BYTES:
                raise ReaderError("Часть книги не является корректным XML: файл не обрабатывается")
            carry = chunk
            continue
        carry = chunk[cut + 1 :]
        yield chunk[: cut + 1]


def _scan_sheet_xml_fast(member: BinaryIO, *, coarse: bool) -> _Box | None:
    """Bounding box of the cells of a worksheet part written the usual way (every <c> with
    r="…" first, no namespace prefix). Returns None for anything else, which then goes through
    the exact, slower scan.

    With ``coarse`` it costs a few C-level passes per chunk: the column limit comes from the
    first chunk, rows are bounded by the last cell of each chunk (rows are written in order)
    rounded up by _row_bound, and one regex finds any cell outside that box; only then are that
    chunk's references all parsed. Without ``coarse`` every reference is parsed and ``rows`` is
    exact.
    """
    box = _Box()
    outside: re.Pattern[bytes] | None = None
    limits = (0, 0)
    for chunk in _xml_chunks(member):
        if _PREFIXED_RE.search(chunk) or _ODD_CELL_RE.search(chunk):
            return None
        cells = chunk.count(b'<c r="')
        if not cells:
            continue
        box.cells += cells
        if not coarse or not box.cols:
            if not _exact_refs(box, chunk, cells):
                return None
            if not coarse:
                continue
        last = _CANONICAL_REF_RE.match(chunk, chunk.rfind(b'<c r="'))
        if last:
            box.rows = max(box.rows, int(last.group(2)))
        box.rows = _row_bound(box.rows)
        if limits != (box.cols, box.rows):
            limits = (box.cols, box.rows)
            outside = _outside_pattern(box.cols, box.rows)
        if outside is not None and outside.search(chunk):
            if not _exact_refs(box, chunk, cells):
                return None
            box.rows = _row_bound(box.rows)
    return box


def _row_bound(rows: int) -> int:
    """``rows`` rounded up past its first two digits (1 000 004 → 1 099 999): at most 10 % more,
    and the regex for "a larger row" stays a handful of alternatives."""
    scale = 10 ** max(len(str(rows)) - 2, 0)
    return (rows // scale + 1) * scale - 1


def _outside_pattern(cols: int, rows: int) -> re.Pattern[bytes]:
    """Regex for a `<c r="…"` whose column is after ``cols`` or whose row is after ``rows`` (or
    that is not upper-case letters then digits)."""
    later_row = "0*" + _greater_int_pattern(rows)
    letters = _col_letters(cols)
    if len(letters) == 1:
        # The common case gets a pattern that fails after two or three byte tests.
        body = f"[^A-{letters}]|.(?:[^0-9]|{later_row})"
    elif len(letters) == 2:
        first, second = letters
        later = [f"{first}[{chr(ord(second) + 1)}-Z]"] if second != "Z" else []
        if first != "Z":
            later.append(f"[{chr(ord(first) + 1)}-Z][A-Z]")
        body = f"[^A-Z]|[A-Z](?:[^A-Z0-9]|{later_row}|[A-Z](?:[^0-9]|{later_row}))" + "".join(
            f"|{alternative}" for alternative in later
        )
    else:
        body = f"[^A-Z]|[A-Z]{{4}}|{_greater_col_pattern(cols)}\\d|[A-Z]{{1,3}}+(?:[^0-9]|{later_row})"
    return re.compile(f'<c r="(?:{body})'.encode())


def _exact_refs(box: _Box, chunk: bytes, cells: int) -> bool:
    """Widen ``box`` to every cell reference of ``chunk``; False if some are not canonical."""
    refs = _CANONICAL_REF_RE.findall(chunk)
    if len(refs) != cells:
        return False
    box.cols = max(box.cols, max(_col_number(letters) for letters in {letters for letters, _ in refs}))
    box.rows = max(box.rows, max(map(int, {number for _, number in refs})))
    return True


def _cell_patterns(prefix: bytes) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """(any <c> start tag with an r attribute, wherever it stands: letters, digits and "/" when
    the cell is empty; a <c> start tag without r). Without a namespace prefix the patterns start
    with the literal "<c", which the regex engine finds far faster than a "<" per tag."""
    with_ref = re.compile(b"<" + prefix + rb"""c\s(?:[^>]*?\s)??r\s*=\s*["']\s*\$?([A-Za-z]*)\$?0*(\d*)[^>]*?(/?)>""")
    without_ref = re.compile(b"<" + prefix + rb"c(?=[\s/>])(?![^>]*?\sr\s*=)")
    return with_ref, without_ref


_PLAIN_CELLS = _cell_patterns(b"")
_PREFIXED_CELLS = _cell_patterns(rb"(?:[A-Za-z_][\w.\-]*:)?")


def _scan_sheet_xml_refs(member: BinaryIO) -> _Box | None:
    """Exact bounding box of a worksheet part whose cells all carry r="…", written any way
    (attribute order, namespace prefix, lower case, "$"); None if some cell has no r."""
    box = _Box()
    for chunk in _xml_chunks(member):
        with_ref, without_ref = _PREFIXED_CELLS if _PREFIXED_RE.search(chunk) else _PLAIN_CELLS
        if without_ref.search(chunk):
            return None
        refs = [(letters, digits) for letters, digits, empty in with_ref.findall(chunk) if not empty]
        if not refs:
            continue
        box.cells += len(refs)
        # Slices keep int() away from absurdly long numbers; they are past every limit anyway.
        box.cols = max(box.cols, max(_col_number(letters[:4]) for letters in {letters for letters, _ in refs}))
        box.rows = max(box.rows, max(int(digits[:12] or 0) for digits in {digits for _, digits in refs}))
    return box


_TAG_RE = re.compile(rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_ATTR_R_RE = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*\$?([A-Za-z]*)\$?0*(\d+)""")


def _scan_sheet_xml_exact(member: BinaryIO) -> _Box:
    """Bounding box following calamine's rules: a <row> without r is the next row, a <c>
    without r the next column; only cells that may hold a value count."""
    box = _Box()
    row = 0
    col = 0
    for chunk in _xml_chunks(member):
        for closing, tag, attrs in _TAG_RE.findall(chunk):
            if closing:
                continue
            ref = _ATTR_R_RE.search(attrs)
            if tag == b"row":
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                col = 0
                continue
            if ref and ref.group(1):
                col = _col_number(ref.group(1)[:4])
                cell_row = int(ref.group(2)[:8])
            else:
                col += 1
                cell_row = row
            if attrs.rstrip().endswith(b"/"):
                continue  # a cell without a value does not widen calamine's range
            box.cells += 1
            box.rows = max(box.rows, cell_row)
            box.cols = max(box.cols, col)
    return box


# ---- ods pre-check -------------------------------------------------------------------------

_ODS_TAG_RE = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>")
_ODS_ROWS_REPEATED_RE = re.compile(rb"""table:number-rows-repeated\s*=\s*["']\s*(\d+)""")
_ODS_COLS_REPEATED_RE = re.compile(rb"""table:number-columns-repeated\s*=\s*["']\s*(\d+)""")


def _precheck_ods(archive: zipfile.ZipFile, filename: str) -> None:
    """ODS repeats cells and rows by attribute, and calamine expands repeated *valued* cells, so
    an 800-byte file can ask for 20 million cells. Compute the expanded size of every table."""
    total_area = 0
    with archive.open("content.xml") as member:
        box: _Box | None = None
        tags = 0
        row = 0
        row_repeat = 1
        col = 0
        row_cells = 0
        row_max_col = 0
        for chunk in _xml_chunks(member):
            for closing, tag, attrs in _ODS_TAG_RE.findall(chunk):
                if tag == b"table":
                    if closing and box is not None:
                        _check_ods_table(box, tags, filename)
                        total_area += box.area
                        box = None
                    elif not closing:
                        box, tags, row = _Box(), 0, 0
                    continue
                if box is None:
                    continue
                if tag == b"table-row":
                    if closing:
                        if row_cells:
                            box.rows = row + row_repeat
                            box.cols = max(box.cols, row_max_col)
                            box.cells += row_cells * row_repeat
                        row += row_repeat
                        continue
                    match = _ODS_ROWS_REPEATED_RE.search(attrs)
                    row_repeat = int(match.group(1)[:9]) if match else 1
                    col = row_cells = row_max_col = 0
                    if attrs.rstrip().endswith(b"/"):
                        row += row_repeat
                    continue
                if closing:
                    continue
                match = _ODS_COLS_REPEATED_RE.search(attrs)
                repeat = int(match.group(1)[:9]) if match else 1
                valued = b"office:value-type" in attrs or not attrs.rstrip().endswith(b"/")
                if valued:
                    tags += 1
                    row_cells += repeat
                    row_max_col = col + repeat
                col += repeat
            if box is not None:
                # Also while a table is open: a table that never closes is checked all the same.
                _check_ods_table(box, tags, filename)
            if total_area > MAX_SHEET_CELLS:
                raise ReaderError(f"Книга «{filename}» слишком велика: такой файл не обрабатывается")


def _check_ods_table(box: _Box, valued_tags: int, filename: str) -> None:
    _check_box(box, filename)
    # Real files repeat a valued cell a few times (equal neighbours); a bomb repeats it millions.
    if box.cells > max(SPARSE_FLOOR, 100 * valued_tags):
        raise ReaderError(
            f"Лист файла «{filename}» содержит {box.cells} повторённых ячеек: такой файл не обрабатывается"
        )


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


def _parse_mark(value: object) -> int | None | _Bad:
    number = _number(value)
    if number is None:
        return None
    if type(number) is int and 2 <= number <= 5:
        return number
    return _BAD


def _parse_nonnegative_int(value: object) -> int | None | _Bad:
    number = _number(value)
    if number is None:
        return None
    if type(number) is int and number >= 0:
        return number
    return _BAD


_NOT_ATTEMPTED = frozenset({"х", "x", "-", "—", "–", "н"})


def _task_text(value: object) -> str | _Bad:
    """A task score as text for task_scores: "" for empty or not attempted ("Х", "-")."""
    number = _number(value)
    if number is None:
        return ""
    if type(number) is int and number >= 0:
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
    opened = _open(source, filename, max_bytes)
    try:
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
            reader.read_sheet(sheet_name, rows, header, used, pad=opened.text)
        if not found:
            raise _no_header_error(best, required, _A_SYNONYMS, filename)
        result.problems.extend(opened.notes)
    finally:
        opened.close()
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
        self.ints = _CachedParser(_parse_nonnegative_int)
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
                if parsed.__class__ is int and 1 <= parsed <= 11:  # type: ignore[operator]
                    column_grade = parsed  # type: ignore[assignment]
                elif parsed is not None:
                    grade_bad = True
                    text = _cell_text(raw)
                    if parsed.__class__ is int:
                        reject("grade", raw, f"Параллель {text} вне диапазона 1–11")
                    else:
                        reject("grade", raw, f"Параллель «{text}» не распознана: ожидается число от 1 до 11")
            if class_grade is not None and not grade_bad:
                if column_grade is not None and class_grade != column_grade:
                    grade_bad = True
                    reject("class_name", class_name, f"Класс «{class_name}» не соответствует параллели {column_grade}")
                elif column_grade is None and not 1 <= class_grade <= 11:
                    grade_bad = True
                    reject(
                        "class_name", class_name, f"Параллель {class_grade} (класс «{class_name}») вне диапазона 1–11"
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

            if i_birth is not None:
                raw = row[i_birth]
                birth_problem = births[raw]
                if birth_problem is not None:
                    reject("birth_date", raw, birth_problem)

            # Participant: the file's code, else a pseudonym made from the names.
            if i_code is not None:
                raw = row[i_code]
                code = raw.strip() if raw.__class__ is str else _cell_text(raw)
            else:
                code = ""
            if not code and has_names:
                code = self._pseudonym(row, i_full_name, name_columns, i_birth)

            variant = None
            if i_variant is not None:
                raw = row[i_variant]
                variant = ints[raw]
                if variant is _BAD:
                    reject("variant", raw, f"Вариант «{_cell_text(raw)}» должен быть целым числом")

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
                    bad.append(
                        Problem(
                            sheet,
                            row_number,
                            task_names[k],
                            _cell_text(raw),
                            f"Балл за задание «{task_names[k]}» должен быть целым неотрицательным числом, "
                            f"указано «{_cell_text(raw)}»",
                        )
                    )

            primary = None
            if i_primary is not None:
                raw = row[i_primary]
                primary = ints[raw]
                if primary is _BAD:
                    reject(
                        "primary_score",
                        raw,
                        f"Первичный балл должен быть целым неотрицательным числом, указано «{_cell_text(raw)}»",
                    )

            mark = None
            if i_mark is not None:
                raw = row[i_mark]
                mark = marks[raw]
                if mark is _BAD:
                    reject("mark", raw, f"Отметка «{_cell_text(raw)}» не допускается: {_MARK_REASON}")

            test = None
            if i_test is not None:
                raw = row[i_test]
                test = ints[raw]
                if test is _BAD or (test is not None and test > 100):  # type: ignore[operator]
                    test = _BAD
                    reject(
                        "test_score",
                        raw,
                        f"Тестовый балл «{_cell_text(raw)}» вне диапазона: ожидается целое число от 0 до 100",
                    )

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
    opened = _open(source, filename, max_bytes)
    try:
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
                sheet_name, rows, header, used, result, rows_out, seen, file_subject, grade, counter, opened.text
            )
        if not found:
            raise _no_header_error(best, required, {**_B_SYNONYMS, **_B_PREFIX_NAMES}, filename)
        result.problems.extend(opened.notes)
    finally:
        opened.close()
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

    def problem(name: str, value: object, reason: str) -> None:
        column = written.get(name) or {**_B_SYNONYMS, **_B_PREFIX_NAMES}[name][0]
        problems.append(Problem(sheet, row_number, column, _cell_text(value), reason))

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

        row_grade: int | None = None
        if "grade" in index:
            raw = row[index["grade"]]
            if _cell_text(raw):
                parsed, _ = parse_class(raw)
                if parsed is None:
                    problem("grade", raw, f"Параллель «{_cell_text(raw)}» не распознана: ожидается число от 1 до 11")
                    parsed = -1
                elif not 1 <= parsed <= 11:
                    problem("grade", raw, f"Параллель {parsed} вне диапазона 1–11")
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
        elif participants.__class__ is not int or participants <= 0:  # type: ignore[operator]
            problem(
                "participants",
                raw_participants,
                f"Количество участников «{_cell_text(raw_participants)}» должно быть целым числом больше 0",
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
        if number is None:
            values.append(0)
        elif number is _BAD or number < 0:  # type: ignore[operator]
            problem(name, raw, f"{title}: значение «{_cell_text(raw)}» должно быть неотрицательным числом")
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
