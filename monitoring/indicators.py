"""Computation of the indicators of monitoring/data/indicators.yaml from assessment results.

Everything heavy happens in the database, in one statement: the year's student rows are counted
with COUNT(*) FILTER (WHERE …) at the grain (procedure, organisation, class), one grouped scan
per kind of procedure; imported per-school statistics (format B) join where an organisation has
no rows; the rollups follow from that small table (class, subject × grade, whole school, and the
municipality from the POOLED counts: Σ numerators / Σ denominators, never a mean of school
percentages); and every indicator that is a ratio of two counts is expanded and inserted by
INSERT … SELECT. Numerator and denominator are kept beside the value; a zero denominator gives a
NULL value, shown as «нет данных». The few values that need more than counts (the cohort matched
by participant code, reported data, the year-on-year dynamics, the ШНРО/ШНСУ share) follow.

Raw SQL rather than the ORM here because the rollups and the ratio expansion read more clearly
as SQL, and because the values never have to travel to Python and back (a hundred thousand rows).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from config.lib.copy import rows_insert
from config.lib.fragments import INDICATORS, versions_bump
from config.lib.preconditions import require
from monitoring import preconditions
from monitoring.inschool.stats import task_stats_compute
from monitoring.models import (
    Assessment,
    EgeMinScore,
    IdentificationEntry,
    IdentificationList,
    IndicatorDefinition,
    IndicatorValue,
    ReportedValue,
    SchoolStat,
    StudentResult,
)
from schools.models import Municipality, Organization

# The counters every aggregate produces; each indicator is a ratio of two of them.
COUNTERS = (
    "n_mark", "m2", "m3", "m4", "m5",
    "n_both", "lowered", "raised", "confirmed", "significant",
    "n_level", "below_base", "above_base", "cg_n", "cg_base", "rest_n", "rest_base",
    "n_test", "over_60", "below_min",
)  # fmt: skip


# The counters as SQL over one student row (r) joined to its procedure (a) and the year's
# minimum ЕГЭ score of its subject (m), each as COUNT(*) FILTER (WHERE …) (PostgreSQL, and
# SQLite ≥ 3.30); NULL comparisons are false, so absent participants count nowhere.
ROW_COUNTERS = {
    "n_mark": "r.mark IS NOT NULL",
    "m2": "r.mark = 2",
    "m3": "r.mark = 3",
    "m4": "r.mark = 4",
    "m5": "r.mark = 5",
    "n_both": "r.mark IS NOT NULL AND r.journal_mark IS NOT NULL",
    # «понизил»: the ВПР mark is below the journal mark; «повысил»: above it
    "lowered": "r.mark < r.journal_mark",
    "raised": "r.mark > r.journal_mark",
    "confirmed": "r.mark = r.journal_mark",
    "significant": "(r.mark - r.journal_mark >= 2 OR r.journal_mark - r.mark >= 2)",
    "n_level": "r.level <> ''",
    "below_base": "r.level IN ('insufficient', 'low')",
    "above_base": "r.level = 'high'",
    "cg_n": "r.control_group AND r.level <> ''",
    "cg_base": "r.control_group AND r.level IN ('base', 'high')",
    "rest_n": "NOT r.control_group AND r.level <> ''",
    "rest_base": "NOT r.control_group AND r.level IN ('base', 'high')",
    "n_test": "r.test_score IS NOT NULL",
    "over_60": "r.test_score > 60",
    "below_min": "r.test_score < m.min_score",
}
# The same counters from an imported per-school statistic (format B), used only where the
# organisation has no student rows for that procedure.
STAT_COUNTERS = {
    "n_mark": "s.mark_2 + s.mark_3 + s.mark_4 + s.mark_5",
    "m2": "s.mark_2", "m3": "s.mark_3", "m4": "s.mark_4", "m5": "s.mark_5",
    "n_both": "s.with_journal", "lowered": "s.lowered", "raised": "s.raised", "confirmed": "s.confirmed",
    "significant": "s.significant_mismatch",
    "n_level": "s.level_insufficient + s.level_low + s.level_base + s.level_high",
    "below_base": "s.level_insufficient + s.level_low", "above_base": "s.level_high",
    "cg_n": "0", "cg_base": "0", "rest_n": "0", "rest_base": "0",
    "n_test": "CASE WHEN s.mean_test IS NOT NULL THEN s.participants ELSE 0 END",
    "over_60": "s.over_60", "below_min": "s.below_min",
}  # fmt: skip
COUNTERS = tuple(ROW_COUNTERS)


KIND_COUNTERS = {
    "vpr": ("n_mark", "m2", "m3", "m4", "m5", "n_both", "lowered", "raised", "confirmed", "significant"),
    "oge": ("n_mark", "m2", "m3", "m4", "m5"),
    "ege": ("n_mark", "m2", "m3", "m4", "m5", "n_test", "over_60", "below_min"),
    "kdr": ("n_level", "below_base", "above_base", "cg_n", "cg_base", "rest_n", "rest_base"),
    "niko": ("n_mark", "m2", "m3", "m4", "m5"),
}  # the kinds the indicators use; regional procedures have no indicator yet


def _in_scope(municipality_ids: list[int] | None, column: str = "municipality_id") -> str:
    """« AND municipality_id IN (1,2,3)» for a scope of municipalities, nothing for all of them:
    primary keys written as integers, so no placeholder list to keep in step with the parameters."""
    if municipality_ids is None:
        return ""
    return f" AND {column} IN ({','.join(str(int(pk)) for pk in municipality_ids) or 'NULL'})"


def _aggregate_sql(
    *,
    year: int,
    municipality_ids: list[int] | None,
    kind_ids: dict[str, list[int]],
    base_math_ids: list[int],
) -> tuple[str, list]:
    """One scan of the year's student rows at the grain (procedure, organisation), with the imported
    statistics added where there are no rows; then, from that small table, the rollups: subject ×
    grade slices, whole school by kind and base mathematics, and the same for the municipality from
    the pooled counts. Values of single classes are not stored: no page reads them (a class is a
    small group, left out of every table and export), and «Анализ в школе» counts its classes from
    the school's own rows when it is opened."""
    r_, s_, o_ = StudentResult._meta.db_table, SchoolStat._meta.db_table, Organization._meta.db_table
    a_, m_ = Assessment._meta.db_table, EgeMinScore._meta.db_table
    stat_counts = ", ".join(f"{expr} AS {name}" for name, expr in STAT_COUNTERS.items())
    sums = ", ".join(f"CAST(SUM({name}) AS BIGINT)" for name in COUNTERS)  # PostgreSQL: SUM(bigint) is numeric
    # a procedure is one (kind, year, subject, grade) and an organisation has either its rows or its
    # imported statistic for it: `fine` has one row per (procedure, organisation), taken as it is
    plain = ", ".join(COUNTERS)
    scope = ""
    if municipality_ids is not None:
        scope = f" AND {{alias}}.organization_id IN (SELECT id FROM {o_} WHERE TRUE{_in_scope(municipality_ids)})"
    base = ",".join(str(int(pk)) for pk in base_math_ids) or "NULL"
    # One grouped scan per kind of procedure, each evaluating only the counters its indicators use
    # (a ВПР row is never asked about levels): less than half the work of all counters on all rows.
    # A kind with no procedure this year is not scanned; the others name their procedures, so a
    # small kind (ЕГЭ) is read through the (assessment, organisation) index, not by a full scan.
    selects, params = [], []
    for kind, used in KIND_COUNTERS.items():
        if not kind_ids.get(kind):
            continue
        ids = ",".join(str(int(pk)) for pk in kind_ids[kind])
        counts = ", ".join(
            f"COUNT(*) FILTER (WHERE {ROW_COUNTERS[name]}) AS {name}" if name in used else f"0 AS {name}"
            for name in COUNTERS
        )
        min_join = f" LEFT JOIN {m_} m ON m.year = a.year AND m.subject = a.subject" if "below_min" in used else ""
        selects.append(
            f"""SELECT r.assessment_id, r.organization_id, {counts}
        FROM {r_} r JOIN {a_} a ON a.id = r.assessment_id{min_join}
        WHERE r.year = %s AND r.assessment_id IN ({ids}) AND a.year = %s AND a.kind = '{kind}'{scope.format(alias="r")}
        GROUP BY r.assessment_id, r.organization_id"""
        )  # r.year: only the year's partition is read (PostgreSQL)
        params += [year, year]
    params += [year, year]
    sql = f"""
    fine AS (
        {"".join(select + " UNION ALL " for select in selects)}
        SELECT s.assessment_id, s.organization_id, {stat_counts}
        FROM {s_} s JOIN {a_} a ON a.id = s.assessment_id
        WHERE a.year = %s AND s.source = 'imported'{scope.format(alias="s")}
          AND NOT EXISTS (SELECT 1 FROM {r_} x WHERE x.year = %s AND x.assessment_id = s.assessment_id AND x.organization_id = s.organization_id)
    ), g AS (
        SELECT o.municipality_id, f.organization_id, a.kind, a.subject, a.grade,
               CASE WHEN a.id IN ({base}) THEN 1 ELSE 0 END AS base_math, {", ".join("f." + n for n in COUNTERS)}
        FROM fine f JOIN {a_} a ON a.id = f.assessment_id JOIN {o_} o ON o.id = f.organization_id
        WHERE o.municipality_id IS NOT NULL
    ), roll AS (
    SELECT municipality_id, organization_id, kind, subject, grade, {plain}
        FROM g
    UNION ALL SELECT municipality_id, organization_id, kind, '', NULL, {sums}
        FROM g GROUP BY municipality_id, organization_id, kind
    UNION ALL SELECT municipality_id, organization_id, '{BASE_MATH_KIND}', '', NULL, {sums}
        FROM g WHERE base_math = 1 GROUP BY municipality_id, organization_id
    UNION ALL SELECT municipality_id, NULL, kind, subject, grade, {sums}
        FROM g GROUP BY municipality_id, kind, subject, grade
    UNION ALL SELECT municipality_id, NULL, kind, '', NULL, {sums}
        FROM g GROUP BY municipality_id, kind
    UNION ALL SELECT municipality_id, NULL, '{BASE_MATH_KIND}', '', NULL, {sums}
        FROM g WHERE base_math = 1 GROUP BY municipality_id
    )"""
    return sql, params


