"""Benchmark: all indicators and zones for 1000 schools and 1,000,000 student results on PostgreSQL,
beside a straightforward per-school ORM computation (the baseline) in the same run.

    createdb -h 127.0.0.1 -U postgres bench_zoning
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_zoning python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_zoning python bench/zoning.py [--schools 1000 --rows 1000000]

Goals: under 5 s end to end, at least 10× faster than the baseline.

National scale (issue «Past one machine»), --municipalities N > 1: the schools spread over N
municipalities, each with its own approved zoning method, and a region's or a country's whole
recomputation is timed two ways in the same run: the product (every municipality's indicators in
INDICATORS_PARALLEL groups at once, then the zones of every approved method of the year together,
`zones_compute_year`) against the named baseline of the same code before it (all indicators in one
statement, then each method's zones alone). The per-school ORM baseline would take hours at that
size and is skipped. Run it at 1M, 5M and 15M with the same rows per school for the curve:

    python bench/zoning.py --schools 40000 --rows 15000000 --municipalities 2300
"""

import argparse
import datetime
import io
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F, Q  # noqa: E402

from monitoring.analysis.services import example_method_load, indicators_load  # noqa: E402
from monitoring.indicators import RATIOS, indicators_compute, share  # noqa: E402
from monitoring.models import (  # noqa: E402
    Assessment,
    EgeMinScore,
    IndicatorDefinition,
    IndicatorValue,
    StudentResult,
    Zone,
    ZoningMethod,
)
from monitoring.partitions import results_partition_ensure  # noqa: E402
from monitoring.zoning import colour_of, combine_colours, zones_compute, zones_compute_year  # noqa: E402
from roadmaps.models import Order  # noqa: E402
from schools.models import Municipality, Organization  # noqa: E402

YEAR = 2024
LEVELS = ["insufficient", "low", "base", "high"]
# (kind, subject, grade, rows per school, year)
PLAN = (
    [("vpr", subject, grade, 60, YEAR) for subject in ("Математика", "Русский язык") for grade in (4, 5, 6, 7, 8)]
    + [("oge", "Математика", 9, 50, YEAR), ("oge", "Русский язык", 9, 50, YEAR)]
    + [("ege", "Русский язык", 11, 30, YEAR), ("ege", "Математика (профильный уровень)", 11, 30, YEAR)]
    + [("ege", "Математика (базовый уровень)", 11, 30, YEAR)]
    + [("kdr", "Читательская грамотность", 6, 110, YEAR), ("kdr", "Читательская грамотность", 4, 100, YEAR - 2)]
)


CHUNK = 500_000  # rows per COPY: the generated text stays small whatever the total


