"""Benchmark: per-task sums of every school (TaskStat, the municipality side of «Анализ в школе»)
for a region's year of ВПР rows on PostgreSQL, split inside the database, beside the same sums read
row by row into Python (the path SQLite takes) as the baseline; and one school's page.

    createdb -h 127.0.0.1 -U postgres bench_tasks
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_tasks python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_tasks python bench/task_stats.py [--schools 1000 --rows 300000]

Goals: the sums within the indicators job's budget (a few seconds for the region), faster than the
baseline; one school's page under 100 ms.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from monitoring.inschool.selectors import school_analysis  # noqa: E402
from monitoring.inschool.stats import _sums_python, _sums_sql, task_stats_compute  # noqa: E402
from monitoring.models import Assessment, StudentResult, TaskStat  # noqa: E402
from monitoring.partitions import results_partition_ensure  # noqa: E402
from schools.models import Municipality, Organization  # noqa: E402

YEAR = 2024
TASKS = 15
MAXIMA = [1] * 10 + [2] * 3 + [3] * 2


def generate(schools: int, rows: int) -> list[Assessment]:
    if connection.vendor != "postgresql":
        sys.exit("Нужен PostgreSQL: задайте DATABASE_URL=postgres://…")
    StudentResult.objects.filter(year=YEAR)._raw_delete(StudentResult.objects.db)
    TaskStat.objects.all().delete()
    results_partition_ensure([YEAR])
    municipality, _ = Municipality.objects.get_or_create(name="Бенчмарк", defaults={"region": "Бенчмарк"})
    organizations = [
        Organization.objects.get_or_create(
            code=f"bench{n:05d}", defaults={"municipality": municipality, "kind": "school", "short_name": f"ОО {n}"}
        )[0]
        for n in range(schools)
    ]
    works = []
    for subject in ("Математика", "Русский язык"):
        for grade in (4, 5, 6, 7, 8):
            work, _ = Assessment.objects.get_or_create(kind="vpr", year=YEAR, subject=subject, grade=grade)
            work.tasks = [{"label": str(k + 1), "max": top, "difficulty": "Б"} for k, top in enumerate(MAXIMA)]
            work.save()
            works.append(work)
    rng = random.Random(22)
    per = max(1, rows // (schools * len(works)))
    batch = []
    for organization in organizations:
        for work in works:
            for n in range(per):
                scores = ",".join(str(rng.randint(0, top)) if rng.random() > 0.05 else "" for top in MAXIMA)
                batch.append(
                    StudentResult(
                        assessment=work, organization=organization, year=YEAR, class_name=f"{work.grade}А",
                        participant_code=f"{organization.pk}-{work.pk}-{n}", task_scores=scores.rstrip(","),
                        mark=rng.randint(2, 5), journal_mark=rng.randint(2, 5), ovz=rng.random() < 0.05,
                    )
                )  # fmt: skip
            if len(batch) >= 20_000:
                StudentResult.objects.bulk_create(batch, batch_size=5000)
                batch = []
    StudentResult.objects.bulk_create(batch, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {StudentResult._meta.db_table}")
    return works


def timed(label: str, function, repeat: int = 3):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label}: {best:.3f} с (лучшее из {repeat})")
    return value, best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--reuse", action="store_true", help="keep the rows of the previous run")
    args = parser.parse_args()
    start = time.perf_counter()
    if args.reuse:
        works = list(Assessment.objects.filter(year=YEAR, kind="vpr").order_by("pk"))
    else:
        works = generate(args.schools, args.rows)
    total = StudentResult.objects.filter(year=YEAR).count()
    print(f"строк: {total}, школ: {args.schools}, работ: {len(works)}; подготовка {time.perf_counter() - start:.1f} с")
    sql, sql_time = timed("суммы по заданиям в базе (split_part)", lambda: _sums_sql(YEAR, None))
    plain, plain_time = timed("то же построчно в Python (базовая линия)", lambda: _sums_python(YEAR, None))
    assert sql == plain, "the two ways disagree"
    print(f"быстрее базовой линии в {plain_time / sql_time:.1f} раза")

    def store():
        with transaction.atomic():
            return task_stats_compute(year=YEAR)

    timed("пересчёт и запись TaskStat", store)
    school = Organization.objects.get(code="bench00000")
    timed("страница одной школы (выборка)", lambda: school_analysis(school, works[0]), repeat=5)


if __name__ == "__main__":
    main()
