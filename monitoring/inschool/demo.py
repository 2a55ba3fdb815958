"""The demo district's analysis inside a school: the ВПР works' task maxima and difficulty, entered
as a methodist would (the demo files, like many real ones, have bare task numbers), and the class →
teacher list of the demo director's school. Idempotent: the same values again change nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from monitoring.inschool.services import TaskEntry, TeacherLine, assessment_tasks_describe, class_teachers_replace
from monitoring.models import Assessment, ClassTeacher
from schools.models import Organization

#: Tasks 1–8 score one point (basic level), 9 and 10 two points (higher level): demo.VPR_TASKS.
DEMO_MAXIMA = [(1, "Б")] * 8 + [(2, "П")] * 2
DEMO_SCHOOL = "sch640101"  # the demo director's school
# Fictional teachers of the demo school: classes А, Б, В of grades 4–8.
DEMO_TEACHERS = {
    "Математика": {"А": "Соколова Н. В.", "Б": "Орлов Д. А.", "В": "Орлов Д. А."},
    "Русский язык": {"А": "Белова Т. И.", "Б": "Белова Т. И.", "В": "Кравцова Е. С."},
}


def load_demo_inschool() -> dict:
    created = {"описано работ": 0, "учителей классов": 0}
    methodist = get_user_model().objects.filter(username="methodist").first()
    director = get_user_model().objects.filter(username="director").first()
    if methodist is None:
        return created
    for work in Assessment.objects.filter(kind="vpr", subject__in=DEMO_TEACHERS):
        if len(work.tasks) != len(DEMO_MAXIMA):
            continue
        wanted = [(task["label"], top, level) for task, (top, level) in zip(work.tasks, DEMO_MAXIMA, strict=True)]
        if [(t["label"], t.get("max"), t.get("difficulty")) for t in work.tasks] == wanted:
            continue
        assessment_tasks_describe(
            assessment=work,
            tasks=[TaskEntry(label, top, level) for label, top, level in wanted],
            max_primary_score=sum(top for top, _ in DEMO_MAXIMA),
            by=methodist,
        )
        created["описано работ"] += 1
    school = Organization.objects.filter(code=DEMO_SCHOOL).first()
    if school is None or director is None:
        return created
    years = Assessment.objects.filter(kind="vpr").values_list("year", flat=True).distinct()
    for year in sorted(years):
        if ClassTeacher.objects.filter(organization=school, year=year).exists():
            continue
        pairs = [
            (f"{grade}{letter}", subject, teacher)
            for grade in range(4, 9)
            for subject, teachers in DEMO_TEACHERS.items()
            for letter, teacher in teachers.items()
        ]
        lines = [TeacherLine(number, *pair) for number, pair in enumerate(pairs, start=1)]
        created["учителей классов"] += class_teachers_replace(organization=school, year=year, lines=lines, by=director)
    return created