def generate(schools: int, rows: int, municipalities: int = 1) -> list:
    if connection.vendor != "postgresql":
        sys.exit("Нужен PostgreSQL: задайте DATABASE_URL=postgres://…")
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE monitoring_zone, monitoring_zoningrule, monitoring_zoningmethod, monitoring_indicatorvalue, "
            "monitoring_studentresult, monitoring_schoolstat, monitoring_assessment, monitoring_egeminscore, roadmaps_order CASCADE"
        )
    names = ["Бенчмарк"] + [f"Бенчмарк {n}" for n in range(1, municipalities)]
    existing = Municipality.objects.filter(region="Бенчмарк")
    Organization.objects.filter(municipality__in=existing).delete()
    existing.exclude(name__in=names).delete()
    known = set(existing.values_list("name", flat=True))
    Municipality.objects.bulk_create(Municipality(name=name, region="Бенчмарк") for name in names if name not in known)
    places = list(Municipality.objects.filter(region="Бенчмарк").order_by("pk"))
    Organization.objects.bulk_create(
        (Organization(municipality=places[n % len(places)], kind="school", code=f"b{n:05d}", short_name=f"Школа {n}",
                      full_name=f"Школа {n}", is_rural=n % 3 == 0, low_results=n % 10 == 0)
         for n in range(schools)),
        batch_size=5000,
    )  # fmt: skip
    org_ids = list(Organization.objects.filter(municipality__in=places).values_list("pk", flat=True))
    assessments = [
        (Assessment.objects.create(kind=k, subject=s, grade=g, year=y, scale="levels" if k == "kdr" else "marks"), per)
        for k, s, g, per, y in PLAN
    ]
    EgeMinScore.objects.create(year=YEAR, subject="Русский язык", min_score=24)
    EgeMinScore.objects.create(year=YEAR, subject="Математика (профильный уровень)", min_score=27)
    per_school = sum(per for _a, per in assessments)
    scale = rows / (per_school * schools)
    rnd = random.Random(6)
    results_partition_ensure({assessment.year for assessment, _per in assessments})
    buffer = io.StringIO()
    total = 0
    for org in org_ids:
        bias = rnd.random()  # some schools are weaker
        for assessment, per in assessments:
            count = max(1, round(per * scale))
            for i in range(count):
                code = f"{org}-{i}"
                mark = journal = test = r"\N"
                level = ""
                cls = ""
                control = "f"
                if assessment.kind in ("vpr", "oge") or "базов" in assessment.subject:
                    m = min(5, max(2, round(rnd.gauss(3.6 - bias, 0.9))))
                    mark = str(m)
                    if assessment.kind == "vpr":
                        shift = rnd.choice((-2, -1, 1, 2)) if rnd.random() < 0.4 * bias else 0
                        journal = str(min(5, max(2, m + shift)))
                        cls = f"{assessment.grade}{'АБ'[i % 2]}"
                elif assessment.kind == "ege":
                    test = str(min(100, max(0, round(rnd.gauss(62 - 20 * bias, 15)))))
                else:
                    level = LEVELS[min(3, max(0, round(rnd.gauss(2.2 - bias, 0.9))))]
                    control = "t" if i % 5 == 0 else "f"
                buffer.write(
                    f"{assessment.pk}\t{org}\t{cls}\t{code}\t{mark}\t{journal}\t{level}\t{control}\t{test}\tf\t\t{assessment.year}\n"
                )
                total += 1
                if total % CHUNK == 0:
                    _copy(buffer)
                    buffer = io.StringIO()
    _copy(buffer)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a real import
    print(f"Сгенерировано: {len(org_ids)} школ в {len(places)} муниципалитетах, {total} результатов участников")
    return places


def _copy(buffer: io.StringIO) -> None:
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            "COPY monitoring_studentresult (assessment_id, organization_id, class_name, participant_code, mark, "
            "journal_mark, level, control_group, test_score, ovz, task_scores, year) FROM STDIN",
            buffer,
        )


def fast(municipality) -> tuple[float, dict]:
    """One municipality: its indicators and zones, as its «Пересчитать» does."""
    method = ZoningMethod.objects.filter(municipality=municipality, year=YEAR, is_example=True).first()
    started = time.perf_counter()
    summary = indicators_compute(year=YEAR, municipality=municipality)
    zones = zones_compute(method=method)
    elapsed = time.perf_counter() - started
    return elapsed, {"значений": summary.values, **zones.as_dict()}


def whole(places: list, *, parallel: bool) -> tuple[float, dict]:
    """Every municipality's indicators and zones (a region's or a country's recomputation): the
    product (parallel groups, the year's zones together) or the code before it (one statement,
    each method's zones alone)."""
    settings.INDICATORS_PARALLEL = 2 if parallel else 1
    methods = list(ZoningMethod.objects.filter(municipality__in=places, year=YEAR, is_example=True))
    started = time.perf_counter()
    summary = indicators_compute(year=YEAR)
    computed = time.perf_counter()
    if parallel:
        counts = zones_compute_year(year=YEAR).as_dict()
    else:
        counts = {}
        for method in methods:
            for colour, count in zones_compute(method=method).as_dict().items():
                counts[colour] = counts.get(colour, 0) + count
    finished = time.perf_counter()
    return finished - started, {"значений": summary.values, "показатели, с": round(computed - started, 1),
                                "зоны, с": round(finished - computed, 1), **counts}  # fmt: skip


