"""Cell values: text normalisation, numbers checked against their columns, subjects, classes, levels, yes/no."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from config.lib.numbers import Range, parse_number, refusal, type_range
from config.lib.xlsx import unescape_text

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
