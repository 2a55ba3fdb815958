"""Format B: statistics by school."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from config.lib.numbers import number_text
from monitoring.readers import layouts
from monitoring.readers.headers import (
    _B_KEYS,
    _B_PREFIXES,
    _B_SYNONYMS,
    _REMOVED_SUBJECT,
    REMOVED,
    _Counter,
    _find_header,
    _Header,
    _is_empty,
    _no_header_error,
    mapped_keys,
)
from monitoring.readers.sources import _notes, _opened
from monitoring.readers.types import Problem, ReadResult, SchoolStatRow
from monitoring.readers.values import (
    _BAD,
    _GRADE_HIGH,
    _GRADE_LOW,
    _GRADES,
    _SUBJECT_MAX,
    NUMBERS,
    _Bad,
    _cell_text,
    _number,
    _number_refusal,
    _too_long,
    normalize_subject,
    parse_class,
)

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
    mapping: Mapping[str, str] | None = None,
) -> ReadResult:
    """Read a format B file (one row per school, subject and grade: mark distribution).

    Marks are counts or percentages: percentages when the header says so ("%" in the header or
    in a group label above it, e.g. "Распределение отметок в %") or, row by row, when a value is
    fractional or the four values sum to 100 ± 0.5 while participants are not 100.
    Percentages become counts by the participant number with largest-remainder rounding.
    """
    file_subject = normalize_subject(subject) if subject else ""
    required = _required(subject_known=bool(file_subject), grade_known=grade is not None)
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
    keys = mapped_keys(_B_KEYS, mapping)
    with _opened(source, filename, max_bytes) as opened:
        best: tuple[str, _Header] | None = None
        found = False
        for block in layouts.blocks(opened, format="school_stats"):
            sheet_name = block.sheet
            rows = iter(block.rows)
            # A report's header block («Предмет: …», «N класс») stands unless chosen otherwise.
            block_subject = file_subject or (normalize_subject(block.subject) if block.subject else "")
            block_grade = grade if grade is not None else block.grade
            required = _required(subject_known=bool(block_subject), grade_known=block_grade is not None)
            header, partial, used = _find_header(rows, keys, required, tasks=False, prefixes=_B_PREFIXES)
            if header is None:
                if partial is not None and (best is None or len(partial.index) > len(best[1].index)):
                    best = (sheet_name, partial)
                continue
            result.unknown_columns += [text for _, text in header.unknown if text not in result.unknown_columns]
            if not found:
                result.header_row = header.row
                result.columns = dict(header.written)
                found = True
            _read_stats_sheet(
                sheet_name,
                rows,
                header,
                used,
                result,
                rows_out,
                seen,
                block_subject,
                block_grade,
                counter,
                opened.ragged or bool(block.layout),
            )
            layouts.note_block(result, block)
        if not found:
            raise _no_header_error(best, required, {**_B_SYNONYMS, **_B_PREFIX_NAMES}, filename)
        result.problems.extend(_notes(opened))
    result.read = counter.read
    return result


def _required(*, subject_known: bool, grade_known: bool) -> list[tuple[str, ...]]:
    # Marks 2–5, or (a ФИС ОКО «Сравнение отметок с отметками по журналу» alone) the three columns
    # compared with the journal: each group pairs a mark column with a journal one.
    required: list[tuple[str, ...]] = [
        ("school_code",),
        ("participants",),
        *zip(_MARK_FIELDS, (*_JOURNAL_FIELDS, _JOURNAL_FIELDS[0]), strict=True),
    ]
    if not subject_known:
        required.append(("subject",))
    if not grade_known:
        required.append(("grade",))
    return required


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
    # Without the mark columns the row only completes the school's statistics with the journal.
    marks_present = all(name in index for name in _MARK_FIELDS)
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

        marks = (
            _stats_group(
                row, index, header, _MARK_FIELDS, participants, problem, "Распределение отметок", required=True
            )
            if marks_present
            else None
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
                required=not marks_present,
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

        if (
            problems
            or (marks is None and (marks_present or journal is None))
            or participants is None
            or row_grade is None
        ):
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
                marks={2: marks[0], 3: marks[1], 4: marks[2], 5: marks[3]} if marks is not None else None,
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
