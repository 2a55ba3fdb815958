"""Benchmark: the self-assessment (самооценка муниципальных механизмов управления качеством) of a
region of 40 municipalities, each with ~30 schools and an approved roadmap whose ~200,000
assignments and their accepted evidence are spread over the 8 directions × 9 cycle stages, beside
one plain SQL statement that counts the same facts (the baseline), in one run.

    python bench/selfassessment.py [--municipalities 40 --schools 30 --assignments 200000 --repeat 3]

Runs on its own temporary SQLite database (bench/embedded.py) unless DATABASE_URL names a
PostgreSQL database set aside for benchmarks (migrated by the script; the region's earlier rows
are deleted first):

    createdb -h 127.0.0.1 -U postgres bench_selfassessment
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_selfassessment python bench/selfassessment.py

What is measured (median of --repeat runs, no fragment cache: the *_compute functions):
  (a) region table   reports.selfassessment.selectors.region_table_compute(region, 2026): every
                     municipality's totals, this year's and last year's facts read in bulk
  (a') its facts     facts_read(ids, 2026, detail=False) alone: the product's reads of one year
  (b) matrix         matrix_compute(one municipality, 2026): one matrix with the records behind
                     each cell (detail=True) and last year's totals
  (c) baseline       ONE SQL statement: accepted evidence by municipality × direction × stage ×
                     evidence kind, UNION ALL measures by municipality × direction × stage, over the
                     same approved-roadmap / academic-year filter, fetched with cursor.execute
Also: the queries each runs (CaptureQueriesContext, one extra run) and the peak of Python memory
(tracemalloc, one more run). The script fails if the baseline's counts differ from the product's
or from an ORM count of the same evidence, or if the region's cells are all of one status.

The data are synthetic and carry no personal data: no child is named anywhere.
"""

import argparse
import os
import random
import statistics
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    DB = None
else:
    # Django on a temporary SQLite database: before any project import (never db.sqlite3)
    from embedded import DB

# isort: split
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from config.lib.years import academic_year_label, academic_year_window  # noqa: E402
from monitoring.analysis.services import indicators_load  # noqa: E402
from monitoring.models import IndicatorDefinition, IndicatorValue, ZoningMethod, ZoningRule  # noqa: E402
from reports.models import AnalyticReport  # noqa: E402
from reports.selfassessment import selectors  # noqa: E402
from roadmaps.catalogue import catalogue_load  # noqa: E402
from roadmaps.models import (  # noqa: E402
    Assignment,
    CycleStage,
    Direction,
    Evidence,
    EvidenceKind,
    Measure,
    Order,
    OrderRoadmap,
    Roadmap,
    Section,
)
from schools.models import Municipality, Organization  # noqa: E402

REGION = "Бенчмарк самооценки"
YEAR = 2026
START, END = academic_year_window(YEAR)  # 2025-09-01 … 2026-08-31
BATCH = 2000
# Evidence kinds as methodists attach them, most often first: a few kinds no stage rule asks for
# (media, other) so that the kind filter of the rules has something to leave out.
KINDS = {
    "order": 20, "protocol": 18, "report": 14, "analytic_report": 10, "link": 10, "letter": 8,
    "recommendations": 6, "plan": 4, "regulation": 4, "program": 2, "media": 2, "other": 2,
}  # fmt: skip
# Assignment statuses other than «принято», with their weights.
OPEN = {
    Assignment.Status.PLANNED: 45,
    Assignment.Status.IN_PROGRESS: 25,
    Assignment.Status.SUBMITTED: 20,
    Assignment.Status.RETURNED: 10,
}


