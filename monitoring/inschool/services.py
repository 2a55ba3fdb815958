"""Writes of the analysis inside a school: a work's task maxima entered once by a methodist, and a
school's class → teacher list entered or uploaded by its director."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction

from config.audit.services import audit_record
from config.lib.russian import plural
from config.lib.untrusted import FileRefused, open_table
from monitoring.inschool.stats import scores_of
from monitoring.models import Assessment, ClassTeacher, StudentResult
from monitoring.readers import normalize_subject
from schools.access import access_for, enforce
from schools.models import Organization

DIFFICULTIES = ("", "Б", "П", "В")
TASK_MAX_HIGH = 100
TEACHERS_MAX = 500  # lines of one school's list for a year: more is not a school's list


class InSchoolError(Exception):
    """The input cannot be taken; the message is Russian and names what is wrong and where."""


def class_key(name: str) -> str:
    """A class name as results and lists both write it: «5 а», «5А», «5-А» are one class."""
    return re.sub(r"[\s\-–—.«»\"']", "", name or "").upper().replace("Ё", "Е")


@dataclass(frozen=True)
class TaskEntry:
    label: str
    max: int | None
    difficulty: str


@transaction.atomic
def assessment_tasks_describe(
    *, assessment: Assessment, tasks: list[TaskEntry], max_primary_score: int | None, by
) -> Assessment:
    """Keep the maximum and difficulty (Б/П/В) of each task of the work and its maximum primary
    score, as a methodist entered them for a work whose files do not say. Refused when a result
    already stored has a score above the maximum entered (it would give a rate above 100 %)."""
    enforce(access_for(by).can_describe_assessment(), "Задания работы описывают сотрудники органа управления")
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    labels = [task["label"] for task in assessment.tasks]
    given = {entry.label: entry for entry in tasks}
    unknown = sorted(set(given) - set(labels))
    if unknown:
        raise InSchoolError(f"У работы нет задания «{unknown[0]}»: задания берутся из загруженного файла")
    for entry in tasks:
        if entry.max is not None and not 1 <= entry.max <= TASK_MAX_HIGH:
            raise InSchoolError(f"Задание «{entry.label}»: максимум {entry.max} вне диапазона 1–{TASK_MAX_HIGH}")
        if entry.difficulty not in DIFFICULTIES:
            raise InSchoolError(f"Задание «{entry.label}»: уровень «{entry.difficulty}» — ожидается Б, П или В")
    if max_primary_score is not None and not 1 <= max_primary_score <= 1000:
        raise InSchoolError(f"Максимальный первичный балл {max_primary_score} вне диапазона 1–1000")
    described = []
    for task in assessment.tasks:
        entry = given.get(task["label"])
        if entry is None:
            described.append(task)
        else:
            # "entered": a methodist's maximum, checked at import where a file says none (a maximum
            # an earlier file gave is not: a РЦОИ protocol's short answers give only the most seen)
            described.append(
                {**task, "max": entry.max, "difficulty": entry.difficulty, "entered": entry.max is not None}
            )
    _refuse_scores_above(assessment, described, max_primary_score)
    assessment.tasks = described
    assessment.max_primary_score = max_primary_score
    assessment.save(update_fields=["tasks", "max_primary_score"])
    audit_record(
        action="other", user=by, obj=assessment, detail={"tasks": described, "max_primary_score": max_primary_score}
    )
    return assessment


def _refuse_scores_above(assessment: Assessment, described: list[dict], max_primary_score: int | None) -> None:
    maxima = [task.get("max") for task in described]
    rows = StudentResult.objects.filter(year=assessment.year, assessment=assessment)
    if max_primary_score is not None:
        over = rows.filter(primary_score__gt=max_primary_score).count()
        if over:
            raise InSchoolError(
                f"У {over} {plural(over, 'участника', 'участников', 'участников')} первичный балл больше "
                f"{max_primary_score}: проверьте максимум работы"
            )
    over: dict[int, int] = {}
    for text in rows.exclude(task_scores="").values_list("task_scores", flat=True).iterator(chunk_size=5000):
        for k, score in enumerate(scores_of(text)):
            if score is not None and k < len(maxima) and maxima[k] is not None and score > maxima[k]:
                over[k] = over.get(k, 0) + 1
    if over:
        k = min(over)
        raise InSchoolError(
            f"Задание «{described[k]['label']}»: у {over[k]} {plural(over[k], 'участника', 'участников', 'участников')} "
            "уже загруженных результатов балл больше "
            f"{maxima[k]}: проверьте максимум или загрузите исправленный файл"
        )


# --------------------------------------------------------------------------- class → teacher


@dataclass(frozen=True)
class TeacherLine:
    line: int  # where it came from: the line of the form or the row of the file
    class_name: str
    subject: str
    teacher: str


def teacher_lines_from_text(text: str) -> list[TeacherLine]:
    """«5А; Математика; Иванова И. И.» one per line (a tab or «;» between the parts)."""
    lines = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [part.strip() for part in re.split(r"[;\t]", raw)]
        if len(parts) != 3:
            raise InSchoolError(
                f"Строка {number}: ожидается «класс; предмет; учитель» через точку с запятой, а написано «{raw.strip()[:80]}»"
            )
        lines.append(TeacherLine(number, *parts))
    return lines


_HEADERS = {"класс": "class_name", "предмет": "subject", "учитель": "teacher", "педагог": "teacher"}


def teacher_lines_from_file(data: bytes, filename: str) -> list[TeacherLine]:
    """The first sheet of an uploaded table with the columns «Класс», «Предмет», «Учитель»."""
    try:
        with open_table(data, filename=filename) as table:
            rows = next(table.sheets, (None, iter(())))[1]
            columns: dict[str, int] | None = None
            lines = []
            for number, row in enumerate(rows, start=1):
                texts = ["" if value is None else str(value).strip() for value in row]
                if columns is None:
                    found = {_HEADERS[t.lower()]: j for j, t in enumerate(texts) if t.lower() in _HEADERS}
                    if len(found) == 3:
                        columns = found
                    elif number >= 10:
                        break
                    continue
                if not any(texts):
                    continue
                values = [
                    texts[columns[key]] if columns[key] < len(texts) else ""
                    for key in ("class_name", "subject", "teacher")
                ]
                lines.append(TeacherLine(number, *values))
                if len(lines) > TEACHERS_MAX:
                    break
    except FileRefused as error:
        raise InSchoolError(str(error)) from error
    if columns is None:
        raise InSchoolError(
            f"В файле «{filename}» не найдена строка заголовков со столбцами «Класс», «Предмет», «Учитель»"
        )
    return lines


@transaction.atomic
def class_teachers_replace(*, organization: Organization, year: int, lines: list[TeacherLine], by) -> int:
    """Replace the school's class → teacher list of the year. Each line is checked, and a bad one is
    named by its line; nothing is written unless all are good."""
    enforce(access_for(by).can_edit_class_teachers(organization), "Список учителей классов ведёт руководитель школы")
    if len(lines) > TEACHERS_MAX:
        raise InSchoolError(f"Строк больше {TEACHERS_MAX}: это не список одной школы на год")
    seen: dict[tuple[str, str], int] = {}
    rows = []
    for line in lines:
        for value, what, limit in ((line.class_name, "класс", 20), (line.subject, "предмет", 200), (line.teacher, "учитель", 200)):  # fmt: skip
            if not value:
                raise InSchoolError(f"Строка {line.line}: не указан {what}")
            if len(value) > limit:
                raise InSchoolError(f"Строка {line.line}: {what} длиннее {limit} знаков")
        subject = normalize_subject(line.subject)
        key = (class_key(line.class_name), subject.casefold())
        if key in seen:
            raise InSchoolError(
                f"Строка {line.line}: класс «{line.class_name}» по предмету «{line.subject}» уже указан в строке {seen[key]}"
            )
        seen[key] = line.line
        rows.append(
            ClassTeacher(
                organization=organization, year=year, class_name=line.class_name, subject=subject,
                teacher=line.teacher, created_by=by,
            )
        )  # fmt: skip
    ClassTeacher.objects.filter(organization=organization, year=year).delete()
    ClassTeacher.objects.bulk_create(rows)
    audit_record(action="other", user=by, obj=organization, detail={"class_teachers": year, "lines": len(rows)})
    return len(rows)
