"""Targets and attainment (целевой показатель и его достижение), issue 21 part 4.

A measure with a target («не менее 5 % ежегодно», «не менее 2 мероприятий в год», «наличие
документа») is compared, year by year, with what was achieved:

- a target linked to a monitoring indicator (`Measure.target_indicator_code`) takes the
  municipality's pooled value of that indicator for the year. Roadmaps may not import monitoring
  (import-linter), so monitoring registers an `IndicatorSource` here in its `AppConfig.ready`,
  as it registers its zones in `roadmaps.groups`;
- otherwise the values the organisations entered with their evidence (`Assignment.achieved_value`),
  counted once the methodist accepted the occurrence. Each organisation has to reach the target:
  the worst of their values decides;
- «наличие» is attained by an accepted occurrence (accepted evidence) in the year;
- a count that is not a percentage («2 мероприятия в год») with no value entered is the number of
  accepted occurrences of the year, again organisation by organisation.

A year that is not over yet is never «не достигнуто» for lack of what may still come: a count or a
document not there yet is «нет данных» until the year ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from roadmaps.models import Assignment, Measure, Roadmap

ATTAINED = "достигнуто"
NOT_ATTAINED = "не достигнуто"
NO_DATA = "нет данных"

SOURCE_INDICATOR = "indicator"
SOURCE_ENTERED = "entered"
SOURCE_ACCEPTED = "accepted"
SOURCE_NONE = ""


# --- the registry of indicator values (filled by monitoring) ---------------------------------


@dataclass(frozen=True)
class IndicatorSource:
    """`choices()` lists the indicators a target may name, as (code, label); `values(keys)` gives the
    municipality's pooled value of the year for each (code, municipality id, year) it knows, in a
    fixed number of queries whatever the number of keys (None: no data)."""

    choices: Callable[[], list[tuple[str, str]]]
    values: Callable[[set[tuple[str, int, int]]], dict[tuple[str, int, int], float | None]]


_SOURCES: list[IndicatorSource] = []


def indicator_source_register(source: IndicatorSource) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def indicator_choices() -> list[tuple[str, str]]:
    return [choice for source in _SOURCES for choice in source.choices()]


def indicator_values(keys: set[tuple[str, int, int]]) -> dict[tuple[str, int, int], float | None]:
    found: dict[tuple[str, int, int], float | None] = {}
    if not keys:
        return found
    for source in _SOURCES:
        found.update(source.values(keys))
    return found


# --- years --------------------------------------------------------------------------------


def report_year(roadmap: Roadmap, day: date) -> int:
    """The year a date reports to: the calendar year, or for an academic roadmap the academic year
    by its end («2025/2026» is 2026), as monitoring numbers its years. August belongs to the coming
    year: plans start with it (the August conference)."""
    if roadmap.period_kind == Roadmap.PeriodKind.ACADEMIC:
        return day.year + (1 if day.month >= 8 else 0)
    return day.year


def year_bounds(roadmap: Roadmap) -> tuple[int, int]:
    """The roadmap's first and last report years. A plan ending in August ends with the academic
    year that August closes (1 September 2025 – 31 August 2027 is 2026 and 2027)."""
    first = report_year(roadmap, roadmap.period_start)
    end = roadmap.period_end
    last = end.year + (1 if end.month >= 9 else 0) if roadmap.period_kind == Roadmap.PeriodKind.ACADEMIC else end.year
    return first, max(first, last)


def roadmap_years(roadmap: Roadmap, *, today: date | None = None) -> list[int]:
    """The roadmap's years up to the current one: a later year has nothing to compare yet."""
    today = today or timezone.localdate()
    first, last = year_bounds(roadmap)
    return list(range(first, min(last, report_year(roadmap, today)) + 1))


def occurrence_year(roadmap: Roadmap, day: date | None) -> int:
    """The report year of an occurrence by its due date, within the roadmap's years (an occurrence
    without a date counts in the last)."""
    first, last = year_bounds(roadmap)
    return last if day is None else min(max(report_year(roadmap, day), first), last)


