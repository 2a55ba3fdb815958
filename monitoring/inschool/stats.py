"""Per-task sums of every school's rows (TaskStat), computed with the indicators of a year.

StudentResult.task_scores is text: the scores joined with "," in the order of Assessment.tasks,
an empty entry for a task without a score (not attempted), trailing empties cut ("1,0,2,,1").
A participant is a row with any task score; a task's completion rate is Σ scores / (max ×
participants), a task left empty counting as 0.

On PostgreSQL the text is split inside the database (split_part, a SUM per position) and only
the sums per school, work and task come back; elsewhere the rows are read in chunks."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection

from monitoring.models import Assessment, StudentResult, TaskStat
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


def _sums_sql(year: int, municipality_ids: list[int] | None, width: int | None = None) -> dict[tuple[int, int], list]:
    """One grouped pass with a SUM per task position (split_part: measured in bench/task_stats.py
    against unnest … WITH ORDINALITY and an array split once per row, both slower). The positions are
    as many as the year's works have tasks; a row with more (the import never writes one) makes the
    pass run again as wide as that row."""
    r_, o_ = StudentResult._meta.db_table, Organization._meta.db_table
    if width is None:
        widths = Assessment.objects.filter(year=year).values_list("tasks", flat=True)
        width = max((len(tasks) for tasks in widths), default=0)
    width = max(width, 1)
    scope, params = "", [year]
    if municipality_ids is not None:
        listed = ",".join(str(int(pk)) for pk in municipality_ids) or "NULL"
        scope = f" AND r.organization_id IN (SELECT id FROM {o_} WHERE municipality_id IN ({listed}))"
    sums = ", ".join(
        f"SUM(CAST(NULLIF(split_part(r.task_scores, ',', {k}), '') AS integer))" for k in range(1, width + 1)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT r.assessment_id, r.organization_id, COUNT(*),
                       MAX(LENGTH(r.task_scores) - LENGTH(REPLACE(r.task_scores, ',', ''))) + 1, {sums}
                FROM {r_} r WHERE r.year = %s AND r.task_scores <> ''{scope} GROUP BY 1, 2""",
            params,
        )
        rows = cursor.fetchall()
    widest = max((row[3] or 0 for row in rows), default=0)
    if widest > width:
        return _sums_sql(year, municipality_ids, widest)
    found: dict[tuple[int, int], list] = {}
    for assessment_id, organization_id, participants, row_width, *totals in rows:
        found[(assessment_id, organization_id)] = [participants, [int(t or 0) for t in totals[: row_width or 0]]]
    return found


def _sums_python(year: int, municipality_ids: list[int] | None) -> dict[tuple[int, int], list]:
    rows = StudentResult.objects.filter(year=year).exclude(task_scores="")
    if municipality_ids is not None:
        rows = rows.filter(organization__municipality_id__in=municipality_ids)
    found: dict[tuple[int, int], list] = defaultdict(lambda: [0, []])
    for assessment_id, organization_id, text in rows.values_list(
        "assessment_id", "organization_id", "task_scores"
    ).iterator(chunk_size=5000):
        entry = found[(assessment_id, organization_id)]
        entry[0] += 1
        add_scores(entry[1], text)
    return dict(found)


def task_stats_compute(*, year: int, municipality_ids: list[int] | None = None) -> int:
    """Replace the TaskStat rows of the year (of these municipalities, or of all) from the results.
    Runs inside indicators_compute's transaction; returns the number of rows written."""
    compute = _sums_sql if connection.vendor == "postgresql" else _sums_python
    found = compute(year, municipality_ids)
    stale = TaskStat.objects.filter(year=year)
    if municipality_ids is not None:
        stale = stale.filter(organization__municipality_id__in=municipality_ids)
    stale.delete()
    TaskStat.objects.bulk_create(
        [
            TaskStat(assessment_id=a, organization_id=o, year=year, participants=n, sums=sums)
            for (a, o), (n, sums) in found.items()
        ],
        batch_size=2000,
    )
    return len(found)
