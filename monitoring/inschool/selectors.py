"""Reads of the page «Анализ в школе»: a school's rows of one work, grouped by class, by ОВЗ and,
where the school supplied its list, by teacher; its tasks against the municipality's pooled rates.

A school has at most a few hundred rows of a work: they are read here, in one query filtered by the
year (the results table's partition key), the work and the school. The municipality's side comes
from the per-task sums computed with the indicators (TaskStat), never from its rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from monitoring.inschool.services import class_key
from monitoring.inschool.stats import add_scores
from monitoring.models import Assessment, ClassTeacher, SchoolStat, StudentResult, TaskStat
from monitoring.readers import normalize_subject
from schools.models import Organization


def _share(numerator: int, denominator: int) -> float | None:
    return numerator * 100.0 / denominator if denominator else None


@dataclass
class Group:
    """Participants of one slice (a class, the children with ОВЗ, a teacher's classes) and their counts."""

    label: str
    participants: int = 0
    marks: Counter = field(default_factory=Counter)
    with_journal: int = 0
    lowered: int = 0
    confirmed: int = 0
    raised: int = 0
    scored: int = 0  # participants with task scores
    sums: list[int] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)

    def add(self, mark, journal_mark, task_scores: str) -> None:
        self.participants += 1
        if mark is not None:
            self.marks[mark] += 1
            if journal_mark is not None:
                self.with_journal += 1
                if mark < journal_mark:
                    self.lowered += 1
                elif mark > journal_mark:
                    self.raised += 1
                else:
                    self.confirmed += 1
        if task_scores:
            self.scored += 1
            add_scores(self.sums, task_scores)

    @property
    def with_mark(self) -> int:
        return sum(self.marks.values())

    @property
    def distribution(self) -> list[tuple[int, int]]:
        return [(mark, self.marks.get(mark, 0)) for mark in (2, 3, 4, 5)]

    @property
    def share_2(self) -> float | None:
        return _share(self.marks.get(2, 0), self.with_mark)

    @property
    def share_45(self) -> float | None:
        return _share(self.marks.get(4, 0) + self.marks.get(5, 0), self.with_mark)

    @property
    def share_lowered(self) -> float | None:
        return _share(self.lowered, self.with_journal)

    @property
    def share_confirmed(self) -> float | None:
        return _share(self.confirmed, self.with_journal)

    @property
    def share_raised(self) -> float | None:
        return _share(self.raised, self.with_journal)


def task_rate(total: int, maximum: int | None, participants: int) -> float | None:
    """Completion of a task, %: Σ scores / (maximum × participants)."""
    if not maximum or not participants:
        return None
    return total * 100.0 / (maximum * participants)


def group_rate(group: Group, maxima: list[int | None]) -> float | None:
    """Completion of the whole work by a group: Σ scores over the tasks with a known maximum /
    (Σ those maxima × participants with scores)."""
    known = [k for k, top in enumerate(maxima) if top]
    if not known or not group.scored:
        return None
    total = sum(group.sums[k] for k in known if k < len(group.sums))
    return total * 100.0 / (sum(maxima[k] for k in known) * group.scored)


@dataclass
class TaskRow:
    position: int
    label: str
    max: int | None
    difficulty: str
    school: float | None
    municipality: float | None
    ovz: float | None
    other: float | None

    @property
    def gap(self) -> float | None:
        if self.school is None or self.municipality is None:
            return None
        return self.school - self.municipality


def assessments_of(organization: Organization) -> list[Assessment]:
    """The works with student rows of the school, latest first (from its statistics, which the import
    rebuilds from the rows: the results table is not indexed by school alone)."""
    ids = SchoolStat.objects.filter(organization=organization, source=SchoolStat.Source.COMPUTED).values(
        "assessment_id"
    )
    return list(Assessment.objects.filter(pk__in=ids).order_by("-year", "kind", "subject", "grade"))


def municipality_tasks(assessment: Assessment, municipality_id: int) -> tuple[int, list[int], object]:
    """The municipality's pooled per-task sums of the work: (participants, sums, when computed)."""
    stats = TaskStat.objects.filter(
        assessment=assessment, year=assessment.year, organization__municipality_id=municipality_id
    )
    participants, sums, computed = 0, [], None
    for n, row_sums, at in stats.values_list("participants", "sums", "computed_at"):
        participants += n
        if len(row_sums) > len(sums):
            sums.extend([0] * (len(row_sums) - len(sums)))
        for k, value in enumerate(row_sums):
            sums[k] += value
        computed = at if computed is None or at > computed else computed
    return participants, sums, computed