def _counter_expr(name: str) -> str:
    if name in DERIVED:
        return "(" + " + ".join(f"roll.{part}" for part in DERIVED[name]) + ")"
    return f"roll.{name}"


def _insert_sql(*, ctes: str, definitions: dict, base_subjects: list[str]) -> tuple[str, list]:
    """The ratios expanded and written inside the database: every rollup row joined to the
    ratios of its kind (a VALUES table), numerator and denominator kept, the share computed where
    the denominator is not zero. Nothing crosses to Python but the statement.

    The rows are written in the order of the value table's indexes (municipality, organisation,
    indicator): each index then grows page by page instead of at random places all over it, which
    at a country's millions of values no longer fit in the database's buffers (measured at 15
    million results: the statement took 55–57 s instead of 67–71 s)."""
    json_object, json_array = (
        ("json_build_object", "json_build_array")
        if connection.vendor == "postgresql"
        else ("json_object", "json_array")
    )
    defs, params = [], []
    for code, ratio in RATIOS.items():
        if code not in definitions or code == "vpr_mark_distribution":
            continue
        pk = int(definitions[code].pk)
        for kind in ratio.kinds:
            defs.append(
                f"({pk}, '{kind}', '{ratio.numerator}', '{ratio.denominator}', {int(bool(ratio.only_subject))})"
            )
        if ratio.only_subject:  # the whole school: only the base-mathematics procedures
            defs.append(f"({pk}, '{BASE_MATH_KIND}', '{ratio.numerator}', '{ratio.denominator}', 0)")
    names = list(COUNTERS) + list(DERIVED)
    num = "CASE d.num " + " ".join(f"WHEN '{n}' THEN {_counter_expr(n)}" for n in names) + " END"
    den = "CASE d.den " + " ".join(f"WHEN '{n}' THEN {_counter_expr(n)}" for n in names) + " END"
    subjects = ", ".join(["%s"] * len(base_subjects)) or "NULL"
    params += base_subjects
    parts = [
        f"""SELECT p.indicator_id, p.municipality_id, p.organization_id, p.subject, p.grade, '', p.num, p.den,
               CASE WHEN p.den > 0 THEN p.num * 100.0 / p.den END, '{{}}'
            FROM (SELECT d.indicator_id, roll.municipality_id, roll.organization_id, roll.subject, roll.grade,
                         {num} AS num, {den} AS den
                  FROM roll JOIN defs d ON d.kind = roll.kind
                   AND (d.base_only = 0 OR roll.subject IN ({subjects}))) p"""
    ]
    if "vpr_mark_distribution" in definitions:
        parts.append(
            f"""SELECT {int(definitions["vpr_mark_distribution"].pk)}, municipality_id, organization_id, subject, grade, '',
                   n_mark, n_mark, CASE WHEN n_mark > 0 THEN 100.0 END,
                   {json_object}('2', m2, '3', m3, '4', m4, '5', m5)
                FROM roll WHERE kind = 'vpr'"""
        )
    if "kdr_control_gap" in definitions:
        # | share of base or above among the rest − that in the control group |, in p.p.; only where
        # the organisation (or, pooled, the municipality) has a control group
        parts.append(
            f"""SELECT {int(definitions["kdr_control_gap"].pk)}, municipality_id, organization_id, subject, grade, '',
                   NULL, cg_n,
                   CASE WHEN cg_n > 0 AND rest_n > 0 THEN ABS(rest_base * 100.0 / rest_n - cg_base * 100.0 / cg_n) END,
                   {json_object}('control_group', {json_array}(cg_base, cg_n), 'rest', {json_array}(rest_base, rest_n))
                FROM roll WHERE kind = 'kdr'"""
        )
    table = IndicatorValue._meta.db_table
    sql = f"""
    WITH defs(indicator_id, kind, num, den, base_only) AS (VALUES {", ".join(defs)}), {ctes}
    INSERT INTO {table} (indicator_id, municipality_id, organization_id, subject, grade, class_name, numerator,
                         denominator, value, details, year, computed_at)
    SELECT x.*, %s, %s FROM ({" UNION ALL ".join(parts)}) x
    ORDER BY 2, 3, 1
    """
    return sql, params