def approve_examples(places: list) -> None:
    """Set-up shortcut: every example method approved by one signed order (the product approves
    them one by one, each by its municipality's own order)."""
    order = Order.objects.create(organization=Organization.objects.filter(municipality__in=places).first(),
                                 number="1", date=datetime.date(YEAR - 1, 9, 1), title="Об утверждении методик",
                                 status=Order.Status.SIGNED)  # fmt: skip
    ZoningMethod.objects.filter(municipality__in=places, year=YEAR, is_example=True).update(
        status=ZoningMethod.Status.APPROVED, approval_order=order
    )


def table_sizes() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c "
            "WHERE c.relname LIKE 'monitoring_studentresult%%' AND c.relkind = 'r'"
        )
        results = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('monitoring_indicatorvalue'))")
        values = cursor.fetchone()[0]
    return f"результаты {results}, значения показателей {values}"


def baseline(municipality) -> tuple[float, dict]:
    """A straightforward per-school ORM computation: for every school and every procedure, one
    .filter().count() per count, then the values saved and each school's zone found rule by rule."""
    method = ZoningMethod.objects.filter(municipality=municipality, year=YEAR, is_example=True).first()
    definitions = {d.code: d for d in IndicatorDefinition.objects.all()}
    ege_min = dict(EgeMinScore.objects.filter(year=YEAR).values_list("subject", "min_score"))
    started = time.perf_counter()
    values = []
    schools = list(Organization.objects.filter(municipality=municipality, kind="school"))
    assessments = list(Assessment.objects.filter(year=YEAR))
    pooled: dict = {}
    for school in schools:
        whole: dict = {}
        for assessment in assessments:
            rows = StudentResult.objects.filter(assessment=assessment, organization=school)
            c = {}
            if assessment.kind in ("vpr", "oge") or "базов" in assessment.subject:
                c["n_mark"] = rows.filter(mark__isnull=False).count()
                c["m2"] = rows.filter(mark=2).count()
                c["m45"] = rows.filter(mark__in=[4, 5]).count()
            if assessment.kind == "vpr":
                both = rows.filter(mark__isnull=False, journal_mark__isnull=False)
                c["n_both"] = both.count()
                c["lowered"] = both.filter(mark__lt=F("journal_mark")).count()
                c["raised"] = both.filter(mark__gt=F("journal_mark")).count()
                c["confirmed"] = both.filter(mark=F("journal_mark")).count()
                c["significant"] = both.filter(
                    Q(mark__gte=F("journal_mark") + 2) | Q(mark__lte=F("journal_mark") - 2)
                ).count()
                c["mismatch"] = c["lowered"] + c["raised"]
            if assessment.kind == "ege" and "базов" not in assessment.subject:
                c["n_test"] = rows.filter(test_score__isnull=False).count()
                c["over_60"] = rows.filter(test_score__gt=60).count()
                c["below_min"] = rows.filter(test_score__lt=ege_min.get(assessment.subject, 0)).count()
            if assessment.kind == "kdr":
                c["n_level"] = rows.exclude(level="").count()
                c["below_base"] = rows.filter(level__in=["insufficient", "low"]).count()
                c["above_base"] = rows.filter(level="high").count()
            for code, ratio in RATIOS.items():
                if assessment.kind not in ratio.kinds or ratio.numerator not in c or ratio.denominator not in c:
                    continue
                if ratio.only_subject and ratio.only_subject not in assessment.subject.lower():
                    continue
                n, d = c[ratio.numerator], c[ratio.denominator]
                values.append(IndicatorValue(indicator=definitions[code], year=YEAR, municipality=municipality, organization=school,
                                             subject=assessment.subject, grade=assessment.grade, numerator=n, denominator=d, value=share(n, d)))  # fmt: skip
                for key in (
                    (code, None, "", None),
                    (code, school.pk, "", None),
                    (code, None, assessment.subject, assessment.grade),
                ):
                    target = (whole if key[1] else pooled).setdefault(key, [0, 0])
                    target[0] += n
                    target[1] += d
        for (code, org, subject, grade), (n, d) in whole.items():
            values.append(IndicatorValue(indicator=definitions[code], year=YEAR, municipality=municipality, organization_id=org,
                                         subject=subject, grade=grade, numerator=n, denominator=d, value=share(n, d)))  # fmt: skip
    for (code, _org, subject, grade), (n, d) in pooled.items():
        values.append(IndicatorValue(indicator=definitions[code], year=YEAR, municipality=municipality, organization=None,
                                     subject=subject, grade=grade, numerator=n, denominator=d, value=share(n, d)))  # fmt: skip
    IndicatorValue.objects.filter(year=YEAR, municipality=municipality).delete()
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    counts: dict = {}
    rules = list(method.rules.select_related("indicator"))
    for school in schools:
        items = []
        for rule in rules:
            value = IndicatorValue.objects.filter(
                organization=school,
                indicator=rule.indicator,
                year=YEAR,
                subject=rule.subject,
                grade=rule.grade,
                class_name="",
            ).first()
            if value is None or value.value is None or (value.denominator or 0) < method.minimum_participants:
                items.append(("no_data", rule.weight))
            else:
                items.append((colour_of(value.value, rule.ranges)["colour"], rule.weight))
        colour, _ = combine_colours(method.combine, items, green_min=1.5, yellow_min=0.75, red_for_red=2)
        Zone.objects.update_or_create(
            method=method, organization=school, defaults={"colour": colour, "computed_at": django.utils.timezone.now()}
        )
        counts[colour] = counts.get(colour, 0) + 1
    return time.perf_counter() - started, {"значений": len(values), **counts}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--municipalities", type=int, default=1, help="municipalities the schools spread over")
    parser.add_argument("--repeat", type=int, default=3, help="measured runs of the fast computation (median shown)")
    parser.add_argument(
        "--skip-baseline", action="store_true", help="the per-school baseline (hours at national scale)"
    )
    args = parser.parse_args()
    import django.utils.timezone  # noqa: F401

    indicators_load()
    started = time.perf_counter()
    places = generate(args.schools, args.rows, args.municipalities)
    print(f"Генерация данных: {time.perf_counter() - started:.0f} с; объём: {table_sizes()}")
    for place in places:
        example_method_load(municipality=place, year=YEAR)
    if len(places) > 1:
        approve_examples(places)
        for parallel in (False, True):
            with connection.cursor() as cursor:  # each run starts as after autovacuum, not on the other's dead rows
                cursor.execute("VACUUM ANALYZE monitoring_indicatorvalue, monitoring_zone")
            elapsed, result = whole(places, parallel=parallel)
            name = (
                "продукт (группы параллельно, зоны года вместе)"
                if parallel
                else "база (один запрос, зоны по методикам)"
            )
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{name}: {elapsed:.1f} с — {result}; пик памяти процесса {peak:.0f} МБ", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM FULL monitoring_indicatorvalue")  # the two runs' dead rows out of the size
        print(f"Объём после расчёта: {table_sizes()}")
        return
    municipality = places[0]
    fast(municipality)  # warm-up: plans and caches, as on a running server
    runs = [fast(municipality) for _ in range(args.repeat)]
    times = sorted(t for t, _r in runs)
    fast_time, fast_result = statistics.median(times), runs[-1][1]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Расчёт показателей и зон (SQL-агрегаты): медиана {fast_time:.2f} с из {len(times)} "
          f"({', '.join(f'{t:.2f}' for t in times)}) — {fast_result}; пик памяти процесса {peak:.0f} МБ")  # fmt: skip
    if args.skip_baseline:
        return
    base_time, base_result = baseline(municipality)
    print(f"Базовый вариант (цикл по школам, .filter().count()): {base_time:.2f} с — {base_result}")
    print(f"Ускорение: {base_time / fast_time:.1f}×; цель: < 5 с и ≥ 10×")


if __name__ == "__main__":
    main()
