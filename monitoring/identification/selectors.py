"""Reads of the identification pages: methods, lists, each school's history across years, and the
seven dynamics indicators of direction 1.2 for the identified schools. Every read starts from a
`for_user` queryset."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.shortcuts import get_object_or_404

from monitoring.models import (
    Assessment,
    IdentificationCriterion,
    IdentificationEntry,
    IdentificationList,
    IdentificationMethod,
    IndicatorValue,
)


def methods_for(user, municipality):
    return (
        IdentificationMethod.objects.for_user(user)
        .filter(municipality=municipality)
        .select_related("approval_order")
        .prefetch_related("criteria")
    )


def method_get(user, pk: int) -> IdentificationMethod:
    return get_object_or_404(
        IdentificationMethod.objects.for_user(user).select_related("municipality", "approval_order"), pk=pk
    )


def criterion_get(user, pk: int) -> IdentificationCriterion:
    visible = IdentificationCriterion.objects.filter(method__in=IdentificationMethod.objects.for_user(user))
    return get_object_or_404(visible.select_related("method"), pk=pk)


def lists_for(user, municipality):
    return (
        IdentificationList.objects.for_user(user)
        .filter(municipality=municipality)
        .select_related("method", "approval_order")
        .order_by("-year", "-pk")
    )


def list_get(user, pk: int) -> IdentificationList:
    return get_object_or_404(
        IdentificationList.objects.for_user(user).select_related("method", "municipality", "approval_order"), pk=pk
    )


def subjects() -> list[str]:
    """Subjects of the procedures loaded so far: a criterion's slice is chosen from them."""
    return sorted(set(Assessment.objects.values_list("subject", flat=True)))


def list_entries(listing: IdentificationList, *, only_listed: bool = False):
    entries = listing.entries.select_related("organization").order_by(
        "-low_results", "-unfavourable_conditions", "organization__short_name"
    )
    return entries.filter(low_results=True) | entries.filter(unfavourable_conditions=True) if only_listed else entries


def combination_words(method: IdentificationMethod) -> dict:
    """The combination rule in words, as the pages and the print show it."""
    criteria = list(method.criteria.all())
    results = sum(1 for c in criteria if c.is_results)
    context = len(criteria) - results
    return {
        "results": (
            f"ШНРО — школа, выполнившая не менее {method.results_required} из {results} критериев по результатам"
            if results
            else "Критериев по результатам нет: ШНРО по этой методике не определяются"
        ),
        "context": (
            f"ШНСУ — школа, выполнившая не менее {method.context_required} из {context} контекстных критериев"
            if context
            else "Контекстных критериев нет: ШНСУ по этой методике не определяются"
        ),
        "both": "Школа может быть одновременно ШНРО и ШНСУ; значение, рассчитанное по числу участников "
        f"меньше {method.minimum_participants}, не учитывается.",
    }


def history(user, municipality) -> tuple[list[int], list[dict]]:
    """The approved lists of the municipality by year: (years, rows), a row per school that was ever
    listed, with its status each year («ШНРО», «ШНСУ», «ШНРО и ШНСУ», «—» for not listed, "" for a
    year without an approved list)."""
    lists = list(
        IdentificationList.objects.for_user(user)
        .filter(municipality=municipality, status=IdentificationList.Status.APPROVED)
        .order_by("year")
    )
    years = [listing.year for listing in lists]
    by_year = {listing.pk: listing.year for listing in lists}
    entries = (
        IdentificationEntry.objects.for_user(user)
        .filter(listing__in=lists)
        .select_related("organization")
        .only("listing_id", "organization__short_name", "organization__code", "low_results", "unfavourable_conditions")
    )
    rows: dict[int, dict] = {}
    for entry in entries:
        row = rows.setdefault(entry.organization_id, {"organization": entry.organization, "years": {}})
        row["years"][by_year[entry.listing_id]] = entry
    listed = [row for row in rows.values() if any(e.is_listed for e in row["years"].values())]
    for row in listed:
        row["cells"] = [row["years"].get(year) for year in years]
    listed.sort(key=lambda row: row["organization"].short_name)
    return years, listed