def aware(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


# --- The data ------------------------------------------------------------------------------------


def clear() -> None:
    """The region's rows of an earlier run (PostgreSQL only keeps them), children first, without
    the ORM's cascade collection: the benchmark's rows carry no history and nothing else points
    at them."""
    in_region = {"municipality__region": REGION}
    roadmaps = Roadmap.objects.filter(owner__municipality__region=REGION)
    for queryset in (
        Evidence.objects.filter(assignment__organization__municipality__region=REGION),
        Assignment.objects.filter(organization__municipality__region=REGION),
        Measure.objects.filter(section__roadmap__in=roadmaps),
        Section.objects.filter(roadmap__in=roadmaps),
        OrderRoadmap.objects.filter(roadmap__in=roadmaps),
        roadmaps,
        ZoningRule.objects.filter(method__municipality__region=REGION),
        ZoningMethod.objects.filter(**in_region),
        AnalyticReport.objects.filter(**in_region),
        IndicatorValue.objects.filter(**in_region),
        Order.objects.filter(organization__municipality__region=REGION),
        Organization.objects.filter(**in_region),
        Municipality.objects.filter(region=REGION),
    ):
        queryset._raw_delete(queryset.db)


def generate(*, municipalities: int, schools: int, assignments: int, seed: int = 22) -> dict:
    rng = random.Random(seed)
    directions = list(Direction.objects.filter(is_federal=True).order_by("order"))
    stages = list(CycleStage.objects.order_by("order"))
    kinds = {kind.code: kind for kind in EvidenceKind.objects.filter(code__in=KINDS)}
    missing = set(KINDS) - set(kinds)
    if missing:
        sys.exit(f"В каталоге нет видов документов {sorted(missing)}")

    created = Municipality.objects.bulk_create(
        Municipality(name=f"Район {n:02d}", region=REGION) for n in range(municipalities)
    )
    Organization.objects.bulk_create(
        [
            Organization(municipality=m, kind="authority", code="uo", short_name="УО", full_name="Управление образования")
            for m in created
        ]
        + [
            Organization(municipality=m, kind="school", code=f"s{n:03d}", short_name=f"Школа {n}",
                         full_name=f"Школа № {n}", enrolment=rng.randint(40, 1200), is_rural=n % 3 == 0)
            for m in created for n in range(schools)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    authorities, school_ids = {}, defaultdict(list)
    for pk, m, kind in Organization.objects.filter(municipality__in=created).values_list(
        "pk", "municipality_id", "kind"
    ):
        if kind == "authority":
            authorities[m] = pk
        else:
            school_ids[m].append(pk)

    # Signed orders: each roadmap's approval; a zoning method's approval and, for some, the order
    # on its results (the «decision» source).
    zoned = [m for n, m in enumerate(created) if n % 4 == 0]
    decided = [m for n, m in enumerate(created) if n % 8 == 0]

    def order(m, number, title):
        return Order(organization_id=authorities[m.pk], number=number, date=date(2025, 8, 28), title=title,
                     status=Order.Status.SIGNED, signed_at=aware(date(2025, 8, 28)))  # fmt: skip

    approvals = Order.objects.bulk_create(order(m, f"{n + 1}-о", "Об утверждении дорожной карты") for n, m in
                                          enumerate(created))  # fmt: skip
    zoning_orders = Order.objects.bulk_create(order(m, f"з-{n + 1}", "Об утверждении методики") for n, m in
                                              enumerate(zoned))  # fmt: skip
    results_orders = Order.objects.bulk_create(order(m, f"и-{n + 1}", "Об итогах мониторинга") for n, m in
                                               enumerate(decided))  # fmt: skip
    assert all(o.pk for o in [*approvals, *zoning_orders, *results_orders]), "bulk_create returned no keys"

    roadmaps = Roadmap.objects.bulk_create(
        Roadmap(owner_id=authorities[m.pk], level=Roadmap.Level.MUNICIPAL, title=f"Дорожная карта {m.name}",
                period_start=START, period_end=END, status=Roadmap.Status.APPROVED, approval_order=approval)
        for m, approval in zip(created, approvals, strict=True)
    )  # fmt: skip
    OrderRoadmap.objects.bulk_create(
        OrderRoadmap(order=approval, roadmap=roadmap, appendix_number=1)
        for approval, roadmap in zip(approvals, roadmaps, strict=True)
    )
    sections = Section.objects.bulk_create(
        Section(roadmap=roadmap, order=n, kind=Section.Kind.DIRECTION, direction=direction)
        for roadmap in roadmaps
        for n, direction in enumerate(directions)
    )
    # Some stages of a direction have no measure (the cell is «нет»), most one, some two.
    measures = Measure.objects.bulk_create(
        (
            Measure(section=section, order=order_number, description=f"Мероприятие {stage.title.lower()} {k + 1}",
                    deadline_text="В течение года", stage=stage)
            for section in sections
            for order_number, (stage, k) in enumerate(
                (stage, k) for stage in stages for k in range(rng.choice((0, 1, 1, 1, 2)))
            )
        ),
        batch_size=BATCH,
    )  # fmt: skip
    municipality_of_roadmap = {roadmap.pk: m.pk for m, roadmap in zip(created, roadmaps, strict=True)}
    municipality_of_section = {s.pk: municipality_of_roadmap[s.roadmap_id] for s in sections}

    # Assignments: the total spread over the measures (some measures busier than others), each
    # measure's occurrences over the municipality's schools, due dates in the year (a few without
    # a date, a few after it), accepted in a share that differs by municipality.
    weights = [rng.uniform(0.5, 1.5) for _ in measures]
    scale = assignments / sum(weights)
    quotas = [int(w * scale) for w in weights]
    for i in rng.sample(range(len(measures)), assignments - sum(quotas)):
        quotas[i] += 1
    accepted_share = {m.pk: rng.uniform(0.15, 0.55) for m in created}
    days = (END - START).days
    open_statuses, open_weights = list(OPEN), list(OPEN.values())
    rows = []
    for measure, quota in zip(measures, quotas, strict=True):
        m = municipality_of_section[measure.section_id]
        own_schools = school_ids[m]
        offset = rng.randrange(len(own_schools))
        for j in range(quota):
            roll = rng.random()
            due = None if roll < 0.02 else (
                END + timedelta(days=rng.randint(1, 120)) if roll < 0.05 else START + timedelta(days=rng.randint(0, days))
            )  # fmt: skip
            status = (
                Assignment.Status.ACCEPTED
                if rng.random() < accepted_share[m]
                else rng.choices(open_statuses, open_weights)[0]
            )
            rows.append(
                Assignment(measure=measure, organization_id=own_schools[(offset + j) % len(own_schools)],
                           occurrence=j // len(own_schools) + 1, due_date=due, window_end=due, status=status,
                           accepted_at=aware(due or END) if status == Assignment.Status.ACCEPTED else None)
            )  # fmt: skip
            if len(rows) >= 20_000:
                Assignment.objects.bulk_create(rows, batch_size=BATCH)
                rows = []
    Assignment.objects.bulk_create(rows, batch_size=BATCH)

    # Evidence: accepted occurrences mostly one to three documents (a few none); submitted ones
    # one document each, which must not count until accepted.
    kind_codes, kind_weights = list(KINDS), list(KINDS.values())
    rows, evidence_total = [], 0
    for pk, status, due in (
        Assignment.objects.filter(
            organization__municipality__region=REGION,
            status__in=[Assignment.Status.ACCEPTED, Assignment.Status.SUBMITTED],
        )
        .values_list("pk", "status", "due_date")
        .order_by("pk")  # the same documents on either database
        .iterator(chunk_size=BATCH)
    ):
        count = rng.choice((0, 1, 1, 1, 2, 2, 3)) if status == Assignment.Status.ACCEPTED else 1
        for n in range(count):
            code = rng.choices(kind_codes, kind_weights)[0]
            with_file = n % 2 == 0
            rows.append(
                Evidence(assignment_id=pk, kind=kinds[code], title=f"{kinds[code].title} № {pk}-{n}",
                         number=f"{pk}-{n}", date=due,
                         file=f"evidence/2026/01/{pk}-{n}.pdf" if with_file else "",
                         original_name=f"{pk}-{n}.pdf" if with_file else "", size=120_000 if with_file else 0,
                         link="" if with_file else f"https://school.example/docs/{pk}-{n}")
            )  # fmt: skip
            if len(rows) >= 20_000:
                Evidence.objects.bulk_create(rows, batch_size=BATCH)
                evidence_total += len(rows)
                rows = []
    Evidence.objects.bulk_create(rows, batch_size=BATCH)
    evidence_total += len(rows)

    # Municipality-level indicator values (organization NULL) for three directions, in two thirds
    # of the municipalities (a few values NULL: «нет данных», not counted); school-level values of
    # one indicator, which the municipality's count must leave out.
    definitions = defaultdict(list)
    for definition in IndicatorDefinition.objects.exclude(direction_code="").order_by("order"):
        definitions[definition.direction_code].append(definition)
    valued = [code for code in ("1.1", "1.2", "2.2") if definitions.get(code)]
    values = []
    for n, m in enumerate(created):
        if n % 3 == 2:
            continue
        for code in valued:
            for definition in definitions[code][:4]:
                value = None if rng.random() < 0.1 else rng.uniform(0, 100)
                values.append(IndicatorValue(indicator=definition, year=YEAR, municipality=m, numerator=None,
                                             denominator=None, value=value))  # fmt: skip
        first = definitions[valued[0]][0]
        values += [
            IndicatorValue(
                indicator=first, year=YEAR, municipality=m, organization_id=school, value=rng.uniform(0, 100)
            )
            for school in school_ids[m.pk]
        ]
    IndicatorValue.objects.bulk_create(values, batch_size=BATCH)

    # Approved, computed zoning methods with two rules of direction 1.1, in every fourth municipality.
    results_of = dict(zip((m.pk for m in decided), results_orders, strict=True))
    methods = ZoningMethod.objects.bulk_create(
        ZoningMethod(municipality=m, year=YEAR, title=f"Зонирование ОО {m.name}", status=ZoningMethod.Status.APPROVED,
                     approval_order=approval, computed_at=aware(date(2026, 6, 30)), results_order=results_of.get(m.pk))
        for m, approval in zip(zoned, zoning_orders, strict=True)
    )  # fmt: skip
    ZoningRule.objects.bulk_create(
        ZoningRule(method=method, indicator=definition, order=k)
        for method in methods
        for k, definition in enumerate(definitions["1.1"][:2])
    )
    # Approved справки on a direction's indicators in every third municipality (and drafts, which
    # do not count).
    AnalyticReport.objects.bulk_create(
        AnalyticReport(municipality=m, subject=AnalyticReport.Subject.DIRECTION, direction_code=code, year=YEAR,
                       title=f"Справка по направлению {code}", status=status,
                       approved_at=aware(date(2026, 6, 15)) if status == AnalyticReport.Status.APPROVED else None)
        for n, m in enumerate(created)
        if n % 3 == 0
        for code in valued[:2]
        for status in (AnalyticReport.Status.APPROVED, AnalyticReport.Status.DRAFT)
    )  # fmt: skip
    return {
        "municipalities": created,
        "schools": sum(len(v) for v in school_ids.values()),
        "measures": len(measures),
        "evidence": evidence_total,
        "indicator values": len(values),
        "zonings": len(methods),
    }


def analyse() -> None:
    """PostgreSQL's statistics, as autovacuum would have them. SQLite is left without: the product
    never runs ANALYZE there, and its planner plans differently with the statistics."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- The baseline --------------------------------------------------------------------------------


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def baseline(region: str, year: int) -> tuple[dict, dict]:
    """The same counts as the product's facts of measures and evidence, by one plain SQL statement:
    (municipality, direction, stage) → measures, and → {evidence kind: accepted documents}."""
    start, end = academic_year_window(year)
    # From the region down: its municipalities, their roadmaps, sections, measures, and then the
    # measures' assignments and evidence. SQLite's planner is told the order (its CROSS JOIN keeps
    # the tables in the order written): left alone it may start from the accepted assignments and
    # try each against every section. PostgreSQL plans the plain JOINs well.
    join = "CROSS JOIN" if connection.vendor == "sqlite" else "JOIN"
    measures_of_region = f"""
        FROM {table(Municipality)} mu
        {join} {table(Organization)} ow ON ow.municipality_id = mu.id
        {join} {table(Roadmap)} ro ON ro.owner_id = ow.id
        {join} {table(Section)} se ON se.roadmap_id = ro.id
        {join} {table(Measure)} me ON me.section_id = se.id"""
    where = """
        WHERE mu.region = %s AND ro.status = %s AND ro.level = %s AND ro.period_start <= %s
          AND ro.period_end >= %s"""
    labels = f"""
        JOIN {table(Direction)} di ON di.id = se.direction_id
        JOIN {table(CycleStage)} st ON st.id = me.stage_id"""
    sql = f"""
        SELECT 'e', ow.municipality_id, di.code, st.code, ki.code, COUNT(*)
        {measures_of_region}
        {join} {table(Assignment)} asg ON asg.measure_id = me.id
        {join} {table(Evidence)} ev ON ev.assignment_id = asg.id
        JOIN {table(EvidenceKind)} ki ON ki.id = ev.kind_id
        {labels}
        {where}
          AND asg.status = %s AND (asg.due_date BETWEEN %s AND %s OR asg.due_date IS NULL)
        GROUP BY ow.municipality_id, di.code, st.code, ki.code
        UNION ALL
        SELECT 'm', ow.municipality_id, di.code, st.code, '', COUNT(*)
        {measures_of_region}
        {labels}
        {where}
        GROUP BY ow.municipality_id, di.code, st.code
    """
    roadmap_filter = [region, Roadmap.Status.APPROVED, Roadmap.Level.MUNICIPAL, end, start]
    params = [*roadmap_filter, Assignment.Status.ACCEPTED, start, end, *roadmap_filter]
    measures, evidence = {}, defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for what, m, d, s, kind, n in cursor.fetchall():
            if what == "m":
                measures[(m, d, s)] = n
            else:
                evidence[(m, d, s)][kind] = n
    return measures, dict(evidence)


# --- Measuring -----------------------------------------------------------------------------------


def median_time(action, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def queries_of(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def peak_memory(action) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def check(ids: list[int], measures: dict, evidence: dict) -> tuple[int, Counter]:
    """Fail loudly unless the baseline, the product's bulk reads and a plain ORM count agree, and
    unless the region's cells are a mix of statuses. Returns the evidence counted, cells by status."""
    facts = selectors.facts_read(ids, YEAR, detail=False)
    product_measures = {key: n for key, n in facts.measures.items() if n}
    product_evidence = {key: dict(by_kind) for key, by_kind in facts.evidence.items() if by_kind}
    orm_evidence = Evidence.objects.filter(
        assignment__status=Assignment.Status.ACCEPTED,
        assignment__measure__stage__isnull=False,
        assignment__measure__section__direction__isnull=False,
        assignment__measure__section__roadmap__status=Roadmap.Status.APPROVED,
        assignment__measure__section__roadmap__level=Roadmap.Level.MUNICIPAL,
        assignment__measure__section__roadmap__owner__municipality__region=REGION,
        assignment__measure__section__roadmap__period_start__lte=END,
        assignment__measure__section__roadmap__period_end__gte=START,
    ).filter(Q(assignment__due_date__range=(START, END)) | Q(assignment__due_date__isnull=True))
    orm_total = orm_evidence.count()
    baseline_total = sum(n for by_kind in evidence.values() for n in by_kind.values())
    product_total = sum(n for by_kind in product_evidence.values() for n in by_kind.values())
    problems = []
    if baseline_total != orm_total:
        problems.append(f"принятых документов: базовый SQL {baseline_total}, ORM {orm_total}")
    if product_total != baseline_total or product_evidence != evidence:
        problems.append(f"документы по ячейкам: продукт {product_total}, базовый SQL {baseline_total}")
    if product_measures != measures:
        problems.append(f"мероприятия: продукт {sum(product_measures.values())}, базовый SQL {sum(measures.values())}")
    # one municipality's records as its page reads them (detail=True): as many as the counts
    one = max(ids, key=lambda m: sum(n for (mm, _d, _s), by_kind in evidence.items() if mm == m
                                     for n in by_kind.values()))  # fmt: skip
    detailed = selectors.facts_read([one], YEAR, detail=True)
    records = sum(len(proofs) for by_kind in detailed.evidence.values() for proofs in by_kind.values())
    expected = sum(n for (m, _d, _s), by_kind in evidence.items() if m == one for n in by_kind.values())
    if records != expected:
        problems.append(f"записи муниципалитета {one}: facts_read(detail=True) {records}, базовый SQL {expected}")
    if baseline_total == 0:
        problems.append("нет ни одного принятого документа")
    statuses = Counter()
    catalogue = selectors.Catalogue.read()
    for municipality in Municipality.objects.filter(pk__in=ids):
        cells, *_totals = selectors._score(catalogue, facts, municipality, YEAR)
        statuses.update(cell.status for cell in cells.values() if cell.rule)
    if not statuses[selectors.PARTIAL] or not statuses[selectors.FULL] or not statuses[selectors.NONE]:
        problems.append(f"ячейки региона одного вида: {dict(statuses)}")
    if problems:
        sys.exit("ПРОВЕРКА НЕ ПРОЙДЕНА: " + "; ".join(problems))
    return baseline_total, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=40)
    parser.add_argument("--schools", type=int, default=30, help="школ в муниципалитете")
    parser.add_argument("--assignments", type=int, default=200_000, help="назначений всего")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with open(os.devnull, "w") as devnull:
        call_command("migrate", verbosity=0, stdout=devnull)
    catalogue_load()
    indicators_load()
    started = time.perf_counter()
    with transaction.atomic():
        clear()
        data = generate(municipalities=args.municipalities, schools=args.schools, assignments=args.assignments)
    analyse()
    generated = time.perf_counter() - started
    municipalities = data["municipalities"]
    ids = [m.pk for m in municipalities]
    accepted = Assignment.objects.filter(
        organization__municipality__region=REGION, status=Assignment.Status.ACCEPTED
    ).count()
    where = f"SQLite {DB}" if DB else f"PostgreSQL {connection.settings_dict['NAME']}"
    print(f"База: {where}; медиана из {args.repeat} прогонов")
    print(
        f"Данные ({generated:.1f} с): {len(municipalities)} муниципалитетов, {data['schools']} школ, "
        f"{data['measures']} мероприятий, {args.assignments} назначений ({accepted} принято), "
        f"{data['evidence']} документов, {data['indicator values']} значений показателей, "
        f"{data['zonings']} методик зонирования"
    )

    # the municipality with the most measures: the heaviest page
    heaviest = Counter(
        Measure.objects.filter(section__roadmap__owner__municipality__in=ids).values_list(
            "section__roadmap__owner__municipality_id", flat=True
        )
    ).most_common(1)[0][0]
    one = next(m for m in municipalities if m.pk == heaviest)

    def region():
        return selectors.region_table_compute(REGION, YEAR)

    def region_facts():
        return selectors.facts_read(ids, YEAR, detail=False)

    def matrix():
        return selectors.matrix_compute(one, YEAR)

    def plain():
        return baseline(REGION, YEAR)

    measures, evidence = plain()
    counted, statuses = check(ids, measures, evidence)

    rows = []
    for label, action in (
        (f"(a) region_table_compute: {len(ids)} муниципалитетов", region),
        ("(a') facts_read(detail=False): их факты за год", region_facts),
        (f"(b) matrix_compute: {one.name}, с записями", matrix),
        ("(c) базовый: один SQL (UNION ALL), fetchall", plain),
    ):
        action()  # warm-up: the catalogue, the connection, the database's pages
        seconds, result = median_time(action, args.repeat)
        rows.append((label, seconds, queries_of(action), peak_memory(action), result))

    base = rows[-1][1]
    print(f"\n{'':50} {'медиана, мс':>12} {'× базовый':>10} {'запросов':>9} {'пик памяти':>11}")
    for label, seconds, queries, peak, _result in rows:
        print(f"{label:50} {seconds * 1000:12.1f} {seconds / base:10.1f} {queries:9d} {peak / 2**20:9.1f} МБ")

    table_ = rows[0][4]
    points = [row.overall.points for row in table_.rows]
    most = table_.rows[0].overall.max_points
    one_matrix = rows[2][4]
    proofs = sum(len(check_.proofs) for cell in one_matrix.cells.values() for check_ in cell.checks)
    print(
        f"\nПроверка: принятых документов за {academic_year_label(YEAR)} в счёте {counted} — совпадает у базового "
        f"SQL, ORM и facts_read; мероприятий {sum(measures.values())}."
    )
    print(
        f"Ячейки региона: полностью {statuses[selectors.FULL]}, частично {statuses[selectors.PARTIAL]}, "
        f"нет {statuses[selectors.NONE]}; баллы муниципалитетов {min(points)}…{max(points)} из {most}."
    )
    print(
        f"Матрица «{one.name}»: {one_matrix.overall.points} из {one_matrix.overall.max_points} баллов, "
        f"{proofs} записей за ячейками."
    )


if __name__ == "__main__":
    main()
