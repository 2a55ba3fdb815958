"""Pseudonymous participant codes and the check of birth dates (names never leave here)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Sequence

from monitoring.readers.values import _SPACES_RE, _cell_text

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
    if not _DATE_LIKE_RE.match(text):  # (defined with the birth-date check below)
        # no date at all (an РЦОИ protocol has no birth dates): seven failing strptime calls a
        # row were most of the time of pseudonymising such a file
        return text.casefold()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return text.casefold()


def pseudonym(
    key: bytes,
    *,
    last_name: object,
    first_name: object,
    middle_name: object,
    birth_date: object,
    document: object = "",
) -> str:
    """A stable pseudonymous participant code: "p" + 20 hex digits of HMAC-SHA256 over the
    normalized name (casefolded, ё → е, spaces collapsed), the ISO birth date and, when the file
    has them, the identifying documents (series and number, letters and digits only): two
    namesakes of one school, whose protocol carries no birth date, stay two participants. A file
    without documents makes the same codes as before documents were taken.

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
    document = _normalize_document(document)
    if document:
        message += "\x1f" + document
    return "p" + hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()[:20]


def _normalize_document(value: object) -> str:
    return "".join(char for char in _cell_text(value).upper() if char.isalnum())


def row_pseudonym(
    key: bytes,
    row: list,
    *,
    full_name: int | None,
    last_name: int | None,
    first_name: int | None,
    middle_name: int | None,
    birth_date: int | None,
    identifiers: Sequence[int] = (),
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
    document = "".join(text(j) for j in identifiers)
    return pseudonym(key, last_name=last, first_name=first, middle_name=middle, birth_date=birth, document=document)


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
