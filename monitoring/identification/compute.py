"""The evaluation of an identification method for its year: for every active school of the
municipality, each criterion's numbers and whether it is met, and the two verdicts.

Results criteria read the computed indicator values (IndicatorValue: numerator, denominator, value
per school, year and slice), so a school's number here is the number on its card. Context criteria
read the registry (rural, enrolment) and the year's result rows (participations of children with
ОВЗ, the number of participants when the registry has no enrolment). One query per criterion and
one for the context: a region's forty thousand schools are a few hundred thousand small rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q

from monitoring.models import IdentificationCriterion, IdentificationMethod, IndicatorValue, StudentResult
from schools.models import Organization

Kind = IdentificationCriterion.Kind


def compare(value: float, criterion: IdentificationCriterion) -> bool:
    if criterion.comparison == IdentificationCriterion.Comparison.AT_MOST:
        return value <= criterion.threshold
    return value >= criterion.threshold


@dataclass
class Evaluation:
    """One school's evaluation: the criteria with their numbers, and the verdicts."""

    organization_id: int
    criteria: list[dict] = field(default_factory=list)
    results_met: int = 0
    context_met: int = 0
    low_results: bool = False
    unfavourable_conditions: bool = False


def _indicator_values(method: IdentificationMethod, criterion: IdentificationCriterion) -> dict:
    """{(organization, year): (numerator, denominator, value)} of the criterion's indicator and slice
    over its window of years."""
    years = range(method.year - criterion.years_window + 1, method.year + 1)
    values = IndicatorValue.objects.filter(
        municipality_id=method.municipality_id,
        year__in=list(years),
        indicator_id=criterion.indicator_id,
        organization__isnull=False,
        subject=criterion.subject,
        class_name="",
    )
    values = values.filter(grade=criterion.grade) if criterion.grade is not None else values.filter(grade__isnull=True)
    return {
        (org, year): (numerator, denominator, value)
        for org, year, numerator, denominator, value in values.values_list(
            "organization_id", "year", "numerator", "denominator", "value"
        )
    }


def _results_item(method, criterion, label: str, values: dict, organization_id: int) -> dict:
    years, met_years = [], 0
    for year in range(method.year, method.year - criterion.years_window, -1):
        numerator, denominator, value = values.get((organization_id, year), (None, None, None))
        counted = value is not None and (denominator is None or denominator >= method.minimum_participants)
        met = counted and compare(value, criterion)
        met_years += met
        years.append(
            {
                "year": year, "numerator": numerator, "denominator": denominator,
                "value": value if counted else None, "met": met,
                "note": "" if counted else ("мало участников" if value is not None else "нет данных"),
            }
        )  # fmt: skip
    return {
        "criterion": criterion.pk, "label": label, "results": True,
        "met": met_years >= criterion.years_required, "met_years": met_years, "years": years,
    }  # fmt: skip


def _context_counts(method: IdentificationMethod, schools, *, codes: bool) -> dict:
    """{organization: (participations, of them with ОВЗ, distinct participants)} of the method's year,
    for the schools (a queryset of their keys: a subquery, not forty thousand parameters)."""
    rows = StudentResult.objects.filter(year=method.year, organization_id__in=schools).values("organization_id")
    aggregates = {"n": Count("pk"), "ovz": Count("pk", filter=Q(ovz=True))}
    if codes:
        aggregates["codes"] = Count("participant_code", distinct=True, filter=~Q(participant_code=""))
    return {
        row["organization_id"]: (row["n"], row["ovz"], row.get("codes"))
        for row in rows.annotate(**aggregates).order_by()
    }


def _context_item(method, criterion, label: str, organization: dict, counts: tuple | None) -> dict:
    item = {"criterion": criterion.pk, "label": label, "results": False, "year": method.year}
    participations, ovz, codes = counts or (0, 0, None)
    if criterion.kind == Kind.RURAL:
        rural = organization["is_rural"]
        return item | {"met": rural, "value": 1 if rural else 0, "numerator": None, "denominator": None,
                       "note": "сельская" if rural else "городская"}  # fmt: skip
    if criterion.kind == Kind.OVZ_SHARE:
        if participations < method.minimum_participants:
            note = "мало участников" if participations else "нет данных"
            return item | {"met": False, "value": None, "numerator": ovz, "denominator": participations, "note": note}
        value = ovz * 100.0 / participations
        return item | {"met": compare(value, criterion), "value": value, "numerator": ovz,
                       "denominator": participations, "note": "участий с ОВЗ из всех участий"}  # fmt: skip
    # size: the registry's enrolment, or else the participants of the year's procedures
    if organization["enrolment"] is not None:
        value, note = organization["enrolment"], "по реестру"
    elif codes:
        value, note = codes, "участников оценочных процедур"
    else:
        return item | {"met": False, "value": None, "numerator": None, "denominator": None, "note": "нет данных"}
    return item | {"met": compare(value, criterion), "value": value, "numerator": None, "denominator": None,
                   "note": note}  # fmt: skip


def evaluate(method: IdentificationMethod, *, progress: Callable | None = None) -> list[Evaluation]:
    """Every active school of the municipality, evaluated against every criterion of the method."""
    report = progress or (lambda *args, **kwargs: None)
    criteria = list(method.criteria.select_related("indicator"))
    scope = Organization.objects.filter(
        municipality_id=method.municipality_id, kind=Organization.Kind.SCHOOL, is_active=True
    )
    schools = list(scope.values("pk", "is_rural", "enrolment"))
    steps = len(criteria) + 2
    report(0, steps, "Чтение критериев")
    context = [c for c in criteria if not c.is_results]
    counts: dict = {}
    if any(c.kind in (Kind.OVZ_SHARE, Kind.SIZE) for c in context):
        needs_codes = any(c.kind == Kind.SIZE for c in context) and any(s["enrolment"] is None for s in schools)
        counts = _context_counts(method, scope.values("pk"), codes=needs_codes)
    report(1, steps, "Контекстные данные прочитаны")
    items: dict[int, list[dict]] = defaultdict(list)
    for number, criterion in enumerate(criteria, start=2):
        label = criterion.label  # the words of the criterion, the same in every school's row
        if criterion.is_results:
            values = _indicator_values(method, criterion)
            for school in schools:
                items[school["pk"]].append(_results_item(method, criterion, label, values, school["pk"]))
        else:
            for school in schools:
                items[school["pk"]].append(_context_item(method, criterion, label, school, counts.get(school["pk"])))
        report(number, steps, f"Критерий {number - 1} из {len(criteria)}")
    has_results = any(c.is_results for c in criteria)
    has_context = bool(context)
    evaluations = []
    for school in schools:
        entry = Evaluation(organization_id=school["pk"], criteria=items[school["pk"]])
        entry.results_met = sum(1 for item in entry.criteria if item["results"] and item["met"])
        entry.context_met = sum(1 for item in entry.criteria if not item["results"] and item["met"])
        entry.low_results = has_results and entry.results_met >= method.results_required
        entry.unfavourable_conditions = has_context and entry.context_met >= method.context_required
        evaluations.append(entry)
    return evaluations