@dataclass(frozen=True)
class Ratio:
    numerator: str
    denominator: str
    kinds: tuple[str, ...]
    only_subject: str = ""  # a substring of the subject (lower case), e.g. «базов» for base mathematics


K = Assessment.Kind
RATIOS: dict[str, Ratio] = {
    "vpr_share_2": Ratio("m2", "n_mark", (K.VPR,)),
    "vpr_share_45": Ratio("m45", "n_mark", (K.VPR,)),
    "vpr_mark_distribution": Ratio("n_mark", "n_mark", (K.VPR,)),
    "vpr_journal_mismatch": Ratio("mismatch", "n_both", (K.VPR,)),
    "vpr_lowered": Ratio("lowered", "n_both", (K.VPR,)),
    "vpr_raised": Ratio("raised", "n_both", (K.VPR,)),
    "vpr_confirmed": Ratio("confirmed", "n_both", (K.VPR,)),
    "vpr_significant_mismatch": Ratio("significant", "n_both", (K.VPR,)),
    "kdr_below_base": Ratio("below_base", "n_level", (K.KDR,)),
    "kdr_above_base": Ratio("above_base", "n_level", (K.KDR,)),
    "oge_share_2": Ratio("m2", "n_mark", (K.OGE,)),
    "oge_share_45": Ratio("m45", "n_mark", (K.OGE,)),
    "ege_below_min": Ratio("below_min", "n_test", (K.EGE,)),
    "ege_over_60": Ratio("over_60", "n_test", (K.EGE,)),
    "ege_base_math_45": Ratio("m45", "n_mark", (K.EGE,), only_subject="базов"),
    "niko_share_2": Ratio("m2", "n_mark", (K.NIKO,)),
    "niko_share_45": Ratio("m45", "n_mark", (K.NIKO,)),
}
BASE_MATH = "базов"
BASE_MATH_KIND = "ege_base_math"  # a pseudo-kind grouping only the base-mathematics procedures
DERIVED = {"m45": ("m4", "m5"), "mismatch": ("lowered", "raised")}


