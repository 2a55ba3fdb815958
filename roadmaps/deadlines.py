"""Parse the free-text deadlines ("Сроки") of roadmap measures against the roadmap's period.

Methodists write deadlines as Russian text ("Сентябрь, ноябрь, март-апрель", "Ежеквартально (до
15 числа месяца, следующего за отчетным)", "В соответствии с графиком проведения ВПР"). The
product keeps the text and, beside it, the structure parsed here: the kind of deadline, its
occurrences (start and end of each window of work and the day it is due), the recurrence rule
and a remark with whatever else the text says. The rules are those of
shared/domain/deadlines.md.

The first rule is never to give a silently wrong date: whatever is ambiguous, truncated or
contradictory becomes `needs_dates` with a remark saying why, so that a person sets the dates.

Pure Python (stdlib only) so that it can run anywhere: in forms, imports, commands and tests.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from config.lib.russian import plural

# The longest deadline in the seeds has about 110 characters; longer input is pasted text, not
# a deadline, and parsing it would only waste time.
MAX_PARSED_CHARS = 500

DEFAULT_HOLIDAY_WINDOWS: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = (((6, 1), (8, 31)),)

INTERNAL_ERROR_REMARK = "срок не удалось разобрать: укажите даты вручную"


class DeadlineKind(StrEnum):
    DATE = "date"
    WINDOW = "window"
    RECURRING = "recurring"
    CONTINUOUS = "continuous"
    EXTERNAL = "external"
    ON_DEMAND = "on_demand"
    NEEDS_DATES = "needs_dates"


# Kinds that carry no occurrences: their dates come from elsewhere or from a person.
UNDATED_KINDS = frozenset({DeadlineKind.EXTERNAL, DeadlineKind.ON_DEMAND, DeadlineKind.NEEDS_DATES})


@dataclass(frozen=True)
class Occurrence:
    """One window of work (`start` … `end`) and the day it is due (`due`, never before `start`)."""

    start: date
    end: date
    due: date

    def __post_init__(self):
        if not all(isinstance(value, date) for value in (self.start, self.end, self.due)):
            raise ValueError("Границы и срок должны быть датами")
        if self.start > self.end or self.due < self.start:
            raise ValueError(f"Неверный срок: {self.start}–{self.end}, сдача {self.due}")

    def to_json(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "due": self.due.isoformat()}


@dataclass(frozen=True)
class ParsedDeadline:
    """The structure parsed from a deadline text; `text` is kept exactly as written."""

    text: str
    kind: DeadlineKind
    occurrences: tuple[Occurrence, ...] = ()
    recurrence: dict | None = field(default=None, hash=False)
    remark: str = ""
    # The period the text was parsed against: only used to say "before the period" in the
    # summary. Not part of the JSON (the roadmap holds its period) nor of equality.
    period_start: date | None = field(default=None, compare=False, repr=False)
    period_end: date | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "kind", DeadlineKind(self.kind))
        object.__setattr__(self, "occurrences", tuple(self.occurrences))

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "kind": self.kind.value,
            "occurrences": [occurrence.to_json() for occurrence in self.occurrences],
            "recurrence": dict(self.recurrence) if self.recurrence is not None else None,
            "remark": self.remark,
        }

    @classmethod
    def from_json(
        cls, data: dict, *, period_start: date | None = None, period_end: date | None = None
    ) -> ParsedDeadline:
        try:
            recurrence = data.get("recurrence")
            if recurrence is not None and not isinstance(recurrence, dict):
                raise TypeError("recurrence must be an object")
            return cls(
                text=str(data.get("text", "")),
                kind=DeadlineKind(data["kind"]),
                occurrences=tuple(
                    Occurrence(
                        start=date.fromisoformat(item["start"]),
                        end=date.fromisoformat(item["end"]),
                        due=date.fromisoformat(item["due"]),
                    )
                    for item in data.get("occurrences") or ()
                ),
                recurrence=dict(recurrence) if recurrence is not None else None,
                remark=str(data.get("remark") or ""),
                period_start=period_start,
                period_end=period_end,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"Некорректная структура срока: {error}") from error

    @property
    def due_dates(self) -> tuple[date, ...]:
        return tuple(occurrence.due for occurrence in self.occurrences)

    @property
    def occurs_before_period(self) -> bool:
        """True when some occurrence ends before the period starts (kept, and shown as such)."""
        return self.period_start is not None and any(o.end < self.period_start for o in self.occurrences)

    @property
    def due_after_period(self) -> bool:
        """True when some occurrence is due after the period ends (a report on its last span)."""
        return self.period_end is not None and any(o.due > self.period_end for o in self.occurrences)

    def summary(self, *, period_start: date | None = None, period_end: date | None = None) -> str:
        """A short Russian description: "3 срока: сентябрь 2022; ноябрь 2022; март–апрель 2023"."""
        start = period_start or self.period_start
        end = period_end or self.period_end
        if self.kind == DeadlineKind.EXTERNAL:
            return f"по внешнему графику: {self.remark}" if self.remark else "по внешнему графику"
        if self.kind == DeadlineKind.NEEDS_DATES:
            return f"нужны даты: {self.remark}" if self.remark else "нужны даты"
        if self.kind == DeadlineKind.ON_DEMAND:
            base = "по мере необходимости"
        elif self.kind == DeadlineKind.CONTINUOUS:
            parts = []
            for occurrence in self.occurrences:
                label = (
                    "весь период" if (start, end) in ((None, None), (occurrence.start, occurrence.end)) else "в течение"
                )
                parts.append(f"{label}: {_format_day(occurrence.start)}–{_format_day(occurrence.end)}")
            base = "; ".join(parts)
        else:
            shown = [self._format_occurrence(o, start, end) for o in self.occurrences]
            listed = _format_list(shown)
            if self.kind == DeadlineKind.RECURRING:
                prefix = _recurrence_label(self.recurrence)
                base = f"{prefix}, {listed}" if len(shown) > 1 else f"{prefix}: {listed}"
            else:
                base = listed
        return f"{base}; {self.remark}" if self.remark else base

    def _format_occurrence(self, occurrence: Occurrence, start: date | None, end: date | None) -> str:
        rule = (self.recurrence or {}).get("due_rule")
        if self.kind == DeadlineKind.DATE:
            text = f"до {_format_day(occurrence.due)}"
        elif rule and occurrence.due > occurrence.end:
            text = f"за {_format_span(occurrence.start, occurrence.end)} — до {_format_day(occurrence.due)}"
        elif rule and str(rule).split()[-1] in _WEEKDAYS_ENGLISH:
            text = _format_day(occurrence.due)  # a weekday of the month: the day of the event
        elif rule:
            text = f"до {_format_day(occurrence.due)}"
        else:
            text = _format_span(occurrence.start, occurrence.end)
            if occurrence.due != occurrence.end:
                text += f" (сдача {_format_day(occurrence.due)})"
        if start is not None and occurrence.end < start:
            text += " (до начала периода)"
        elif end is not None and occurrence.start > end:
            text += " (после окончания периода)"
        elif end is not None and occurrence.due > end:
            text += " (сдача после окончания периода)"
        return text


def parse_deadline(
    text: str,
    *,
    period_start: date,
    period_end: date,
    holiday_windows: Sequence[tuple[tuple[int, int], tuple[int, int]]] = DEFAULT_HOLIDAY_WINDOWS,
) -> ParsedDeadline:
    """Parse a deadline text against the roadmap's period; never raises."""
    try:
        original = text if isinstance(text, str) else ("" if text is None else str(text))
    except Exception:  # an object whose str() fails is still not a reason to break a page
        original = ""
    try:
        return _Parser(original, period_start, period_end, holiday_windows).parse()
    except Exception:
        # A deadline is shown on every roadmap page: an unforeseen input must not break them.
        # The methodist sees "needs dates" and sets the dates by hand.
        return ParsedDeadline(
            text=original,
            kind=DeadlineKind.NEEDS_DATES,
            remark=INTERNAL_ERROR_REMARK,
            period_start=period_start if isinstance(period_start, date) else None,
            period_end=period_end if isinstance(period_end, date) else None,
        )


