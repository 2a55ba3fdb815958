"""Format A: one row per participant and work."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, Literal

from config.lib.numbers import number_text
from monitoring.readers import layouts
from monitoring.readers.headers import (
    _A_KEYS,
    _A_SYNONYMS,
    _REMOVED_SUBJECT,
    REMOVED,
    _Counter,
    _find_header,
    _Header,
    _is_empty,
    _no_header_error,
    mapped_keys,
)
from monitoring.readers.pseudonyms import birth_date_problem, row_pseudonym
from monitoring.readers.sources import _notes, _opened
from monitoring.readers.types import Problem, ReaderError, ReadResult, StudentRows
from monitoring.readers.values import (
    _BAD,
    _CLASS_MAX,
    _CODE_MAX,
    _GRADE_HIGH,
    _GRADE_LOW,
    _GRADES,
    _SUBJECT_MAX,
    BASE_MATH,
    NUMBERS,
    _Bad,
    _cell_text,
    _class_with_name,
    _number,
    _number_refusal,
    _parse_level,
    _parse_yes_no,
    _status_absent,
    _too_long,
    _whole_in,
    normalize_subject,
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
    kind: Literal["vpr", "oge", "ege", "kdr", "niko"],
    subject: str | None = None,
    grade: int | None = None,
    pseudonym_key: bytes,
    ege_min_scores: Mapping[str, int] | None = None,
    max_rows: int = 2_000_000,
    max_bytes: int = 200 * 1024 * 1024,
    progress: Callable[[int], None] | None = None,
    mapping: Mapping[str, str] | None = None,
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
    if kind not in ("vpr", "oge", "ege", "kdr", "niko"):
        raise ValueError(f"unknown assessment kind: {kind!r}")
    file_subject = normalize_subject(subject) if subject else ""
    if grade is None and kind in ("oge", "ege"):
        default_grade: int | None = 9 if kind == "oge" else 11
    else:
        default_grade = None
    required = _required(
        kind, subject_known=bool(file_subject), grade_known=grade is not None or default_grade is not None
    )

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
    keys = mapped_keys(_A_KEYS, mapping)
    with _opened(source, filename, max_bytes) as opened:
        best: tuple[str, _Header] | None = None
        found = False
        for block in layouts.blocks(opened, format="students"):
            sheet_name = block.sheet
            rows = iter(block.rows)
            # What the file says (a title «ВПР 2026 Русский язык 4 класс», a block «02 - Математика
            # 2026.06.02») stands for this block unless the person chose otherwise for the file.
            if block.kind and block.kind != kind:
                raise ReaderError(
                    f"Лист «{sheet_name}» файла «{filename}» — результаты {_KIND_NAMES[block.kind]}, а при загрузке "
                    f"выбрано {_KIND_NAMES[kind]}: выберите вид процедуры, который указан в файле, и загрузите его снова"
                )
            block_subject = file_subject or (normalize_subject(block.subject) if block.subject else "")
            block_grade = grade if grade is not None else block.grade
            required = _required(
                kind,
                subject_known=bool(block_subject),
                grade_known=block_grade is not None or default_grade is not None,
            )
            header, partial, used = _find_header(rows, keys, required, tasks=True, prefixes={}, personal=True)
            if header is None:
                if partial is not None and (best is None or len(partial.index) > len(best[1].index)):
                    best = (sheet_name, partial)
                continue
            result.unknown_columns += [text for _, text in header.unknown if text not in result.unknown_columns]
            if not found:
                result.header_row = header.row
                result.columns = dict(header.written)
                result.columns.update({f"task:{label}": text for label, _, text in header.tasks})
                found = True
            reader.file_subject, reader.file_grade = block_subject, block_grade
            reader.task_max = {label: info.max_score for label, info in block.tasks.items()}
            reader.read_sheet(sheet_name, rows, header, used, pad=opened.ragged or bool(block.layout))
            reader.file_subject, reader.file_grade, reader.task_max = file_subject, grade, {}
            layouts.note_block(result, block)
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


_KIND_NAMES = {"vpr": "ВПР", "oge": "ОГЭ", "ege": "ЕГЭ", "kdr": "КДР", "niko": "НИКО"}


def _required(kind: str, *, subject_known: bool, grade_known: bool) -> list[tuple[str, ...]]:
    """The columns a format A table must have, some of them alternatives."""
    required: list[tuple[str, ...]] = [("school_code",)]
    if not subject_known:
        required.append(("subject",))
    if kind in ("vpr", "oge", "niko"):
        required.append(("mark",))
    elif kind == "ege":
        required.append(("test_score", "mark"))
    else:
        required.append(("level",))
    if not grade_known:
        required.append(("class_name", "grade"))
    return required


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
        #: Task label → the most it scores, as the block being read says (a layout's files).
        self.task_max: dict[str, int | None] = {}
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
        # (position among this sheet's task columns, maximum) of the tasks whose maximum is known.
        task_maxima = [
            (k, self.task_max[label])
            for k, (label, _, _) in enumerate(header.tasks)
            if self.task_max.get(label) is not None
        ]
        # Common case: this sheet's tasks are the file's first tasks in the same order, so a
        # row's scores are its task cells joined as they stand.
        in_order = task_slots == list(range(len(task_slots)))
        within_maxima: set[str] = set()
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
                code = raw.strip() if raw.__class__ is str and raw[:1] != "'" else _cell_text(raw)
                if len(code) > _CODE_MAX:
                    reject("participant_code", code, _too_long("Код участника", code, "participant_code"))
            else:
                code = ""
            if not code and has_names:
                code = self._pseudonym(row, i_full_name, name_columns, i_birth, header.identifiers)

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
            elif task_maxima and scores and (not in_order or scores not in within_maxima):
                for k, top in task_maxima:
                    raw = row[task_columns[k]] if task_columns[k] < len(row) else ""
                    score = task_text(raw)
                    if score and float(score) > top:
                        bad.append(
                            Problem(
                                sheet,
                                row_number,
                                task_names[k],
                                score,
                                f"Задание «{task_names[k]}»: балл {score} больше наибольшего за задание ({top})",
                            )
                        )
                if in_order and not bad and len(within_maxima) < 65_536:
                    # Scores joined in order say each task's score: the same ones are checked once.
                    within_maxima.add(scores)

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
            if kind == "vpr" or kind == "oge" or kind == "niko":
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
        self,
        row: list,
        i_full_name: int | None,
        name_columns: list[int | None],
        i_birth: int | None,
        identifiers: list[int],
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
            identifiers=identifiers,
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