def school_history(user, organization) -> list[IdentificationEntry]:
    """The school's status in each approved list, newest first (a director sees these of their own
    school only; nothing else of identification)."""
    return list(
        IdentificationEntry.objects.for_user(user)
        .filter(organization=organization, listing__status=IdentificationList.Status.APPROVED)
        .select_related("listing__approval_order", "listing__method")
        .order_by("-listing__year")
    )


# --- Direction 1.2: dynamics of the identified schools ------------------------------------------


@dataclass(frozen=True)
class Measure:
    """A value behind a dynamics line: an indicator, a slice (subject by a part of its name, a grade
    or the whole school), which way is better, and whether the complement is shown."""

    indicator: str
    label: str
    subject: str = ""  # a part of the subject's name, lower case; "" — the whole school
    grade: int | None = None
    better: str = "higher"
    complement: bool = False  # 100 − the value: the share «базовый и выше» from «ниже базового»


@dataclass(frozen=True)
class DynamicsLine:
    number: int
    title: str  # the procedure and subject: «ОГЭ по математике»
    measures: tuple[Measure, ...]

    @property
    def indicator_name(self) -> str:
        """The seed's wording of the indicator (seed 004, direction 1.2)."""
        return (
            f"Доля школ, от общего числа школ ШНРО и ШНСУ, достигших положительной динамики в результатах {self.title}"
        )


# The seven indicators of direction 1.2 (seed 004, «1.2.3 по выявлению динамики образовательных
# результатов в школах с низкими результатами обучения и/или …»), each with the values the seed
# lists under it.
DYNAMICS: tuple[DynamicsLine, ...] = (
    DynamicsLine(1, "ОГЭ по математике", (
        Measure("oge_share_45", "доля «4» и «5»", "математ", 9),
        Measure("oge_share_2", "доля «2»", "математ", 9, better="lower"),
    )),
    DynamicsLine(2, "ОГЭ по русскому языку", (
        Measure("oge_share_45", "доля «4» и «5»", "русск", 9),
        Measure("oge_share_2", "доля «2»", "русск", 9, better="lower"),
    )),
    DynamicsLine(3, "ЕГЭ по математике", (
        Measure("ege_base_math_45", "доля «4» и «5» по базовой математике"),
        Measure("ege_over_60", "доля более 60 баллов по профильной математике", "профил"),
        Measure("ege_below_min", "доля не преодолевших минимальный порог по математике", "математ", better="lower"),
    )),
    DynamicsLine(4, "ЕГЭ по русскому языку", (
        Measure("ege_over_60", "доля более 60 баллов", "русск"),
        Measure("ege_below_min", "доля не преодолевших минимальный порог", "русск", better="lower"),
    )),
    DynamicsLine(5, "КДР по читательской грамотности (4 класс)", (
        Measure("kdr_below_base", "доля базового и повышенного уровня", "читат", 4, complement=True),
    )),
    DynamicsLine(6, "КДР по читательской грамотности (6 класс)", (
        Measure("kdr_below_base", "доля базового и повышенного уровня", "читат", 6, complement=True),
    )),
    DynamicsLine(7, "КДР по естественнонаучной грамотности (8 класс)", (
        Measure("kdr_below_base", "доля базового и повышенного уровня", "естеств", 8, complement=True),
    )),
)  # fmt: skip
#: A change smaller than this (in percentage points) is no change: a tenth of a point is noise.
NO_CHANGE = 0.1

POSITIVE, NEGATIVE, NONE, NO_DATA = "positive", "negative", "none", "no_data"
VERDICTS = {
    POSITIVE: "положительная",
    NEGATIVE: "отрицательная",
    NONE: "нет динамики",
    NO_DATA: "нет данных",
}