def year_label(roadmap: Roadmap, year: int) -> str:
    """«2025/2026» for an academic roadmap's year 2026, «2026» for a calendar one."""
    return f"{year - 1}/{year}" if roadmap.period_kind == Roadmap.PeriodKind.ACADEMIC else str(year)


def shows_attainment(roadmap: Roadmap) -> bool:
    """Only an approved (or archived) plan is executed; a draft has nothing achieved."""
    return roadmap.status in (Roadmap.Status.APPROVED, Roadmap.Status.ARCHIVED)


def has_target(measure: Measure) -> bool:
    return bool(measure.target_comparator)


def year_target(measure: Measure, year: int) -> Decimal | None:
    """The year's value from «по годам» when given, else the measure's value."""
    per_year = measure.target_per_year or {}
    raw = per_year.get(str(year), per_year.get(year))
    if raw not in (None, ""):
        try:
            return Decimal(str(raw).replace(",", "."))
        except InvalidOperation:
            return measure.target_value
    return measure.target_value


def is_percentage(unit: str) -> bool:
    return "%" in unit or unit.strip().lower().startswith("процент")


# --- the verdict --------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """What the verdict reads of one occurrence of the measure in the year."""

    organization_id: int
    occurrence: int
    accepted: bool
    achieved_value: Decimal | None


@dataclass(frozen=True)
class YearFacts:
    occurrences: tuple[Occurrence, ...] = ()
    indicator_value: float | None = None  # the linked indicator's pooled value, if any
    finished: bool = True  # the year is over


@dataclass(frozen=True)
class Attainment:
    """The target of a year against what was achieved: `achieved` is the deciding value (the
    worst organisation's, or the indicator's, or the number of accepted occurrences), `lowest`
    and `highest` its range over `organizations` organisations."""

    year: int
    comparator: str
    target: Decimal | None
    achieved: Decimal | None
    verdict: str
    source: str
    lowest: Decimal | None = None
    highest: Decimal | None = None
    organizations: int = 0

    @property
    def is_attained(self) -> bool:
        return self.verdict == ATTAINED


def _meets(comparator: str, achieved: Decimal, target: Decimal) -> bool:
    if comparator == Measure.Comparator.AT_LEAST:
        return achieved >= target
    if comparator == Measure.Comparator.AT_MOST:
        return achieved <= target
    return achieved == target


def _worst(comparator: str, values: list[Decimal], target: Decimal) -> Decimal:
    if comparator == Measure.Comparator.AT_MOST:
        return max(values)
    if comparator == Measure.Comparator.EQUAL:
        missed = [v for v in values if v != target]
        return missed[0] if missed else target
    return min(values)


def attainment(measure: Measure, year: int, facts: YearFacts) -> Attainment:
    """The verdict on one measure's target in one year, from the facts of that year (pure)."""
    comparator = measure.target_comparator
    target = None if comparator == Measure.Comparator.PRESENT else year_target(measure, year)
    result = dict(year=year, comparator=comparator, target=target)
    accepted = [o for o in facts.occurrences if o.accepted]
    if comparator == Measure.Comparator.PRESENT:
        if accepted:
            return Attainment(**result, achieved=Decimal(len(accepted)), verdict=ATTAINED, source=SOURCE_ACCEPTED)
        if facts.occurrences and facts.finished:
            return Attainment(**result, achieved=Decimal(0), verdict=NOT_ATTAINED, source=SOURCE_ACCEPTED)
        return Attainment(**result, achieved=None, verdict=NO_DATA, source=SOURCE_NONE)
    if target is None or not comparator:
        return Attainment(**result, achieved=None, verdict=NO_DATA, source=SOURCE_NONE)

    if measure.target_indicator_code and facts.indicator_value is not None:
        achieved = Decimal(str(round(facts.indicator_value, 3)))
        verdict = ATTAINED if _meets(comparator, achieved, target) else NOT_ATTAINED
        return Attainment(**result, achieved=achieved, verdict=verdict, source=SOURCE_INDICATOR)

    # Each organisation's value: that of its latest accepted occurrence with one.
    entered: dict[int, tuple[int, Decimal]] = {}
    for o in accepted:
        if o.achieved_value is not None and o.occurrence >= entered.get(o.organization_id, (0, None))[0]:
            entered[o.organization_id] = (o.occurrence, o.achieved_value)
    if entered:
        values = [value for _, value in entered.values()]
        return _compared(result, values, SOURCE_ENTERED, finished=True)

    if measure.target_indicator_code or is_percentage(measure.target_unit) or not facts.occurrences:
        return Attainment(**result, achieved=None, verdict=NO_DATA, source=SOURCE_NONE)
    counts: dict[int, int] = {o.organization_id: 0 for o in facts.occurrences}
    for o in accepted:
        counts[o.organization_id] += 1
    values = [Decimal(n) for n in counts.values()]
    return _compared(result, values, SOURCE_ACCEPTED, finished=facts.finished)


