"""Header detection (synonyms, tasks, personal columns) and the shared reading loop."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from monitoring.readers.sources import _too_many_rows
from monitoring.readers.types import EMPTY_RUN_LIMIT, HEADER_SCAN_ROWS, PROGRESS_EVERY, Problem, ReaderError
from monitoring.readers.values import _cell_text, _header_key

# --------------------------------------------------------------------------------------------
# Header detection
# --------------------------------------------------------------------------------------------

_TASK_RE = re.compile(
    r"^(?:№|n|no|задание|зад|з)?\s*(\d{1,3})"
    r"(?:\s*\(\s*(\d{1,2})\s*\)|\.(\d{1,2})|\s*([a-zа-я])|\s*[кk]\s*(\d{1,2}))?$",
    re.IGNORECASE,
)


def _task_label(text: str) -> str | None:
    """ "1" → "1", "№ 4(1)" / "Задание 4.1" → "4(1)", "5а" → "5а", "12К1" / "12k1" → "12К1" (criterion 1
    of task 12, as ФИС ОКО writes it, with a Cyrillic or Latin К); None when not a task header."""
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
    if match.group(5):
        return f"{number}К{int(match.group(5))}"
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


def field_labels(format: str) -> dict[str, str]:
    """The fields a methodist may map a column to, with the name the product's own format gives
    them (names and birth dates are not among them: they never reach a mapped column)."""
    synonyms = _A_SYNONYMS if format == "students" else _B_SYNONYMS
    return {field: names[0] for field, names in synonyms.items() if field not in PERSONAL_FIELDS}


#: Columns of real exports that hold nothing the product keeps (a row number, a name of a school
#: whose code is in another column, where the exam was written): known, and left alone.
_IGNORED_HEADERS = (
    "№",
    "№ п/п",
    "Название ОО",
    "Наименование ОО",
    "Муниципалитет",
    "Код МСУ",
    "Код ППЭ",
    "Аудитория",
    "Регион",
    "Пол",
)
_A_KEYS = {**{_header_key(text): "" for text in _IGNORED_HEADERS}, **_synonym_map(_A_SYNONYMS)}
_B_KEYS = {**{_header_key(text): "" for text in _IGNORED_HEADERS}, **_synonym_map(_B_SYNONYMS)}

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
        # In a protocol of РЦОИ «Номер» is the number of the participant's document.
        "Номер",
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
    #: Every column naming a document or another identifier (Серия, Номер, СНИЛС): with the name
    #: and birth date they make the pseudonym, so that namesakes stay two participants.
    identifiers: list[int] = field(default_factory=list)
    #: Header cells no field, task or personal column answers to: (column, text as written).
    unknown: list[tuple[int, str]] = field(default_factory=list)

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
        canonical = keys.get(key) or None
        if canonical is None:
            canonical = next((name for prefix, name in prefixes.items() if key.startswith(prefix)), None)
        if canonical is None and personal:
            canonical = personal_field(text)
        if canonical is not None:
            if canonical == "identifier":
                header.identifiers.append(j)
            if canonical not in header.index:
                header.index[canonical] = j
                header.written[canonical] = text
                header.percent[canonical] = "%" in text or "процент" in key
            continue
        if key in keys:
            continue  # mapped by a methodist to «не использовать»
        label = _task_label(text) if tasks else None
        if label is not None:
            if label not in seen_tasks:
                seen_tasks.add(label)
                header.tasks.append((label, j, text))
            continue
        header.unknown.append((j, text))
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
    error = ReaderError(
        f"В файле «{filename}» не найдена строка заголовков: в первых {HEADER_SCAN_ROWS} строках "
        f"ни одного листа нет столбцов {names}",
        problems,
    )
    # The columns of the nearest header that nothing answers to: a methodist may map them.
    error.unknown_columns = [text for _, text in header.unknown] if header is not None and header.index else []
    return error


def mapped_keys(keys: dict[str, str], mapping: Mapping[str, str] | None) -> dict[str, str]:
    """The header keys of a format with a municipality's own mapping added: header text → field,
    or "" for a column to leave alone («не использовать»)."""
    if not mapping:
        return keys
    return {**keys, **{_header_key(text): field for text, field in mapping.items()}}