@dataclass
class MeasureChange:
    measure: Measure
    before: tuple | None  # (numerator, denominator, value) of the previous year
    now: tuple | None

    @property
    def delta(self) -> float | None:
        if not self.before or not self.now:
            return None
        return self.now[2] - self.before[2]

    @property
    def verdict(self) -> str:
        delta = self.delta
        if delta is None:
            return NO_DATA
        if abs(delta) < NO_CHANGE:
            return NONE
        better = delta > 0 if self.measure.better == "higher" else delta < 0
        return POSITIVE if better else NEGATIVE


@dataclass
class SchoolDynamics:
    line: DynamicsLine
    changes: list[MeasureChange] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """Positive: some value improved and none got worse; negative: some got worse and none
        improved; no dynamics: nothing moved, or one improved while another got worse."""
        verdicts = {change.verdict for change in self.changes} - {NO_DATA}
        if not verdicts:
            return NO_DATA
        if POSITIVE in verdicts and NEGATIVE not in verdicts:
            return POSITIVE
        if NEGATIVE in verdicts and POSITIVE not in verdicts:
            return NEGATIVE
        return NONE

    @property
    def verdict_label(self) -> str:
        return VERDICTS[self.verdict]


def _pooled(values: list[tuple], measure: Measure) -> tuple | None:
    """The slices that match the measure pooled: Σ numerators / Σ denominators (one subject may be
    split into several slices: base and profile mathematics)."""
    numerator = sum(v[0] or 0 for v in values)
    denominator = sum(v[1] or 0 for v in values)
    if not denominator:
        return None
    if measure.complement:
        numerator = denominator - numerator
    return numerator, denominator, numerator * 100.0 / denominator


def dynamics(municipality_id: int, year: int, organization_ids: list[int]) -> dict[int, list[SchoolDynamics]]:
    """{school: the seven lines} for the schools, this year against the previous one, from the
    computed indicator values (so the numbers are those on each school's card)."""
    codes = {m.indicator for line in DYNAMICS for m in line.measures}
    rows = IndicatorValue.objects.filter(
        municipality_id=municipality_id,
        year__in=[year - 1, year],
        indicator__code__in=codes,
        organization_id__in=organization_ids,
        class_name="",
    ).values_list("organization_id", "year", "indicator__code", "subject", "grade", "numerator", "denominator")
    grouped: dict[tuple, list] = defaultdict(list)
    for org, of_year, code, subject, grade, numerator, denominator in rows:
        grouped[(org, of_year, code)].append((subject.lower(), grade, numerator, denominator))

    def matching(org, of_year, measure):
        found = []
        for subject, grade, numerator, denominator in grouped.get((org, of_year, measure.indicator), []):
            if measure.subject:
                if measure.subject not in subject or (measure.grade is not None and grade != measure.grade):
                    continue
            elif subject or grade is not None:
                continue
            found.append((numerator, denominator))
        return _pooled(found, measure)

    result = {}
    for org in organization_ids:
        result[org] = [
            SchoolDynamics(
                line=line,
                changes=[MeasureChange(m, matching(org, year - 1, m), matching(org, year, m)) for m in line.measures],
            )
            for line in DYNAMICS
        ]
    return result


def dynamics_summary(per_school: dict[int, list[SchoolDynamics]]) -> list[dict]:
    """The seven indicators of direction 1.2 for the municipality: the share of the identified schools
    with positive dynamics, with its numerator and denominator (all identified schools), and how many
    had negative, none, no data."""
    summary = []
    for index, line in enumerate(DYNAMICS):
        counts = {POSITIVE: 0, NEGATIVE: 0, NONE: 0, NO_DATA: 0}
        for lines in per_school.values():
            counts[lines[index].verdict] += 1
        total = len(per_school)
        summary.append(
            {
                "line": line,
                "positive": counts[POSITIVE],
                "negative": counts[NEGATIVE],
                "none": counts[NONE],
                "no_data": counts[NO_DATA],
                "total": total,
                # no identified school with values of both years: «нет данных», not 0 %
                "share": counts[POSITIVE] * 100.0 / total if total and counts[NO_DATA] < total else None,
            }
        )
    return summary