def _compared(result: dict, values: list[Decimal], source: str, *, finished: bool) -> Attainment:
    comparator, target = result["comparator"], result["target"]
    achieved = _worst(comparator, values, target)
    verdict = ATTAINED if all(_meets(comparator, v, target) for v in values) else NOT_ATTAINED
    if verdict == NOT_ATTAINED and not finished:
        verdict = NO_DATA  # more occurrences may still be accepted this year
    return Attainment(
        **result,
        achieved=achieved,
        verdict=verdict,
        source=source,
        lowest=min(values),
        highest=max(values),
        organizations=len(values),
    )


# --- in bulk ------------------------------------------------------------------------------


def measures_attainment(measures: Iterable[Measure], *, today: date | None = None) -> dict[int, list[Attainment]]:
    """{measure pk: [Attainment per year of its roadmap so far]} for the measures with a target of
    approved (or archived) roadmaps, in one query for the occurrences and one call to the indicator
    registry, however many measures and roadmaps. Each measure's `section.roadmap.owner` is read:
    load them with it (`select_related`), or they cost a query each."""
    today = today or timezone.localdate()
    measures = [m for m in measures if has_target(m) and shows_attainment(m.section.roadmap)]
    if not measures:
        return {}
    rows = Assignment.objects.filter(measure_id__in=[m.pk for m in measures]).values_list(
        "measure_id", "organization_id", "occurrence", "status", "achieved_value", "due_date", "window_end"
    )
    roadmap_of = {m.pk: m.section.roadmap for m in measures}
    occurrences: dict[tuple[int, int], list[Occurrence]] = {}
    for measure_id, organization_id, number, status, achieved, due, window_end in rows.order_by():
        year = occurrence_year(roadmap_of[measure_id], due or window_end)
        occurrences.setdefault((measure_id, year), []).append(
            Occurrence(organization_id, number, status == Assignment.Status.ACCEPTED, achieved)
        )
    years = {m.pk: roadmap_years(m.section.roadmap, today=today) for m in measures}
    municipality = {m.pk: m.section.roadmap.owner.municipality_id for m in measures}
    keys = {
        (m.target_indicator_code, municipality[m.pk], year)
        for m in measures
        if m.target_indicator_code and municipality[m.pk] is not None
        for year in years[m.pk]
    }
    values = indicator_values(keys)
    result = {}
    for m in measures:
        current = report_year(m.section.roadmap, today)
        result[m.pk] = [
            attainment(
                m,
                year,
                YearFacts(
                    occurrences=tuple(occurrences.get((m.pk, year), ())),
                    indicator_value=values.get((m.target_indicator_code, municipality[m.pk], year)),
                    finished=year < current,
                ),
            )
            for year in years[m.pk]
        ]
    return {pk: items for pk, items in result.items() if items}


def with_targets(measures):
    """The measures (a queryset) that have a target, with what the verdict reads of their roadmap."""
    return measures.exclude(target_comparator="").select_related("section__roadmap__owner")


def roadmap_attainment(roadmap: Roadmap, *, today: date | None = None) -> dict[int, list[Attainment]]:
    """The attainment of every measure with a target of the roadmap (its page, print, analysis)."""
    return measures_attainment(with_targets(Measure.objects.filter(section__roadmap=roadmap)), today=today)