def school_analysis(organization: Organization, assessment: Assessment) -> dict:
    """Everything the page shows for one school and one work."""
    rows = (
        StudentResult.objects.filter(year=assessment.year, assessment=assessment, organization=organization)
        .order_by()
        .values_list("class_name", "mark", "journal_mark", "ovz", "task_scores")
    )
    whole = Group("Школа")
    classes: dict[str, Group] = {}
    ovz_groups = {True: Group("Обучающиеся с ОВЗ"), False: Group("Без ОВЗ")}
    for class_name, mark, journal_mark, ovz, task_scores in rows:
        whole.add(mark, journal_mark, task_scores)
        name = class_name or "класс не указан"
        classes.setdefault(name, Group(name)).add(mark, journal_mark, task_scores)
        ovz_groups[bool(ovz)].add(mark, journal_mark, task_scores)

    maxima = [task.get("max") for task in assessment.tasks]
    m_participants, m_sums, m_computed = municipality_tasks(assessment, organization.municipality_id)
    has_ovz = ovz_groups[True].participants > 0
    tasks = []
    for k, task in enumerate(assessment.tasks):
        top = task.get("max")

        def at(sums, k=k):
            return sums[k] if k < len(sums) else 0

        tasks.append(
            TaskRow(
                position=k,
                label=task["label"],
                max=top,
                difficulty=task.get("difficulty") or "",
                school=task_rate(at(whole.sums), top, whole.scored),
                municipality=task_rate(at(m_sums), top, m_participants),
                ovz=task_rate(at(ovz_groups[True].sums), top, ovz_groups[True].scored) if has_ovz else None,
                other=task_rate(at(ovz_groups[False].sums), top, ovz_groups[False].scored) if has_ovz else None,
            )
        )
    # The weakest first; tasks whose maximum nobody gave cannot be rated and go last.
    tasks.sort(key=lambda t: (t.school is None, t.school if t.school is not None else 0, t.position))
    ordered_classes = sorted(classes.values(), key=lambda g: class_key(g.label))
    return {
        "whole": whole,
        "classes": ordered_classes,
        "ovz": [ovz_groups[True], ovz_groups[False]] if has_ovz else [],
        "tasks": tasks,
        "maxima_missing": [t["label"] for t in assessment.tasks if not t.get("max")],
        "municipality_participants": m_participants,
        "municipality_computed": m_computed,
        "school_rate": group_rate(whole, maxima),
        "teachers": teacher_groups(organization, assessment, classes, maxima),
    }


def teacher_groups(organization, assessment, classes: dict[str, Group], maxima) -> list[dict]:
    """The school's classes grouped by the teacher its list names for the work's subject and year;
    [] when the school supplied no list (then the page shows no teacher at all)."""
    subject = normalize_subject(assessment.subject).casefold()
    entries = [
        entry
        for entry in ClassTeacher.objects.filter(organization=organization, year=assessment.year)
        if entry.subject.casefold() == subject
    ]
    if not entries:
        return []
    by_class = {class_key(entry.class_name): entry.teacher for entry in entries}
    grouped: dict[str, Group] = {}
    unlisted = Group("Учитель не указан в списке")
    for name, group in classes.items():
        teacher = by_class.get(class_key(name))
        target = grouped.setdefault(teacher, Group(teacher)) if teacher else unlisted
        target.participants += group.participants
        target.marks.update(group.marks)
        target.with_journal += group.with_journal
        target.lowered, target.confirmed, target.raised = (
            target.lowered + group.lowered,
            target.confirmed + group.confirmed,
            target.raised + group.raised,
        )
        target.scored += group.scored
        if len(group.sums) > len(target.sums):
            target.sums.extend([0] * (len(group.sums) - len(target.sums)))
        for k, value in enumerate(group.sums):
            target.sums[k] += value
        target.classes.append(name)
    result = [
        {"group": group, "rate": group_rate(group, maxima)} for group in sorted(grouped.values(), key=lambda g: g.label)
    ]
    if unlisted.participants:
        result.append({"group": unlisted, "rate": group_rate(unlisted, maxima)})
    return result


def teacher_list(organization: Organization, year: int):
    return ClassTeacher.objects.filter(organization=organization, year=year).order_by("class_name", "subject")


def teacher_years(organization: Organization) -> list[int]:
    years = set(ClassTeacher.objects.filter(organization=organization).values_list("year", flat=True))
    years |= {a.year for a in assessments_of(organization)}
    return sorted(years, reverse=True)
