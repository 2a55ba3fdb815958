"""Per-task sums of every school's rows (TaskStat), computed with the indicators of a year.

StudentResult.task_scores is text: the scores joined with "," in the order of Assessment.tasks,
an empty entry for a task without a score (not attempted), trailing empties cut ("1,0,2,,1").
A participant is a row with any task score; a task's completion rate is Σ scores / (max ×
participants), a task left empty counting as 0.

On PostgreSQL the text is split inside the database (string_to_array … WITH ORDINALITY) and only
the sums per school, work and task come back; elsewhere the rows are read in chunks."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection

from monitoring.models import StudentResult, TaskStat
from schools.models import Organization


def scores_of(text: str) -> list[int | None]:
    """ "1,,2" → [1, None, 2]."""
    if not text:
        return []
    return [int(part) if part else None for part in text.split(",")]


def add_scores(sums: list[int], text: str) -> None:
    """Add one row's scores to the running sums, growing them to the row's length."""
    parts = text.split(",")
    if len(parts) > len(sums):
        sums.extend([0] * (len(parts) - len(sums)))
    for i, part in enumerate(parts):
        if part:
            sums[i] += int(part)


def _sums_sql(year: int, municipality_id: int | None) -> dict[tuple[int, int], list]:
    r_, o_ = StudentResult._meta.db_table, Organization._meta.db_table
    scope, params = "", [year]
    if municipality_id:
        scope = f" AND r.organization_id IN (SELECT id FROM {o_} WHERE municipality_id = %s)"
        params.append(municipality_id)
    found: dict[tuple[int, int], list] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT r.assessment_id, r.organization_id, COUNT(*) FROM {r_} r
                WHERE r.year = %s AND r.task_scores <> ''{scope} GROUP BY 1, 2""",
            params,
        )
        for assessment_id, organization_id, participants in cursor.fetchall():
            found[(assessment_id, organization_id)] = [participants, []]
        cursor.execute(
            f"""SELECT r.assessment_id, r.organization_id, t.pos, SUM(CAST(NULLIF(t.score, '') AS integer))
                FROM {r_} r CROSS JOIN LATERAL unnest(string_to_array(r.task_scores, ',')) WITH ORDINALITY AS t(score, pos)
                WHERE r.year = %s AND r.task_scores <> ''{scope} GROUP BY 1, 2, 3""",
            params,
        )
        for assessment_id, organization_id, position, total in cursor.fetchall():
            sums = found[(assessment_id, organization_id)][1]
            if position > len(sums):
                sums.extend([0] * (position - len(sums)))
            sums[position - 1] = int(total or 0)
    return found


def _sums_python(year: int, municipality_id: int | None) -> dict[tuple[int, int], list]:
    rows = StudentResult.objects.filter(year=year).exclude(task_scores="")
    if municipality_id:
        rows = rows.filter(organization__municipality_id=municipality_id)
    found: dict[tuple[int, int], list] = defaultdict(lambda: [0, []])
    for assessment_id, organization_id, text in rows.values_list(
        "assessment_id", "organization_id", "task_scores"
    ).iterator(chunk_size=5000):
        entry = found[(assessment_id, organization_id)]
        entry[0] += 1
        add_scores(entry[1], text)
    return dict(found)


def task_stats_compute(*, year: int, municipality_id: int | None = None) -> int:
    """Replace the TaskStat rows of the year (of one municipality, or of all) from the results.
    Runs inside indicators_compute's transaction; returns the number of rows written."""
    compute = _sums_sql if connection.vendor == "postgresql" else _sums_python
    found = compute(year, municipality_id)
    stale = TaskStat.objects.filter(year=year)
    if municipality_id:
        stale = stale.filter(organization__municipality_id=municipality_id)
    stale.delete()
    TaskStat.objects.bulk_create(
        [
            TaskStat(assessment_id=a, organization_id=o, year=year, participants=n, sums=sums)
            for (a, o), (n, sums) in found.items()
        ],
        batch_size=2000,
    )
    return len(found)