# --- Formatting -------------------------------------------------------------------------------

_MONTHS_NOMINATIVE = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
# Written out: calendar.month_name follows the process locale.
_MONTHS_ENGLISH = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS_ENGLISH = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ORDINALS_ENGLISH = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_SUMMARY_MAX_SHOWN = 5


def _format_day(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _format_span(start: date, end: date) -> str:
    if start == end:
        return _format_day(start)
    if start.day == 1 and end == _month_end(end.year, end.month):
        if start.month == 1 and end.month == 12:
            return f"{start.year} г." if start.year == end.year else f"{start.year}–{end.year} гг."
        first, last = _MONTHS_NOMINATIVE[start.month - 1], _MONTHS_NOMINATIVE[end.month - 1]
        if (start.year, start.month) == (end.year, end.month):
            return f"{first} {start.year}"
        if start.year == end.year:
            return f"{first}–{last} {start.year}"
        return f"{first} {start.year} – {last} {end.year}"
    return f"{_format_day(start)}–{_format_day(end)}"


def _plural_terms(count: int) -> str:
    return plural(count, "срок", "срока", "сроков")


def _format_list(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    shown = items if len(items) <= _SUMMARY_MAX_SHOWN else [*items[:3], "…", items[-1]]
    return f"{len(items)} {_plural_terms(len(items))}: " + "; ".join(shown)


def _recurrence_label(recurrence: dict | None) -> str:
    freq = (recurrence or {}).get("freq")
    if freq == "quarterly":
        return "ежеквартально"
    if freq == "monthly":
        return "ежемесячно"
    if freq == "every_n_years":
        n = recurrence.get("n")
        label = f"раз в {n} {'года' if isinstance(n, int) and 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 'лет'}"
        return label + (" для каждой организации" if recurrence.get("per_organization") else "")
    return "ежегодно"


# --- Normalisation ----------------------------------------------------------------------------

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d"
# Latin letters that look like Cyrillic ones, as typed in mixed-keyboard words ("Cентябрь").
_HOMOGLYPHS = str.maketrans("aceopxykACEHKMOPTXB", "асеорхукАСЕНКМОРТХВ")
_KEEP_AS_IS = frozenset("№")
_LATIN = re.compile(r"[a-zA-Z]")
_CYRILLIC = re.compile(r"[а-яА-Я]")


def _fix_homoglyphs(match: re.Match) -> str:
    word = match.group(0)
    return word.translate(_HOMOGLYPHS) if _LATIN.search(word) and _CYRILLIC.search(word) else word


def _normalize(text: str) -> str:
    """Unify what must not change the result: spacing, dashes, ё, glued numbers and the typos."""
    # Compatibility forms (fullwidth digits, no-break spaces, ligatures) become plain ones; "№"
    # is kept, as NFKC would turn it into "No" in the remark.
    text = "".join(
        char if char in _KEEP_AS_IS else unicodedata.normalize("NFKC", char)
        for char in unicodedata.normalize("NFC", text)
    )[: MAX_PARSED_CHARS * 2]
    chars = []
    for char in text:
        if char in _DASHES:
            chars.append("-")
        elif char.isspace() or unicodedata.category(char)[0] == "C":
            chars.append(" ")
        else:
            chars.append(char)
    text = "".join(chars).replace("ё", "е").replace("Ё", "Е")
    text = re.sub(r"[^\W\d_]+", _fix_homoglyphs, text)
    # "15декабря", "2021г." → "15 декабря", "2021 г."
    text = re.sub(r"(?<=[0-9])(?=[^\W\d_])|(?<=[^\W\d_])(?=[0-9])", " ", text)
    # "20202022 гг." is a range of years that lost its dash.
    text = re.sub(
        r"\b((?:19|20)[0-9]{2})((?:19|20)[0-9]{2})\b",
        lambda m: f"{m.group(1)}-{m.group(2)}" if int(m.group(2)) >= int(m.group(1)) else m.group(0),
        text,
    )
    # Corpus typos: "министерств а", "В соответствии и с приказом", "Планом- графиком".
    text = re.sub(r"\bминистерств\s+а\b", lambda m: m.group(0).replace(" ", ""), text, flags=re.IGNORECASE)
    text = re.sub(r"(\bв\s+соответствии)\s+и\s+(?=со?\b)", r"\1 ", text, flags=re.IGNORECASE)
    text = re.sub(r"(?<=[^\W\d_])-\s+(?=[^\W\d_])|(?<=[^\W\d_])\s+-(?=[^\W\d_])", "-", text)
    return re.sub(r"\s+", " ", text).strip()


# --- Vocabulary -------------------------------------------------------------------------------

_MONTH_PATTERNS = (
    r"январ(?:ь|я|е|ю|ем)|янв",
    r"феврал(?:ь|я|е|ю|ем)|февр?",
    r"март(?:а|е|у|ом)?|мар",
    r"апрел(?:ь|я|е|ю|ем)|апр",
    r"ма(?:й|я|е|ю|ем)",
    r"июн(?:ь|я|е|ю|ем)?",
    r"июл(?:ь|я|е|ю|ем)?",
    r"август(?:а|е|у|ом)?|авг",
    r"сентябр(?:ь|я|е|ю|ем)|сент?",
    r"октябр(?:ь|я|е|ю|ем)|окт",
    r"ноябр(?:ь|я|е|ю|ем)|нояб?",
    r"декабр(?:ь|я|е|ю|ем)|дек",
)
_MONTH_MATCHERS = tuple(re.compile(f"(?:{pattern})", re.IGNORECASE) for pattern in _MONTH_PATTERNS)
_MONTH = "(?:" + "|".join(f"(?:{pattern})" for pattern in _MONTH_PATTERNS) + ")"
_YEAR = r"(?:19|20|21)[0-9]{2}"
# What may follow a year: "г", "г.", "гг.", "года", "году".
_YEAR_SUFFIX = r"(?:\s*(?:года|году|годах|годы|год|гг|г)\b\.?)?"


# A year that is not the start of "2019-01-27" or "2020-2022".
def _year_after(name: str) -> str:
    return rf"(?P<{name}>{_YEAR})\b(?!\s*-\s*[0-9]){_YEAR_SUFFIX}"


_ORDINAL = r"(?:[1-4]|iv|iii|ii|i|перв\w*|втор\w*|трет\w*|четверт\w*)"
_ORDINAL_SUFFIX = r"(?:\s*-?\s*(?:ый|ий|ой|й|го|м|ом|е|ое))?"
_WEEKDAY = r"(?:понедельник|вторник|сред|четверг|пятниц|суббот|воскресен)\w*"

_FLAGS = re.IGNORECASE


def _compile(pattern: str) -> re.Pattern:
    return re.compile(pattern, _FLAGS)


_NOISE = _compile(
    r"\b(?:срок|список|сроки)\s+(?:исполнения|реализации)\s*(?:\(\s*месяц\s*[.,]?\s*год\s*\))?|\(\s*месяц\s*[.,]\s*год\s*\)"
)
_REPORT_YEAR_AFTER = _compile(
    rf"\bдо\s+(?P<day>[0-9]{{1,2}})\s+(?P<month>{_MONTH})\s+(?:года|г\b\.?)\s*,?\s*следующ\w*\s+за\s+отчетн\w*"
    r"(?:\s+(?:годом|периодом))?"
)
_REPORT_MONTH_AFTER = _compile(
    r"\bдо\s+(?P<day>[0-9]{1,2})(?:\s*-?\s*(?:го|е))?\s+числа(?:\s+месяца)?\s*,?\s*следующ\w*\s+за\s+отчетн\w*"
    r"(?:\s+(?:месяцем|кварталом|периодом))?"
)
_DAY_OF_MONTH = _compile(r"\bдо\s+(?P<day>[0-9]{1,2})(?:\s*-?\s*(?:го|е))?\s+числа(?:\s+(?:каждого\s+)?месяца)?")
_WEEKDAY_OF_MONTH = _compile(
    rf"\b(?:в\s+)?(?P<ordinal>перв\w*|втор\w*|трет\w*|четверт\w*|последн\w*)\s+(?P<weekday>{_WEEKDAY})"
    r"(?:\s+(?:каждого\s+)?месяца)?"
)
_EVERY_N_YEARS = _compile(
    r"\b(?:1|один|одн[ау])\s+раз\s+в\s+(?P<n>[2-9]|10|два|три|четыре|пять|шесть)\s+(?:года|лет|год)\b"
)
_PER_ORGANIZATION = _compile(
    r"\b(?:для|в)\s+каждой\s+(?:образовательной\s+)?(?:организации|ОО|школы)\b|\bдля\s+каждого\s+(?:ОУ|учреждения)\b"
)
_BY_RESULTS = _compile(
    r"\bпо\s+итогам\s+(?:(?:отчетного|учебного|календарного|финансового)\s+)?(?:года|периода|квартала|месяца|полугодия)\b"
)
_ANNUAL = _compile(r"\bежегодн\w*|\bкаждый\s+год\b|\b(?:1|один)\s+раз\s+в\s+год\b")
_QUARTERLY = _compile(r"\bежекварт\w*|\bкаждый\s+квартал\b|\b(?:1|один)\s+раз\s+в\s+квартал\b")
_MONTHLY = _compile(r"\bежемесячн\w*|\bкаждый\s+месяц\b|\b(?:1|один)\s+раз\s+в\s+месяц\b")
_ON_DEMAND = _compile(
    r"\bпо\s+мере\s+(?:необходимости|потребности)|\bпри\s+(?:необходимости|потребности)|\bпо\s+необходимости"
    r"|\bпо\s+(?:запросу|запросам|требованию)\b"
)
_WHOLE_TAIL = r"(?:\s+(?:реализации|действия)(?:\s+(?:дорожной\s+карты|программы|плана|концепции|проекта))?)?"
_CONTINUOUS_WHOLE = _compile(
    r"\b(?:в\s+течени[еи]|на\s+протяжении|в\s+продолжение)\s+(?:всего\s+)?"
    r"(?:(?:учебного|календарного|текущего|отчетного)\s+)?(?:года|периода)\b"
    + _WHOLE_TAIL
    + r"|\b(?:весь|всего)\s+период\w*"
    + _WHOLE_TAIL
    + r"|\bв\s+течени[еи]\s+всего\b|\bкруглогодичн\w*"
)
_CONTINUOUS_WEAK = _compile(r"\bпостоянно\b|\bна\s+постоянной\s+основе\b|\bсистематически\b")
_HOLIDAY = _compile(r"\b(?:в\s+)?(?:период\w*\s+)?каникул\w*(?:\s+период\w*)?")
_SPAN = _compile(r"\b(?:в\s+течени[еи]|на\s+протяжении)\b")
_EXTERNAL = _compile(
    r"\b(?:в\s+соответствии|согласно|сообразно|по\s+(?:[^\W\d_]+\s+)?(?:графику|графикам|плану|планам|"
    r"расписанию|приказу|распоряжению)\b|по\s+плану-графику|по\s+окончании|после\s+окончания|на\s+основании|"
    r"с\s+учетом|в\s+(?:установленные|указанные|определенные)\s+сроки|в\s+сроки|в\s+рамках|по\s+итогам|"
    r"по\s+результатам|по\s+мере\s+проведения|по\s+согласованию|по\s+решению)"
)

_TOKEN = _compile(
    "|".join(
        (
            r"(?P<iso>\b(?P<iso_y>[0-9]{4})-(?P<iso_m>[0-9]{1,2})-(?P<iso_d>[0-9]{1,2})\b)",
            rf"(?P<dmy>\b(?P<dmy_d>[0-9]{{1,2}})\.(?P<dmy_m>[0-9]{{1,2}})\.(?P<dmy_y>[0-9]{{4}}|[0-9]{{2}})\b{_YEAR_SUFFIX})",
            rf"(?P<my>\b(?P<my_m>[0-9]{{1,2}})\.(?P<my_y>{_YEAR})\b{_YEAR_SUFFIX})",
            r"(?P<dm>\b(?P<dm_d>[0-9]{1,2})\.(?P<dm_m>[0-9]{1,2})\b(?!\.?[0-9]))",
            rf"(?P<quarter>\b(?P<q1>{_ORDINAL}){_ORDINAL_SUFFIX}(?:\s*(?:-|и|,)\s*(?P<q2>{_ORDINAL}){_ORDINAL_SUFFIX})?"
            rf"\s*квартал\w*(?:\s+{_year_after('q_y')})?)",
            rf"(?P<half>\b(?P<h>[12]|ii|i|перв\w*|втор\w*){_ORDINAL_SUFFIX}\s*полугоди\w*"
            rf"(?:\s+{_year_after('h_y')})?)",
            rf"(?P<daymonth>\b(?P<dn_d>[0-9]{{1,2}})(?:\s*-?\s*(?:го|е|ое))?\s+(?P<dn_m>{_MONTH})\b\.?"
            rf"(?:\s*{_year_after('dn_y')})?)",
            rf"(?P<years>\b(?P<ys1>{_YEAR}){_YEAR_SUFFIX}\s*-\s*(?P<ys2>{_YEAR})\b{_YEAR_SUFFIX})",
            rf"(?P<month>\b(?P<mon>{_MONTH})\b\.?(?:\s*,?\s*{_year_after('mon_y')})?)",
            rf"(?P<season>\b(?P<sn>лето|летом|лета|весна|весной|весны|осень|осенью|осени)\b"
            rf"(?:\s*{_year_after('sn_y')})?)",
            rf"(?P<year>\b{_year_after('yr')})",
            r"(?P<num>[0-9]+)",
            r"(?P<dash>-)",
            r"(?P<then>\bи\s+далее\b|\bдалее\b|\bзатем\b|\bв\s+дальнейшем\b)",
            r"(?P<sep>[,;]|\bи\b|\bа\s+также\b)",
            r"(?P<prep_end>\bне\s+позднее\b|\bне\s+позже\b)",
            r"(?P<prep_start>\bдо\b|\bко?\b)",
            r"(?P<from>\bначиная\s+со?\b|\bсо?\b)",
            r"(?P<to>\bпо\b)",
            r"(?P<filler>\bво?\b|\bгг?\b\.?|\bсроки?\b)",
            r"(?P<word>[^\W\d_]+)",
        )
    )
)

# Words that, left over after the dates were read, mean the text says something about time
# that was not understood: then the parse is not trusted.
_TEMPORAL_WORD = _compile(
    r"(?:год(?:а|у|ом|е|ы|ов|ам|ах)?|гг|лет|месяц\w*|недел\w*|день|дня|дней|дн|числ(?:о|а|у|ом|ам|ах)?|"
    r"квартал(?:а|у|ом|е|ы|ов|ам|ах)?|полугод\w*|семестр\w*|четверт\w*|сутки|суток|час(?:а|ов|ам|ах)?|"
    r"период(?:а|у|ом|е|ы|ов|ам|ах)?|конц(?:а|е|у|ом)|начал(?:о|а|е|у|ом)|середин\w*|декад\w*|"
    r"позднее|позже|ранее|раньше|после|перед|"
    r"или|либо|кроме|исключением|ежедневн\w*|еженедельн\w*|каждый|каждого|каждую|каждое|раз|раза|"
    + _WEEKDAY
    + r"|зим\w*|ежегод\w*|ежекварт\w*|ежемесяч\w*|течени\w*|каникул\w*|лет\w*|весн\w*|осен\w*|"
    r"сегодня|завтра|вчера|неделю|ближайш\w*|текущ\w*|следующ\w*|прошл\w*|отчетн\w*)"
)
_NUMBER_WORDS = {"два": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6}
_SEASONS = {"лет": (6, 8), "вес": (3, 5), "осе": (9, 11)}


_FUNCTION_KINDS = frozenset({"sep", "prep_start", "prep_end", "from", "to", "filler", "then", "dash"})


def _is_punctuation(token: _Token) -> bool:
    return token.kind == "sep" and token.text.strip() in (",", ";")


# --- Internal structures ----------------------------------------------------------------------


class _Unparsed(Exception):
    """The text says something about dates that cannot be read with confidence."""


@dataclass(frozen=True)
class _Template:
    """The month-day shape of a span, placed in a year by `span(year)` (the year of its start)."""

    start_month: int
    start_day: int
    end_month: int
    end_day: int | None  # None: the last day of end_month
    year_delta: int = 0  # the end's year minus the start's year

    def span(self, year: int) -> tuple[date, date]:
        return (
            _clamped_date(year, self.start_month, self.start_day),
            _clamped_date(year + self.year_delta, self.end_month, self.end_day or 31),
        )

    @property
    def start_key(self) -> tuple[int, int]:
        return self.start_month, self.start_day

    @property
    def end_key(self) -> tuple[int, int]:
        return self.end_month, self.end_day or 31


@dataclass(frozen=True)
class _Item:
    """One date expression of the text: a day, a month, a range, a quarter, a year…"""

    template: _Template
    year: int | None  # the year of its start when the text gives it
    last_year: int | None = None  # "2020-2022 гг.": the last of a range of whole years
    granularity: str = "month"  # "day", "month", "quarter", "season", "year", "years", "range"
    due_prefix: bool = False  # "до 1 августа", "к 1.09", "не позднее …"
    from_prefix: bool = False  # "с 1 квартала 2021 г." without an end
    is_range: bool = False

    @property
    def is_single_day(self) -> bool:
        return self.granularity == "day" and not self.is_range

    def with_year(self, year: int) -> _Item:
        return _Item(
            self.template, year, self.last_year, self.granularity, self.due_prefix, self.from_prefix, self.is_range
        )

    def concrete_span(self) -> tuple[date, date]:
        assert self.year is not None
        return self.template.span(self.year)


@dataclass
class _Token:
    kind: str
    start: int
    end: int
    item: _Item | None = None
    text: str = ""
    used: bool = True


def _clamped_date(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _add_years(day: date, years: int) -> date:
    return _clamped_date(day.year + years, day.month, day.day)


def _month_number(word: str) -> int:
    for number, matcher in enumerate(_MONTH_MATCHERS, start=1):
        if matcher.fullmatch(word):
            return number
    raise _Unparsed(f"неизвестный месяц «{word}»")


def _ordinal_number(word: str) -> int:
    lowered = word.lower()
    roman = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
    if lowered in roman:
        return roman[lowered]
    if lowered.isdigit():
        return int(lowered)
    for prefix, number in (("перв", 1), ("втор", 2), ("трет", 3), ("четверт", 4), ("последн", -1)):
        if lowered.startswith(prefix):
            return number
    raise _Unparsed(f"непонятный номер «{word}»")


def _checked_year(value: str | None) -> int | None:
    if value is None:
        return None
    year = int(value)
    if not 1900 <= year <= 2100:
        raise _Unparsed(f"год {year} вне разумных пределов")
    return year


def _day_item(day: int, month: int, year: int | None) -> _Item:
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise _Unparsed(f"несуществующая дата {day:02d}.{month:02d}")
    if day > calendar.monthrange(year if year is not None else 2000, month)[1]:
        raise _Unparsed(f"несуществующая дата {day:02d}.{month:02d}")
    return _Item(_Template(month, day, month, day), year, granularity="day")


def _day_of_month(value: str) -> int:
    day = int(value)
    if not 1 <= day <= 31:
        raise _Unparsed(f"несуществующее число месяца {day}")
    return day


def _nth_weekday(year: int, month: int, ordinal: int, weekday: int) -> date:
    days = [week[weekday] for week in calendar.monthcalendar(year, month) if week[weekday]]
    return date(year, month, days[ordinal - 1] if ordinal > 0 else days[-1])


def _english_ordinal(number: int) -> str:
    suffix = "th" if 11 <= number % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


# --- The parser -------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, period_start: date, period_end: date, holiday_windows):
        self.text = text
        self.period_start = period_start
        self.period_end = period_end
        self.holiday_windows = holiday_windows
        self.source = ""
        self.consumed: list[bool] = []
        self.protected: list[bool] = []
        # Rules and flags found in the text.
        self.annual = self.quarterly = self.monthly = False
        self.every_n: int | None = None
        self.per_organization = False
        self.on_demand = self.continuous_whole = self.span = self.holiday = False
        self.external = False
        self.due_rule: tuple[str, int, int] | None = None  # (rule, day or ordinal, month or weekday)

    # Helpers -------------------------------------------------------------------------------

    def _result(self, kind: DeadlineKind, occurrences=(), recurrence=None, remark: str = "") -> ParsedDeadline:
        return ParsedDeadline(
            text=self.text,
            kind=kind,
            occurrences=tuple(occurrences),
            recurrence=recurrence,
            remark=remark,
            period_start=self.period_start,
            period_end=self.period_end,
        )

    def _working_text(self) -> str:
        return "".join(
            " " if consumed or protected else char
            for char, consumed, protected in zip(self.source, self.consumed, self.protected, strict=True)
        )

    def _take(self, pattern: re.Pattern) -> list[re.Match]:
        matches = list(pattern.finditer(self._working_text()))
        for match in matches:
            self._consume(match.start(), match.end())
        return matches

    def _consume(self, start: int, end: int) -> None:
        for index in range(start, end):
            self.consumed[index] = True

    @property
    def _fits_one_year(self) -> bool:
        return self.period_end < _add_years(self.period_start, 1)

    def _clip(self, start: date, end: date) -> tuple[date, date] | None:
        start, end = max(start, self.period_start), min(end, self.period_end)
        return (start, end) if start <= end else None

    # Entry point ----------------------------------------------------------------------------

    def parse(self) -> ParsedDeadline:
        if not isinstance(self.period_start, date) or not isinstance(self.period_end, date):
            raise TypeError("period bounds must be dates")
        if not self.text.strip():
            return self._result(DeadlineKind.NEEDS_DATES, remark="срок не указан")
        if len(self.text) > MAX_PARSED_CHARS:
            return self._result(
                DeadlineKind.NEEDS_DATES,
                remark=f"текст срока длиннее {MAX_PARSED_CHARS} знаков: укажите даты вручную",
            )
        if self.period_start > self.period_end:
            return self._result(DeadlineKind.NEEDS_DATES, remark="начало периода дорожной карты позже его конца")
        self.source = _normalize(self.text)
        self.consumed = [False] * len(self.source)
        self.protected = [False] * len(self.source)
        try:
            self._read_phrases()
            tokens = self._tokenize()
            items = self._read_items(tokens)
            self._check_leftovers(tokens)
            items = _propagate_years(items)
            kind, occurrences, recurrence = self._decide(items)
        except _Unparsed as reason:
            remark = str(reason)
            return self._result(DeadlineKind.NEEDS_DATES, remark=remark)
        occurrences = sorted(set(occurrences), key=lambda o: (o.start, o.end, o.due))
        return self._result(kind, occurrences, recurrence, self._remark())

    # Phrases --------------------------------------------------------------------------------

    def _read_phrases(self) -> None:
        self._take(_NOISE)
        for match in self._take(_REPORT_YEAR_AFTER):
            month = _month_number(match["month"])
            self._set_due_rule(("year_after", _day_item(int(match["day"]), month, None).template.start_day, month))
        for match in self._take(_REPORT_MONTH_AFTER):
            self._set_due_rule(("month_after", _day_of_month(match["day"]), 0))
        for match in self._take(_DAY_OF_MONTH):
            self._set_due_rule(("day_of_month", _day_of_month(match["day"]), 0))
        for match in self._take(_WEEKDAY_OF_MONTH):
            weekday = next(
                number
                for number, stem in enumerate(
                    ("понедельник", "вторник", "сред", "четверг", "пятниц", "суббот", "воскрес")
                )
                if match["weekday"].lower().startswith(stem)
            )
            self._set_due_rule(("weekday", _ordinal_number(match["ordinal"]), weekday))
        for match in self._take(_EVERY_N_YEARS):
            n = match["n"].lower()
            self.every_n = int(n) if n.isdigit() else _NUMBER_WORDS[n]
        if self.every_n:
            self.per_organization = bool(self._take(_PER_ORGANIZATION))
        self._take(_BY_RESULTS)
        self.annual = bool(self._take(_ANNUAL))
        self.quarterly = bool(self._take(_QUARTERLY))
        self.monthly = bool(self._take(_MONTHLY))
        self.on_demand = bool(self._take(_ON_DEMAND))
        self.continuous_whole = bool(self._take(_CONTINUOUS_WHOLE))
        if not (self.annual or self.quarterly or self.monthly or self.every_n):
            # "Постоянно" alone is continuous work; in "Ежегодно (постоянно)" it stays a remark.
            self.continuous_whole |= bool(self._take(_CONTINUOUS_WEAK))
        self.holiday = bool(self._take(_HOLIDAY))
        self.span = bool(self._take(_SPAN))
        self._protect_external_references()

    def _set_due_rule(self, rule: tuple[str, int, int]) -> None:
        if self.due_rule is not None and self.due_rule != rule:
            raise _Unparsed("в тексте два разных правила срока сдачи")
        self.due_rule = rule

    def _protect_external_references(self) -> None:
        """Keep "в соответствии с приказом … от 12.03.2021" whole: a reference, not a deadline."""
        position = 0
        while True:
            working = self._working_text()
            match = _EXTERNAL.search(working, position)
            if match is None:
                return
            start = match.start()
            depth = working.count("(", 0, start) - working.count(")", 0, start)
            end = len(working)
            if depth > 0:
                # Inside parentheses ("Ежегодно (по отдельному графику)"): up to the closing one.
                level = 0
                for index in range(start, len(working)):
                    if working[index] == "(":
                        level += 1
                    elif working[index] == ")":
                        if level == 0:
                            end = index
                            break
                        level -= 1
            for index in range(start, end):
                self.protected[index] = True
            self.external = True
            position = end

    # Tokens ---------------------------------------------------------------------------------

    def _tokenize(self) -> list[_Token]:
        tokens = []
        for match in _TOKEN.finditer(self._working_text()):
            kind = match.lastgroup
            groups = match.groupdict()
            item = None
            if groups["iso"]:
                year = _checked_year(groups["iso_y"])
                item = _day_item(int(groups["iso_d"]), int(groups["iso_m"]), year)
                kind = "point"
            elif groups["dmy"]:
                raw_year = groups["dmy_y"]
                year = _checked_year(raw_year if len(raw_year) == 4 else f"20{raw_year}")
                item = _day_item(int(groups["dmy_d"]), int(groups["dmy_m"]), year)
                kind = "point"
            elif groups["my"]:
                month = int(groups["my_m"])
                if not 1 <= month <= 12:
                    raise _Unparsed(f"несуществующий месяц {month}")
                item = _Item(_Template(month, 1, month, None), _checked_year(groups["my_y"]))
                kind = "point"
            elif groups["dm"]:
                item = _day_item(int(groups["dm_d"]), int(groups["dm_m"]), None)
                kind = "point"
            elif groups["quarter"]:
                first = _ordinal_number(groups["q1"])
                last = _ordinal_number(groups["q2"]) if groups["q2"] else first
                if not 1 <= first <= last <= 4:
                    raise _Unparsed("непонятные кварталы")
                item = _Item(
                    _Template(3 * first - 2, 1, 3 * last, None), _checked_year(groups["q_y"]), granularity="quarter"
                )
                kind = "point"
            elif groups["half"]:
                half = _ordinal_number(groups["h"])
                if half not in (1, 2):
                    raise _Unparsed("непонятное полугодие")
                months = (1, 6) if half == 1 else (7, 12)
                item = _Item(
                    _Template(months[0], 1, months[1], None), _checked_year(groups["h_y"]), granularity="quarter"
                )
                kind = "point"
            elif groups["daymonth"]:
                item = _day_item(int(groups["dn_d"]), _month_number(groups["dn_m"]), _checked_year(groups["dn_y"]))
                kind = "point"
            elif groups["years"]:
                first, last = _checked_year(groups["ys1"]), _checked_year(groups["ys2"])
                if last < first:
                    raise _Unparsed(f"диапазон лет {first}–{last} идет назад")
                item = _Item(_Template(1, 1, 12, None, last - first), first, last, granularity="years")
                kind = "point"
            elif groups["month"]:
                month = _month_number(groups["mon"])
                item = _Item(_Template(month, 1, month, None), _checked_year(groups["mon_y"]))
                kind = "point"
            elif groups["season"]:
                first, last = _SEASONS[groups["sn"].lower()[:3]]
                item = _Item(_Template(first, 1, last, None), _checked_year(groups["sn_y"]), granularity="season")
                kind = "point"
            elif groups["year"]:
                item = _Item(_Template(1, 1, 12, None), _checked_year(groups["yr"]), granularity="year")
                kind = "point"
            tokens.append(_Token(kind, match.start(), match.end(), item, match.group(0)))
        return tokens

    def _read_items(self, tokens: list[_Token]) -> list[_Item]:
        items: list[_Item] = []
        pending_prep: str | None = None
        pending_from = False
        open_range = False
        previous: str | None = None
        for token in tokens:
            kind = token.kind
            if kind == "point":
                if open_range:
                    items[-1] = _range(items[-1], token.item)
                    open_range = False
                else:
                    if previous == "point":
                        raise _Unparsed("две даты подряд без разделителя противоречат друг другу")
                    item = token.item
                    if pending_prep:
                        item = _due_item(item, pending_prep)
                    if pending_from:
                        item = _Item(item.template, item.year, item.last_year, item.granularity, item.due_prefix, True)
                    items.append(item)
                pending_prep, pending_from = None, False
            elif kind == "dash" and previous == "point":
                if items[-1].is_range:
                    raise _Unparsed("в диапазоне больше двух границ")
                open_range = True
            elif kind == "to" and previous == "point" and items and items[-1].from_prefix:
                open_range = True  # "с 1 сентября по 15 октября"
                items[-1] = _Item(
                    items[-1].template, items[-1].year, items[-1].last_year, items[-1].granularity, items[-1].due_prefix
                )
            elif kind in ("prep_start", "prep_end"):
                pending_prep = kind
            elif kind == "from":
                pending_from = True
            elif kind == "num":
                raise _Unparsed(f"непонятное число «{token.text.strip()}»")
            elif kind in ("sep", "word", "then", "to"):
                if open_range:
                    raise _Unparsed("диапазон без конца: укажите, до какого месяца")
                if kind == "word":
                    pending_prep, pending_from = None, False
            previous = kind
        if open_range:
            raise _Unparsed("диапазон без конца: укажите, до какого месяца")
        return items

    def _check_leftovers(self, tokens: list[_Token]) -> None:
        """Refuse texts with words about time that were not understood; keep the rest as remark."""
        for token in tokens:
            if token.kind == "word" and _TEMPORAL_WORD.fullmatch(token.text):
                raise _Unparsed(f"непонятное указание срока: «{token.text.strip()}»")
        # Commas and semicolons are left to the remark's clean-up; the other tokens are dates,
        # words, or function words ("и", "до", "с", "по", "далее") that belong to the dates
        # unless they stand between words of a remark ("обновление и пополнение").
        words = [token for token in tokens if not _is_punctuation(token)]
        for index, token in enumerate(words):
            if token.kind == "word":
                token.used = False
            elif token.kind in _FUNCTION_KINDS:
                before = words[index - 1] if index else None
                after = words[index + 1] if index + 1 < len(words) else None
                between_words = after is not None and after.kind == "word" and (before is None or before.kind == "word")
                if between_words or (token.kind == "then" and not self.annual):
                    token.used = False
        for token in tokens:
            if token.used and not _is_punctuation(token):
                self._consume(token.start, token.end)

    # Decision -------------------------------------------------------------------------------

    def _decide(self, items: list[_Item]):
        frequencies = [
            name
            for name, present in (
                ("annual", self.annual),
                ("quarterly", self.quarterly),
                ("monthly", self.monthly),
                ("every_n", bool(self.every_n)),
            )
            if present
        ]
        if self.on_demand:
            if items or frequencies or self.continuous_whole or self.span or self.holiday:
                raise _Unparsed("«по мере необходимости» вместе с датами: уточните срок")
            return DeadlineKind.ON_DEMAND, (), None
        if len(frequencies) > 1:
            raise _Unparsed("в тексте несколько периодичностей: уточните срок")
        if self.due_rule and not frequencies:
            raise _Unparsed("правило срока сдачи без периодичности: уточните срок")
        if self.every_n:
            return self._every_n_years(items)
        if self.holiday:
            return self._holidays(items)
        if self.monthly:
            return self._monthly(items)
        if self.quarterly:
            return self._quarterly(items)
        if self.annual:
            return self._yearly(items)
        if self.continuous_whole or self.span:
            return self._continuous(items)
        if any(item.from_prefix for item in items):
            raise _Unparsed("указано только начало срока («с …»): укажите конец")
        if items:
            spans = [self._resolve(item) for item in items]
            kind = DeadlineKind.DATE if all(item.is_single_day for item in items) else DeadlineKind.WINDOW
            return kind, [Occurrence(start, end, end) for start, end in spans], None
        if self.external:
            return DeadlineKind.EXTERNAL, (), None
        raise _Unparsed("срок не распознан: укажите даты")

    def _resolve(self, item: _Item) -> tuple[date, date]:
        """The span of an item; a month with no year is placed inside the period."""
        if item.year is not None:
            return item.concrete_span()
        if not self._fits_one_year:
            raise _Unparsed("месяц без года, а период дорожной карты длиннее 12 месяцев: укажите год")
        candidates = [item.template.span(year) for year in range(self.period_start.year - 1, self.period_end.year + 1)]
        inside = [(s, e) for s, e in candidates if self.period_start <= s and e <= self.period_end]
        if len(inside) == 1:
            return inside[0]
        overlapping = [(s, e) for s, e in candidates if s <= self.period_end and e >= self.period_start]
        if not inside and len(overlapping) == 1:
            return overlapping[0]
        if not overlapping:
            raise _Unparsed("этот месяц не попадает в период дорожной карты: укажите год")
        raise _Unparsed("месяц попадает в период дважды: укажите год")

    def _continuous(self, items: list[_Item]):
        if self.continuous_whole:
            start = self.period_start
            if items:
                # "Август-сентябрь, в течение года": from the window's start to the period's end.
                start = min(self._resolve(item)[0] for item in items)
                if start > self.period_end:
                    raise _Unparsed("начало работы позже конца периода")
                start = max(start, self.period_start)
            return DeadlineKind.CONTINUOUS, [Occurrence(start, self.period_end, self.period_end)], None
        if not items:
            raise _Unparsed("срок не дописан: «в течение» без периода")
        spans = [self._resolve(item) for item in items]
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
        start, end = self._clip(start, end) or (start, end)
        return DeadlineKind.CONTINUOUS, [Occurrence(start, end, end)], None

    def _holidays(self, items: list[_Item]):
        if self.quarterly or self.monthly or self.continuous_whole or self.span:
            raise _Unparsed("каникулы вместе с другой периодичностью: уточните срок")
        if any(item.granularity not in ("year", "years") for item in items):
            raise _Unparsed("каникулы вместе с датами: уточните срок")
        years = {year for item in items for year in range(item.year, (item.last_year or item.year) + 1)}
        occurrences = []
        for (start_month, start_day), (end_month, end_day) in self.holiday_windows:
            delta = 1 if (end_month, end_day) < (start_month, start_day) else 0
            template = _Template(int(start_month), int(start_day), int(end_month), int(end_day), delta)
            for year in range(self.period_start.year - 1, self.period_end.year + 1):
                if years and year not in years:
                    continue
                clipped = self._clip(*template.span(year))
                if clipped:
                    occurrences.append(Occurrence(clipped[0], clipped[1], clipped[1]))
        if not occurrences:
            raise _Unparsed("каникулы не попадают в период дорожной карты")
        if self.annual:
            return DeadlineKind.RECURRING, occurrences, {"freq": "yearly"}
        return DeadlineKind.WINDOW, occurrences, None

    def _every_n_years(self, items: list[_Item]):
        if items or self.due_rule:
            raise _Unparsed("«раз в N лет» вместе с датами: уточните срок")
        n = self.every_n
        occurrences = []
        index = 0
        while True:
            start = _add_years(self.period_start, index * n)
            if start > self.period_end:
                break
            end = min(_add_years(self.period_start, (index + 1) * n) - timedelta(days=1), self.period_end)
            occurrences.append(Occurrence(start, end, end))
            index += 1
        recurrence = {"freq": "every_n_years", "n": n, "per_organization": self.per_organization}
        return DeadlineKind.RECURRING, occurrences, recurrence

    def _repeated_spans(self, items: list[_Item]) -> list[tuple[date, date]]:
        """The windows of the items repeated each year ("Декабрь-январь ежегодно"), not clipped."""
        spans = []
        for item in items:
            template = item.template
            if item.last_year is not None:
                template = _Template(1, 1, 12, None)
                years = range(item.year, item.last_year + 1)
            elif item.year is not None:
                # "Сентябрь-декабрь 2021 г., далее - ежегодно": from the first window on.
                years = range(item.year, self.period_end.year + 1)
            else:
                years = range(self.period_start.year - 1, self.period_end.year + 1)
            if template.year_delta > 1 or (template.year_delta == 1 and template.end_key >= template.start_key):
                raise _Unparsed("окно длиннее года не может повторяться ежегодно")
            spans.extend(template.span(year) for year in years)
        return spans

    def _clipped_occurrences(self, spans: list[tuple[date, date]]) -> list[Occurrence]:
        occurrences = []
        for span in spans:
            clipped = self._clip(*span)
            if clipped:
                occurrences.append(Occurrence(clipped[0], clipped[1], clipped[1]))
        return occurrences

    def _yearly(self, items: list[_Item]):
        recurrence: dict = {"freq": "yearly"}
        rule = self.due_rule
        if rule and rule[0] != "year_after":
            raise _Unparsed("ежегодно, но правило срока сдачи месячное: уточните срок")
        if rule:
            # "до 01 марта года, следующего за отчетным": one occurrence per reported year that
            # ends inside the period; its due day falls in the next year.
            _, day, month = rule
            if any(item.granularity not in ("year", "years") for item in items):
                raise _Unparsed("отчетные годы указаны непонятно: уточните срок")
            allowed = {year for item in items for year in range(item.year, (item.last_year or item.year) + 1)}
            occurrences = []
            for year in range(self.period_start.year - 1, self.period_end.year + 1):
                year_end = date(year, 12, 31)
                if not self.period_start <= year_end <= self.period_end or (allowed and year not in allowed):
                    continue
                start = max(date(year, 1, 1), self.period_start)
                occurrences.append(Occurrence(start, year_end, _clamped_date(year + 1, month, day)))
            recurrence["due_rule"] = f"{day} {_MONTHS_ENGLISH[month - 1]} of the year after the reported year"
            return self._recurring(occurrences, recurrence)
        if len(items) == 1 and items[0].due_prefix and items[0].is_single_day and items[0].year is None:
            # "ежегодно до 15 декабря": the year of work leading up to the due day.
            month, day = items[0].template.start_key  # day 31 of a shorter month: its last day
            occurrences = []
            for year in range(self.period_start.year, self.period_end.year + 1):
                due = _clamped_date(year, month, day)
                if not self.period_start <= due <= self.period_end:
                    continue
                start = max(_add_years(due, -1) + timedelta(days=1), self.period_start)
                occurrences.append(Occurrence(start, due, due))
            last_day = day >= calendar.monthrange(2000, month)[1]
            recurrence["due_rule"] = (
                f"last day of {_MONTHS_ENGLISH[month - 1]}" if last_day else f"{day} {_MONTHS_ENGLISH[month - 1]}"
            )
            return self._recurring(occurrences, recurrence)
        if any(item.from_prefix for item in items):
            # "ежегодно, с 1 квартала 2021 г.": whole years from that day on.
            if len(items) != 1 or items[0].year is None:
                raise _Unparsed("непонятно, с какого срока начинается ежегодная работа")
            first = items[0].concrete_span()[0]
            spans = [
                (max(date(year, 1, 1), first), date(year, 12, 31))
                for year in range(first.year, self.period_end.year + 1)
            ]
            return self._recurring(self._clipped_occurrences(spans), recurrence)
        if items:
            return self._recurring(self._clipped_occurrences(self._repeated_spans(items)), recurrence)
        # "Ежегодно" alone: the whole of each year of the period; a period of at most twelve
        # months (an academic year) is one such year.
        if self._fits_one_year:
            spans = [(self.period_start, self.period_end)]
        else:
            spans = [
                (date(year, 1, 1), date(year, 12, 31))
                for year in range(self.period_start.year, self.period_end.year + 1)
            ]
        return self._recurring(self._clipped_occurrences(spans), recurrence)

    def _restricting_spans(self, items: list[_Item]) -> list[tuple[date, date]]:
        if any(item.due_prefix or item.from_prefix for item in items):
            raise _Unparsed("периодичность вместе со сроком «до …»: уточните срок")
        return self._repeated_spans(items) if items else [(self.period_start, self.period_end)]

    def _quarterly(self, items: list[_Item]):
        rule = self.due_rule
        if rule and rule[0] != "month_after":
            raise _Unparsed("ежеквартально, но правило срока сдачи непонятно: уточните срок")
        spans = self._restricting_spans(items)
        occurrences = []
        for year in range(self.period_start.year, self.period_end.year + 1):
            for quarter in range(4):
                quarter_start = date(year, 3 * quarter + 1, 1)
                quarter_end = _month_end(year, 3 * quarter + 3)
                # A quarter belongs to the period when it ends inside it (its report may not).
                if not self.period_start <= quarter_end <= self.period_end:
                    continue
                if not any(s <= quarter_end <= e for s, e in spans):
                    continue
                due = quarter_end
                if rule:
                    following = quarter_end + timedelta(days=1)
                    due = _clamped_date(following.year, following.month, rule[1])
                occurrences.append(Occurrence(max(quarter_start, self.period_start), quarter_end, due))
        recurrence: dict = {"freq": "quarterly"}
        if rule:
            recurrence["due_rule"] = f"{_english_ordinal(rule[1])} of the month after the quarter"
        return self._recurring(occurrences, recurrence)

    def _monthly(self, items: list[_Item]):
        rule = self.due_rule
        if rule and rule[0] == "year_after":
            raise _Unparsed("ежемесячно, но срок сдачи годовой: уточните срок")
        spans = self._restricting_spans(items)
        occurrences = []
        year, month = self.period_start.year, self.period_start.month
        while (year, month) <= (self.period_end.year, self.period_end.month):
            month_start, month_end = date(year, month, 1), _month_end(year, month)
            if self.period_start <= month_end <= self.period_end and any(s <= month_end <= e for s, e in spans):
                start, end, due = max(month_start, self.period_start), month_end, month_end
                if rule and rule[0] == "weekday":
                    end = due = _nth_weekday(year, month, rule[1], rule[2])
                elif rule and rule[0] == "day_of_month":
                    end = due = _clamped_date(year, month, rule[1])
                elif rule and rule[0] == "month_after":
                    following = month_end + timedelta(days=1)
                    due = _clamped_date(following.year, following.month, rule[1])
                if due >= start and end >= start:
                    occurrences.append(Occurrence(start, end, due))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        recurrence: dict = {"freq": "monthly"}
        if rule and rule[0] == "weekday":
            recurrence["due_rule"] = f"{_ORDINALS_ENGLISH[rule[1]]} {_WEEKDAYS_ENGLISH[rule[2]]}"
        elif rule and rule[0] == "day_of_month":
            recurrence["due_rule"] = f"{_english_ordinal(rule[1])} day of the month"
        elif rule:
            recurrence["due_rule"] = f"{_english_ordinal(rule[1])} day of the month after the month"
        return self._recurring(occurrences, recurrence)

    def _recurring(self, occurrences: list[Occurrence], recurrence: dict):
        if not occurrences:
            raise _Unparsed("по этому правилу в период дорожной карты не попадает ни один срок")
        return DeadlineKind.RECURRING, occurrences, recurrence

    # Remark ---------------------------------------------------------------------------------

    def _remark(self) -> str:
        text = "".join(" " if consumed else char for char, consumed in zip(self.source, self.consumed, strict=True))
        return _clean_remark(text)


def _range(first: _Item, last: _Item) -> _Item:
    """Join "Сентябрь – октябрь 2021 г.": a missing year is taken from the other end."""
    if first.last_year is not None or last.last_year is not None:
        raise _Unparsed("диапазон с диапазоном лет: уточните срок")
    start_year, end_item_year = first.year, last.year
    start_key, end_start_key = first.template.start_key, last.template.start_key
    if start_year is None and end_item_year is not None:
        start_year = end_item_year if start_key <= end_start_key else end_item_year - 1
    elif end_item_year is None and start_year is not None:
        end_item_year = start_year if end_start_key >= start_key else start_year + 1
    if start_year is not None:
        delta = end_item_year + last.template.year_delta - start_year
    else:
        delta = (1 if end_start_key < start_key else 0) + last.template.year_delta
    template = _Template(
        first.template.start_month, first.template.start_day, last.template.end_month, last.template.end_day, delta
    )
    if delta < 0 or (delta == 0 and template.end_key < template.start_key):
        raise _Unparsed("конец диапазона раньше его начала")
    granularity = "day" if first.granularity == last.granularity == "day" else "range"
    return _Item(template, start_year, None, granularity, first.due_prefix, first.from_prefix, True)


def _due_item(item: _Item, prep: str) -> _Item:
    """ "до 1 августа", "к апрелю" (its first day), "не позднее апреля" (its last day)."""
    template = item.template
    if item.granularity == "day":
        return _Item(template, item.year, granularity="day", due_prefix=True)
    if prep == "prep_end":
        # Day 31 is clamped to the month's last day when placed in a year.
        end_day = template.end_day or 31
        year = item.year + template.year_delta if item.year is not None else None
        return _Item(
            _Template(template.end_month, end_day, template.end_month, end_day),
            year,
            granularity="day",
            due_prefix=True,
        )
    if item.granularity != "month":
        raise _Unparsed("«до» с годом или кварталом неоднозначно: укажите день")
    month = template.start_month
    return _Item(_Template(month, 1, month, 1), item.year, granularity="day", due_prefix=True)


def _propagate_years(items: list[_Item]) -> list[_Item]:
    """ "Октябрь, ноябрь 2021 г." — a month without a year takes it from its dated neighbour."""
    items = list(items)
    for index in range(len(items) - 2, -1, -1):
        item, following = items[index], items[index + 1]
        if item.year is None and following.year is not None and following.last_year is None:
            year = following.year if item.template.start_key <= following.template.start_key else following.year - 1
            items[index] = item.with_year(year)
    for index in range(1, len(items)):
        item, preceding = items[index], items[index - 1]
        if item.year is None and preceding.year is not None and preceding.last_year is None:
            year = preceding.year if item.template.start_key >= preceding.template.start_key else preceding.year + 1
            items[index] = item.with_year(year)
    return items


def _clean_remark(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,;:.)])", r"\1", text)
    text = re.sub(r"\(\s*\)", " ", text)
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"\(\s*[,;:.\-]*\s*\)", " ", text)
        text = re.sub(r"([,;:])\s*[,;:]+", r"\1", text)
        text = text.strip(" ,;:.-–—")
        if text.startswith("(") and text.endswith(")") and text.count("(") == 1 and text.count(")") == 1:
            text = text[1:-1]
        text = re.sub(r"^\(\s*[,;:.\-]+\s*", "(", text)
        text = re.sub(r"\s+", " ", text).strip()
    if text.count("(") != text.count(")"):
        text = re.sub(r"\s+", " ", text.replace("(", " ").replace(")", " ")).strip(" ,;:.-")
        text = re.sub(r"\s+([,;:.])", r"\1", text)
    if not re.search(r"[^\W\d_]", text):
        return ""
    return text
