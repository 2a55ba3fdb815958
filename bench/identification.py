"""Benchmark: ШНРО/ШНСУ identification for 1,500 and 40,000 schools over three years of results on
PostgreSQL, beside the same computation done by one plain SQL query (the baseline), in one run.

    createdb -h 127.0.0.1 -U postgres bench_identification
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_identification python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_identification python bench/identification.py \
        [--schools 1500 40000] [--rows 20]

Each school gets its indicator values of three years (ОГЭ «2» by mathematics, ВПР «2», КДР below the
base level: what the indicators computation writes) and the run year's result rows with ОВЗ flags,
both written with COPY. The method has three results criteria over several years and three context
criteria (ОВЗ share, rural, enrolment). Measured: the service's evaluation alone (reads and the
criteria in Python), the whole run (list_compute: evaluation and the list's rows written), and the
baseline SQL that computes the same verdicts in the database without keeping any numbers. The two
verdicts are compared school by school.
"""

import argparse
import io
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
from django.utils import timezone  # noqa: E402

from monitoring.analysis.services import indicators_load  # noqa: E402
from monitoring.identification.compute import evaluate  # noqa: E402
from monitoring.identification.services import list_compute  # noqa: E402
from monitoring.models import (  # noqa: E402
    Assessment,
    IdentificationCriterion,
    IdentificationEntry,
    IdentificationList,
    IdentificationMethod,
    IndicatorDefinition,
    IndicatorValue,
    StudentResult,
)
from monitoring.partitions import results_partition_ensure  # noqa: E402
from roadmaps.models import Order  # noqa: E402
from schools.models import Municipality, Organization  # noqa: E402

YEAR = 2026
YEARS = (YEAR - 2, YEAR - 1, YEAR)
MINIMUM = 5
# (indicator, subject, grade, threshold «не меньше», K, N)
RESULTS = [
    ("oge_share_2", "Математика", 9, 15.0, 3, 2),
    ("vpr_share_2", "", None, 20.0, 2, 2),
    ("kdr_below_base", "", None, 40.0, 3, 2),
]
OVZ_AT_LEAST, SIZE_AT_MOST = 10.0, 150
RESULTS_REQUIRED, CONTEXT_REQUIRED = 2, 2