def share(numerator: float | None, denominator: float | None) -> float | None:
    """Percent, full precision; None («нет данных») when the denominator is zero or missing."""
    if not denominator or numerator is None:
        return None
    return numerator * 100.0 / denominator


@dataclass
class ComputeSummary:
    year: int
    municipalities: int = 0
    values: int = 0
    with_data: int = 0

    def as_dict(self) -> dict:
        return {
            "год": self.year,
            "муниципалитетов": self.municipalities,
            "значений": self.values,
            "с данными": self.with_data,
        }


def indicators_compute(*, year: int, municipality=None, progress: Callable | None = None) -> ComputeSummary:
    """Compute every indicator for the academic year (2024 = 2023/2024) for one municipality or
    for all, replacing the values stored before. Called by the import after each import (as a
    Celery job), by the page «Пересчитать» and by `manage.py compute_indicators --year`.
    Refused with PreconditionError while the indicator catalogue (or a ЕГЭ year's minimum scores)
    is missing: the SQL is built from the catalogue.

    One municipality is one transaction. All of them on PostgreSQL, called outside a transaction
    (a job, the command), are split into settings.INDICATORS_PARALLEL groups of municipalities
    computed at once on their own connections, each group one transaction: a single INSERT …
    SELECT never runs in parallel in PostgreSQL, and writing millions of values is most of the
    work at a region's or a country's scale. A municipality's values are replaced whole or not at
    all either way."""
    require(preconditions.indicator_catalogue(), preconditions.ege_min_scores(year))
    report = progress or (lambda *args, **kwargs: None)
    municipality_id = getattr(municipality, "pk", municipality)
    report(0, 5, "Подсчёт результатов")
    groups = [[municipality_id]] if municipality_id else _parallel_groups()
    if len(groups) == 1:
        with transaction.atomic():
            _scope_compute(year=year, municipality_ids=groups[0], report=report)
    else:
        done = 0
        with ThreadPoolExecutor(max_workers=len(groups)) as pool:
            for _ in as_completed(pool.submit(_group_compute, year=year, municipality_ids=ids) for ids in groups):
                done += 1
                report(1 + done * 3 // len(groups), 5, f"Рассчитано групп муниципалитетов: {done} из {len(groups)}")
    # Pages that compare with the values (a roadmap's targets) are cached until they change.
    versions_bump(INDICATORS)
    transaction.on_commit(lambda: versions_bump(INDICATORS))
    report(5, 5, "Готово")
    stored = IndicatorValue.objects.filter(year=year)
    if municipality_id:
        stored = stored.filter(municipality_id=municipality_id)
    # counted in the database: sqlite3 reports no rowcount for an INSERT that starts with WITH; the
    # municipalities by an index probe each, not by a distinct count over millions of values
    totals = stored.aggregate(values=Count("pk"), with_data=Count("value"))
    places = Municipality.objects.filter(Exists(stored.filter(municipality_id=OuterRef("pk"))))
    return ComputeSummary(year=year, municipalities=places.count(), **totals)


def _parallel_groups() -> list[list[int] | None]:
    """[None] (all municipalities in one statement) unless the work can be split: PostgreSQL, no
    transaction around the call (a group must commit on its own connection) and more than one
    municipality. Groups are balanced by their number of schools, largest first."""
    workers = settings.INDICATORS_PARALLEL
    if workers < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return [None]
    sizes = (
        Organization.objects.filter(municipality__isnull=False)
        .values("municipality_id")
        .annotate(schools=Count("pk"))
        .order_by("-schools", "municipality_id")
    )
    groups: list[list[int]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for row in sizes:
        lightest = loads.index(min(loads))
        groups[lightest].append(row["municipality_id"])
        loads[lightest] += row["schools"]
    groups = [group for group in groups if group]
    return groups if len(groups) > 1 else [None]


def _group_compute(*, year: int, municipality_ids: list[int]) -> None:
    """One group on this thread's own connection, in its own transaction."""
    try:
        with transaction.atomic():
            _scope_compute(year=year, municipality_ids=municipality_ids, report=lambda *args, **kwargs: None)
    finally:
        connection.close()


def _scope_compute(*, year: int, municipality_ids: list[int] | None, report: Callable) -> None:
    """The year's values of these municipalities (None: all), replaced inside the caller's transaction."""
    definitions = {d.code: d for d in IndicatorDefinition.objects.all()}
    organizations = Organization.objects.filter(municipality__isnull=False)
    stale = IndicatorValue.objects.filter(year=year)
    if municipality_ids is not None:
        organizations = organizations.filter(municipality_id__in=municipality_ids)
        stale = stale.filter(municipality_id__in=municipality_ids)
    org_municipality = dict(organizations.values_list("pk", "municipality_id"))
    assessments = {a.pk: a for a in Assessment.objects.filter(year=year)}

    base_math = {pk: a.subject for pk, a in assessments.items() if a.kind == K.EGE and BASE_MATH in a.subject.lower()}
    kind_ids: dict[str, list[int]] = defaultdict(list)
    for pk, assessment in assessments.items():
        kind_ids[assessment.kind].append(pk)
    ctes, cte_params = _aggregate_sql(
        year=year,
        municipality_ids=municipality_ids,
        kind_ids=kind_ids,
        base_math_ids=list(base_math),
    )
    sql, subject_params = _insert_sql(ctes=ctes, definitions=definitions, base_subjects=sorted(set(base_math.values())))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    stale._raw_delete(stale.db)  # no cascades or signals hang on values: one DELETE statement
    report(1, 5, "Расчёт показателей")
    with connection.cursor() as cursor:
        postgresql = connection.vendor == "postgresql"
        if postgresql:
            # the grouping of a million rows fits in memory instead of spilling to disk; the plan
            # is not compiled (JIT): at ten million rows compiling it costs more than it saves
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
            if not connection.savepoint_ids:
                # our own transaction holds only derived values, recomputable at any time: its
                # commit need not wait for the disk (never so inside a caller's, e.g. an import's)
                cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(sql, [*cte_params, year, now, *subject_params])  # in the order of the placeholders
        if postgresql:
            cursor.execute("SET LOCAL work_mem = DEFAULT")
            cursor.execute("SET LOCAL jit = DEFAULT")
    values: list[Row] = []

    report(3, 5, "Динамика и сопоставление по коду участника")
    values += _cohort_kept(definitions.get("kdr_cohort_kept"), year, assessments, org_municipality, municipality_ids)
    values += _reported(definitions, year, municipality_ids, org_municipality)
    _dynamics(definitions, year, municipality_ids, now)
    values += _lowres_dynamics(definitions.get("lowres_positive_dynamics"), year, organizations)
    report(4, 5, "Сохранение значений")
    _bulk_insert(values)
    # The per-task sums of each school for the page «Анализ в школе» (its municipality comparison).
    task_stats_compute(year=year, municipality_ids=municipality_ids)


class Row:
    """A computed value before it is written: a light stand-in for IndicatorValue (a hundred
    thousand model instances would cost more than the SQL that counted them)."""

    __slots__ = (
        "indicator", "year", "municipality_id", "organization_id", "subject", "grade", "class_name",
        "numerator", "denominator", "value", "details",
    )  # fmt: skip

    def __init__(
        self, *, indicator, year, municipality_id, organization_id, subject, grade, class_name, numerator,
        denominator, value, details,
    ):  # fmt: skip
        self.indicator, self.year, self.municipality_id, self.organization_id = (
            indicator,
            year,
            municipality_id,
            organization_id,
        )
        self.subject, self.grade, self.class_name = subject, grade, class_name
        self.numerator, self.denominator, self.value, self.details = numerator, denominator, value, details

    @property
    def indicator_id(self) -> int:
        return self.indicator.pk

    @property
    def is_whole(self) -> bool:
        return not self.subject and self.grade is None and not self.class_name


def _value(definition, year, muni, org, subject, grade, class_name, numerator, denominator, details=None):
    return Row(
        indicator=definition,
        year=year,
        municipality_id=muni,
        organization_id=org,
        subject=subject or "",
        grade=grade,
        class_name=class_name or "",
        numerator=numerator,
        denominator=denominator,
        value=share(numerator, denominator),
        details=details or {},
    )


def _cohort_kept(definition, year, assessments, org_municipality, municipality_ids=None) -> list[IndicatorValue]:
    """The same children (by participant code) in the 6th-grade КДР «Читательская грамотность» of
    this year and the 4th-grade one of any earlier year: share whose level kept or rose."""
    if definition is None:
        return []
    sixth = [pk for pk, a in assessments.items() if a.kind == K.KDR and a.grade == 6 and "читат" in a.subject.lower()]
    earlier = Assessment.objects.filter(kind=K.KDR, grade=4, year__lt=year).values_list("pk", "subject")
    fourth = [pk for pk, subject in earlier if "читат" in subject.lower()]
    if not sixth or not fourth:
        return []
    table = StudentResult._meta.db_table
    # a group of municipalities (a parallel recomputation) matches only its own sixth-graders
    scope = ""
    if municipality_ids is not None:
        o_ = Organization._meta.db_table
        scope = f" AND r6.organization_id IN (SELECT id FROM {o_} WHERE TRUE{_in_scope(municipality_ids)})"
    rank = "CASE {col} WHEN 'insufficient' THEN 0 WHEN 'low' THEN 1 WHEN 'base' THEN 2 WHEN 'high' THEN 3 END"
    sql = f"""
        SELECT r6.organization_id, COUNT(*),
               SUM(CASE WHEN {rank.format(col="r6.level")} >= {rank.format(col="r4.level")} THEN 1 ELSE 0 END)
        FROM {table} r6 JOIN {table} r4 ON r4.participant_code = r6.participant_code
        WHERE r6.assessment_id IN ({",".join(["%s"] * len(sixth))})
          AND r4.assessment_id IN ({",".join(["%s"] * len(fourth))})
          AND r6.participant_code <> '' AND r6.level <> '' AND r4.level <> ''{scope}
        GROUP BY r6.organization_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sixth, *fourth])
        rows = cursor.fetchall()
    pooled: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    values = []
    for org, total, kept in rows:
        muni = org_municipality.get(org)
        if muni is None:
            continue
        values.append(_value(definition, year, muni, org, "", None, "", kept or 0, total))
        pooled[muni][0] += kept or 0
        pooled[muni][1] += total
    values += [
        _value(definition, year, muni, None, "", None, "", kept, total) for muni, (kept, total) in pooled.items()
    ]
    return values


def _reported(definitions, year, municipality_ids, org_municipality) -> list[IndicatorValue]:
    """Reported values of the year's campaigns: ratios in percent, numbers as they are, yes/no as
    100 / 0 (the municipality: share of organisations answering «да»)."""
    reported = ReportedValue.objects.filter(campaign__year=year, indicator__source=IndicatorDefinition.Source.REPORTED)
    if municipality_ids is not None:
        reported = reported.filter(campaign__municipality_id__in=municipality_ids)
    latest: dict[tuple, ReportedValue] = {}
    for item in reported.select_related("indicator").order_by("submitted_at"):
        latest[(item.indicator_id, item.organization_id)] = item  # a later campaign's answer wins
    values, pooled = [], defaultdict(lambda: [0, 0])
    for item in latest.values():
        definition, muni = item.indicator, org_municipality.get(item.organization_id)
        if muni is None:
            continue
        if definition.form_kind == IndicatorDefinition.FormKind.YES_NO:
            if item.yes_no is None:
                continue
            numerator, denominator = int(item.yes_no), 1
        elif definition.form_kind == IndicatorDefinition.FormKind.NUMBER:
            if item.numerator is None:
                continue
            value = _value(definition, year, muni, item.organization_id, "", None, "", item.numerator, None)
            value.value = float(item.numerator)
            values.append(value)
            pooled[(definition.pk, muni)][0] += item.numerator
            pooled[(definition.pk, muni)][1] = None
            continue
        else:
            numerator, denominator = item.numerator, item.denominator
            if numerator is None or denominator is None:
                continue
        values.append(_value(definition, year, muni, item.organization_id, "", None, "", numerator, denominator))
        pooled[(definition.pk, muni)][0] += numerator
        pooled[(definition.pk, muni)][1] += denominator
    by_pk = {d.pk: d for d in definitions.values()}
    for (pk, muni), (numerator, denominator) in pooled.items():
        value = _value(by_pk[pk], year, muni, None, "", None, "", numerator, denominator)
        if denominator is None:
            value.value = float(numerator)
        values.append(value)
    return values


def _dynamics(definitions, year, municipality_ids, now) -> int:
    """vpr_share_2 of this year minus that of the previous year, same organisation, subject and
    grade, in p.p.; written by one INSERT … SELECT from the values just stored."""
    if "vpr_share_2_dynamics" not in definitions or "vpr_share_2" not in definitions:
        return 0
    table = IndicatorValue._meta.db_table
    json_object = "json_build_object" if connection.vendor == "postgresql" else "json_object"
    scope = _in_scope(municipality_ids)
    # COALESCE instead of IS NOT DISTINCT FROM: an equality the database can hash-join on
    sql = f"""
    INSERT INTO {table} (indicator_id, municipality_id, organization_id, subject, grade, class_name, numerator,
                         denominator, value, details, year, computed_at)
    SELECT %s, c.municipality_id, c.organization_id, c.subject, c.grade, '', NULL, NULL,
           CASE WHEN c.value IS NOT NULL AND p.value IS NOT NULL THEN c.value - p.value END,
           {json_object}('current', c.value, 'previous', p.value), %s, %s
    FROM (SELECT * FROM {table} WHERE indicator_id = %s AND year = %s AND class_name = ''{scope}) c
    LEFT JOIN (SELECT * FROM {table} WHERE indicator_id = %s AND year = %s AND class_name = ''{scope}) p
      ON p.municipality_id = c.municipality_id AND COALESCE(p.organization_id, 0) = COALESCE(c.organization_id, 0)
     AND p.subject = c.subject AND COALESCE(p.grade, 0) = COALESCE(c.grade, 0)
    ORDER BY 2, 3
    """
    share_2 = definitions["vpr_share_2"].pk
    params = [definitions["vpr_share_2_dynamics"].pk, year, now, share_2, year, share_2, year - 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


LOWRES_INDICATORS = ("oge_share_2", "ege_below_min", "kdr_below_base")  # lower is better for each


def _lowres_dynamics(definition, year, organizations) -> list[Row]:
    """Share of ШНРО/ШНСУ schools whose whole-school ОГЭ «2», ЕГЭ below-minimum or КДР below-base
    share fell since the previous year (any of the three). The schools are those of the year's
    approved identification list (monitoring.identification) in a municipality that identifies them
    so, and the registry's flags in one that never approved a list."""
    if definition is None:
        return []
    entries = IdentificationEntry.objects.filter(
        listing__year=year, listing__status=IdentificationList.Status.APPROVED, organization__in=organizations
    )
    # A municipality that identifies by an approved method has its year's list or none (the flags are
    # the latest year's); only one that never did falls back to the registry's flags.
    identified = set(
        IdentificationList.objects.filter(status=IdentificationList.Status.APPROVED)
        .values_list("municipality_id", flat=True)
        .distinct()
    )
    listed_by_muni: dict[int, set[int]] = defaultdict(set)
    for pk, muni in entries.filter(Q(low_results=True) | Q(unfavourable_conditions=True)).values_list(
        "organization_id", "listing__municipality_id"
    ):
        listed_by_muni[muni].add(pk)
    flagged = organizations.filter(Q(low_results=True) | Q(unfavourable_conditions=True), kind=Organization.Kind.SCHOOL)
    for pk, muni in flagged.exclude(municipality_id__in=identified).values_list("pk", "municipality_id"):
        listed_by_muni[muni].add(pk)
    listed = [pk for schools in listed_by_muni.values() for pk in schools]
    if not listed_by_muni:
        return []

    def whole_values(of_year):
        return {
            (org, code): value
            for org, code, value in IndicatorValue.objects.filter(
                year=of_year, indicator__code__in=LOWRES_INDICATORS, subject="", grade__isnull=True, class_name="",
                organization__in=listed, value__isnull=False,
            ).values_list("organization_id", "indicator__code", "value")
        }  # fmt: skip

    now, before = whole_values(year), whole_values(year - 1)
    result = []
    for muni, schools in listed_by_muni.items():
        improved = [
            org for org in schools
            if any((org, c) in now and (org, c) in before and now[(org, c)] < before[(org, c)] for c in LOWRES_INDICATORS)
        ]  # fmt: skip
        value = _value(definition, year, muni, None, "", None, "", len(improved), len(schools))
        value.details = {"schools": sorted(improved)}
        result.append(value)
    return result


INSERT_COLUMNS = (
    "indicator_id", "year", "municipality_id", "organization_id", "subject", "grade", "class_name",
    "numerator", "denominator", "value", "details", "computed_at",
)  # fmt: skip


def _bulk_insert(values: Iterable[Row]) -> None:
    """One COPY on PostgreSQL (a hundred thousand rows in about a second); elsewhere bulk_create."""
    now = timezone.now()
    rows_insert(
        IndicatorValue,
        INSERT_COLUMNS,
        (
            (v.indicator.pk, v.year, v.municipality_id, v.organization_id, v.subject, v.grade, v.class_name,
             v.numerator, v.denominator, v.value, v.details or {}, now)
            for v in values
        ),
    )  # fmt: skip