def copy(table: str, columns: list[str], lines) -> None:
    buffer = io.StringIO("".join(lines))
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def generate(schools: int, rows: int) -> tuple[Municipality, IdentificationMethod]:
    started = time.perf_counter()
    name = f"Бенчмарк идентификации {schools}"
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE monitoring_identificationentry, monitoring_identificationlist, monitoring_identificationcriterion, "
            "monitoring_identificationmethod, monitoring_indicatorvalue, monitoring_studentresult CASCADE"
        )
    municipality, _ = Municipality.objects.get_or_create(name=name, region="Бенчмарк")
    Order.objects.filter(organization__municipality=municipality).delete()  # an earlier run's approval
    Organization.objects.filter(municipality=municipality).delete()
    authority = Organization.objects.create(
        municipality=municipality, kind="authority", code="uo", short_name="УО", full_name="Управление образования"
    )
    rng = random.Random(22)
    Organization.objects.bulk_create(
        (
            Organization(
                municipality=municipality,
                kind="school",
                code=f"b{n:05d}",
                short_name=f"Школа {n}",
                full_name=f"Школа {n}",
                is_rural=n % 3 == 0,
                enrolment=None if n % 7 == 0 else rng.randint(40, 1200),
            )  # fmt: skip
            for n in range(schools)
        ),
        batch_size=5000,
    )
    org_ids = list(Organization.objects.filter(municipality=municipality, kind="school").values_list("pk", flat=True))
    indicators = {i.code: i.pk for i in IndicatorDefinition.objects.filter(code__in=[r[0] for r in RESULTS])}
    now = timezone.now().isoformat()
    values = []
    for org in org_ids:
        weak = rng.random() < 0.15
        for year in YEARS:
            for code, subject, grade, _threshold, _k, _n in RESULTS:
                denominator = rng.randint(3, 60)
                share = min(1.0, max(0.0, rng.gauss(0.25 if weak else 0.08, 0.08)))
                numerator = round(denominator * share)
                grade_text = "\\N" if grade is None else str(grade)
                values.append(
                    f"{indicators[code]}\t{year}\t{municipality.pk}\t{org}\t{subject}\t{grade_text}\t\t"
                    f"{numerator}\t{denominator}\t{numerator * 100.0 / denominator}\t{{}}\t{now}\n"
                )
    copy(
        IndicatorValue._meta.db_table,
        ["indicator_id", "year", "municipality_id", "organization_id", "subject", "grade", "class_name", "numerator",
         "denominator", "value", "details", "computed_at"],
        values,
    )  # fmt: skip
    results_partition_ensure([YEAR])
    assessment, _ = Assessment.objects.get_or_create(kind="vpr", year=YEAR, subject="Математика", grade=5)
    lines = []
    for org in org_ids:
        ovz_share = rng.choice((0.0, 0.02, 0.05, 0.12, 0.2))
        for number in range(rng.randint(max(1, rows // 2), rows * 3 // 2)):
            ovz = "t" if rng.random() < ovz_share else "f"
            lines.append(f"{assessment.pk}\t{org}\t{YEAR}\tp{org}-{number}\t\t{rng.randint(2, 5)}\t{ovz}\tf\t\t\n")
    copy(
        StudentResult._meta.db_table,
        ["assessment_id", "organization_id", "year", "participant_code", "class_name", "mark", "ovz", "control_group",
         "task_scores", "level"],
        lines,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE schools_organization; ANALYZE monitoring_indicatorvalue; ANALYZE monitoring_studentresult"
        )
    order = Order.objects.create(organization=authority, number="b-1", date=timezone.localdate(), title="Бенчмарк")
    method = IdentificationMethod.objects.create(
        municipality=municipality, year=YEAR, title="Бенчмарк", results_required=RESULTS_REQUIRED,
        context_required=CONTEXT_REQUIRED, minimum_participants=MINIMUM, status="approved", approval_order=order,
    )  # fmt: skip
    definitions = {i.code: i for i in IndicatorDefinition.objects.filter(code__in=indicators)}
    for order_number, (code, subject, grade, threshold, window, required) in enumerate(RESULTS):
        IdentificationCriterion.objects.create(
            method=method, kind="indicator", indicator=definitions[code], subject=subject, grade=grade,
            comparison="gte", threshold=threshold, years_window=window, years_required=required, order=order_number,
        )  # fmt: skip
    IdentificationCriterion.objects.create(method=method, kind="ovz_share", threshold=OVZ_AT_LEAST, order=10)
    IdentificationCriterion.objects.create(method=method, kind="rural", order=11)
    IdentificationCriterion.objects.create(
        method=method, kind="size", comparison="lte", threshold=SIZE_AT_MOST, order=12
    )
    print(
        f"  данные: {len(org_ids)} школ, {len(values)} значений показателей, {len(lines)} результатов "
        f"— {time.perf_counter() - started:.1f} с"
    )
    return municipality, method


def baseline(municipality: Municipality) -> dict[int, tuple[bool, bool]]:
    """The same verdicts by one plain SQL statement over the same tables."""
    indicators = dict(IndicatorDefinition.objects.filter(code__in=[r[0] for r in RESULTS]).values_list("code", "pk"))
    met_parts, ctes = [], []
    for number, (code, subject, grade, threshold, window, required) in enumerate(RESULTS):
        grade_sql = "grade IS NULL" if grade is None else f"grade = {int(grade)}"
        ctes.append(
            f"""c{number} AS (SELECT organization_id, COUNT(*) FILTER (WHERE value >= {threshold}
                   AND (denominator IS NULL OR denominator >= {MINIMUM})) AS met
                FROM monitoring_indicatorvalue
                WHERE municipality_id = %(m)s AND indicator_id = {indicators[code]} AND subject = '{subject}'
                  AND {grade_sql} AND class_name = '' AND organization_id IS NOT NULL
                  AND year BETWEEN {YEAR - window + 1} AND {YEAR}
                GROUP BY organization_id)"""
        )
        met_parts.append(f"(COALESCE(c{number}.met, 0) >= {required})::int")
    joins = " ".join(f"LEFT JOIN c{n} ON c{n}.organization_id = o.id" for n in range(len(RESULTS)))
    sql = f"""
    WITH {", ".join(ctes)},
    ctx AS (SELECT organization_id, COUNT(*) AS n, COUNT(*) FILTER (WHERE ovz) AS ovz,
                   COUNT(DISTINCT participant_code) FILTER (WHERE participant_code <> '') AS codes
            FROM monitoring_studentresult WHERE year = {YEAR}
              AND organization_id IN (SELECT id FROM schools_organization WHERE municipality_id = %(m)s)
            GROUP BY organization_id),
    scored AS (
      SELECT o.id, {" + ".join(met_parts)} AS results_met,
             (COALESCE(ctx.n, 0) >= {MINIMUM} AND ctx.ovz * 100.0 / ctx.n >= {OVZ_AT_LEAST})::int
             + o.is_rural::int
             + (COALESCE(o.enrolment, NULLIF(ctx.codes, 0)) <= {SIZE_AT_MOST})::int AS context_met
      FROM schools_organization o {joins} LEFT JOIN ctx ON ctx.organization_id = o.id
      WHERE o.municipality_id = %(m)s AND o.kind = 'school' AND o.is_active)
    SELECT id, results_met >= {RESULTS_REQUIRED}, COALESCE(context_met, 0) >= {CONTEXT_REQUIRED} FROM scored
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"m": municipality.pk})
        return {pk: (low, unfavourable) for pk, low, unfavourable in cursor.fetchall()}


def measure(schools: int, rows: int) -> dict:
    print(f"{schools} школ, три года результатов:")
    municipality, method = generate(schools, rows)
    started = time.perf_counter()
    with transaction.atomic():
        evaluations = evaluate(method)
    evaluate_seconds = time.perf_counter() - started
    started = time.perf_counter()
    listing = list_compute(method=method)
    run_seconds = time.perf_counter() - started
    started = time.perf_counter()
    expected = baseline(municipality)
    baseline_seconds = time.perf_counter() - started
    ours = {e.organization_id: (e.low_results, e.unfavourable_conditions) for e in evaluations}
    stored = dict(
        ((pk, (low, unf)) for pk, low, unf in IdentificationEntry.objects.filter(listing=listing).values_list(
            "organization_id", "low_results", "unfavourable_conditions"))
    )  # fmt: skip
    differ = [pk for pk in expected if expected[pk] != ours.get(pk) or expected[pk] != stored.get(pk)]
    print(
        f"  ШНРО {listing.low_results_count}, ШНСУ {listing.unfavourable_count} из {listing.schools}; "
        f"расхождений с SQL: {len(differ)}"
    )
    print(f"  оценка по критериям (сервис, без записи): {evaluate_seconds:.2f} с")
    print(f"  расчёт списка целиком (list_compute: оценка и запись строк с числами): {run_seconds:.2f} с")
    print(f"  базовый уровень — один SQL-запрос (только отметки, без чисел): {baseline_seconds:.2f} с")
    if differ:
        sys.exit(f"Вердикты расходятся у {len(differ)} школ, например {differ[:5]}")
    return {"schools": schools, "evaluate": evaluate_seconds, "run": run_seconds, "baseline": baseline_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, nargs="+", default=[1500, 40000])
    parser.add_argument("--rows", type=int, default=20, help="результатов на школу в году расчёта (в среднем)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Нужен PostgreSQL: задайте DATABASE_URL=postgres://…")
    indicators_load()
    IdentificationList.objects.all().delete()
    for schools in args.schools:
        measure(schools, args.rows)


if __name__ == "__main__":
    main()
